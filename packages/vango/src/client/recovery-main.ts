/**
 * Entry of the form recovery chunk (a deferred script after the core client's): records
 * what the user types, and restores what was typed before a reload — the restored
 * controls' events wait in the core client's outbox until its socket is up.
 */
import { createRecovery } from "./recovery.ts";

createRecovery(document).restore(true);

import { guard } from "vango";

/** /account and below: signed-in users only (anonymous visitors go to /login?next=…). */
export const { http, enter, event } = guard();

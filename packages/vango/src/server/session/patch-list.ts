/**
 * The scratch patch list of a session flush. Flushes of different sessions do not
 * overlap, so one list serves the process; a flush that starts while another runs gets
 * a fresh one. Kept lists are emptied with `pop`, which keeps the backing store: a list
 * per session would either hold that store for every idle session or, truncated with
 * `length = 0`, allocate it again on every flush.
 */
import type { Patch } from "../../protocol/patch.ts";
import { empty } from "../../render/flush-lists.ts";

let spare: Patch[] | null = [];

/** A list for a flush about to start; give it back with {@link releasePatchList}. */
export function takePatchList(): Patch[] {
  const list = spare ?? [];
  spare = null;
  return list;
}

/** Empties `list` and keeps it for the next flush. */
export function releasePatchList(list: Patch[]): void {
  empty(list);
  spare = list;
}

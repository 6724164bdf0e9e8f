/**
 * The scratch lists of a flush. One set serves every root of the process, since flushes
 * do not overlap; a flush that starts while another one runs (from a render or an
 * `onMount` callback of the first) gets a set of its own. Lists are emptied with `pop`:
 * `length = 0` drops an array's backing store, so that the next `push` allocates one
 * again; and a set per root would keep five backing stores per session.
 */
import type { HElement, HNode } from "../vdom/host.ts";
import type { Instance } from "./instance.ts";

export class FlushLists {
  /** Live elements whose child lists the flush replaced, flat pairs: element, old list. */
  readonly undo: Array<HElement | HNode[]> = [];
  /** Live child lists the flush changed in place, flat triples: list, index, old node. */
  readonly undoSlots: Array<HNode[] | number | HNode> = [];
  /** Element swaps of the flush, flat triples: instance (whose host parent holds them), old host, new host. */
  readonly swaps: Array<Instance | HElement> = [];
  /** The top-level elements of an instance before/after its render. */
  readonly before: HNode[] = [];
  readonly after: HNode[] = [];
}

let spare: FlushLists | null = new FlushLists();

/** The set for a flush about to start; give it back with {@link releaseFlushLists}. */
export function takeFlushLists(): FlushLists {
  const lists = spare ?? new FlushLists();
  spare = null;
  return lists;
}

/** Empties `lists` and keeps them for the next flush. */
export function releaseFlushLists(lists: FlushLists): void {
  empty(lists.undo);
  empty(lists.undoSlots);
  empty(lists.swaps);
  empty(lists.before);
  empty(lists.after);
  spare = lists;
}

/** Empties `list`, keeping its backing store. */
export function empty(list: unknown[]): void {
  while (list.length > 0) list.pop();
}

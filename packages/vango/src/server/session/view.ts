/**
 * What a session needs from its mounted view. `render/`'s `LiveRoot` satisfies it; the
 * session core depends on this shape only.
 */
import type { ErrorCode } from "../../protocol/error-code.ts";
import type { Patch } from "../../protocol/patch.ts";
import type { StateEntry } from "../../render/state-slots.ts";
import type { EventBinding, HElement } from "../../vdom/host.ts";
import type { Checkpoint } from "./checkpoint.ts";

export interface SessionView {
  /** The `#vango-root` container element (hid 1) and its current host subtree. */
  readonly root: HElement;
  /** True when a re-render is pending. */
  readonly dirty: boolean;
  /** The binding for `eventName` on element `hid`, if it still listens. */
  handler(hid: number, eventName: string): EventBinding | undefined;
  /**
   * True when event `eventName` on element `hid` is owed an answer even if it changes
   * nothing (or fails): the element predicted its result (`optimistic`), and the client
   * reverts the prediction once it sees the event processed; or it is a navigation,
   * whose progress bar the client ends when it sees the event processed.
   */
  owesAnswer?(hid: number, eventName: string): boolean;
  /** Re-renders dirty components, appending patches to `out`; returns their count. */
  flush(out: Patch[]): number;
  dispose(): void;
  /**
   * Offered what a handler threw before it counts as a failure: true when the view
   * handled it (the router turns `redirect()`/`notFound()` into a navigation).
   */
  recover?(err: unknown): boolean;
  /** What a checkpoint holds of the view (`undefined` on a view that cannot be persisted). */
  snapshot?(): ViewSnapshot | undefined;
  /**
   * True when the view can be parked: nothing of it runs or is pending, and nothing
   * outside it feeds it (no timer, no subscription, no signal it did not create), so
   * its checkpoint holds all it is.
   */
  atRest?(): boolean;
  /** Disposes the view (call after `atRest()`) and returns what builds it again. */
  park?(): ParkedView;
}

/** A view disposed while its session idles: what builds it again from its checkpoint. */
export interface ParkedView {
  /**
   * Builds the view again from `cp` with its data (up to the app's `pageDataMs`, then
   * `resumeDataMs` more while what it lacks loads) and the browser's hids; `same` when
   * it renders what the checkpoint rendered. An error code when it cannot be built (the
   * page now redirects or throws).
   */
  wake(cp: Checkpoint): Promise<WokenView | ErrorCode>;
}

export interface WokenView {
  readonly view: SessionView;
  /** It renders what the browser shows (hids and fingerprint match the checkpoint's). */
  readonly same: boolean;
}

/** The view's part of a checkpoint. */
export interface ViewSnapshot {
  /** Path and query of the page. */
  readonly url: string;
  readonly state: readonly StateEntry[];
  /** Element hids in document pre-order. */
  readonly hids: readonly number[];
  /** Hash of the rendered HTML. */
  readonly hash: string;
}

/**
 * What the built-in `Upload` hook and an upload field say to each other, on the page's
 * socket (docs/uploads.md): the hook pushes `upload` events on the input (ops below),
 * the field answers with hook calls, and the file's bytes travel as Data frames on the
 * channel named by the upload's id. Shared by the hook chunk and the server.
 */

/** The hook event the input's handler takes (`onUpload`). */
export const UPLOAD_EVENT = "upload";

/** `op` of an `upload` event. */
export const UploadOp = {
  /**
   * `{ n, files: [{ name, size, type, id? }] }`: judge these files (`id`: resume that
   * upload). Sent again under the same `n`, it gets the uploads the first one got.
   */
  Announce: "announce",
  /** `{ id }`: the user cancelled in the browser; the hook stopped sending. */
  Cancel: "cancel",
  /** `{ id }`: the hook gave up (the file could not be read, no progress). */
  Abort: "abort",
} as const;

/** Names of the field's calls to the hook. */
export const UploadCall = {
  /** {@link AcceptedCall}: the answer to announcement `n`. */
  Accepted: "accepted",
  /** `{ id, at }`: `at` bytes are written; the window moves on. */
  Ack: "ack",
  /** `{ id, code }`: the upload ended short of done (cancelled, stalled, failed). */
  Stop: "stop",
} as const;

/** Spread on a button (`useUpload().cancelButton(id)`): a click cancels upload `id` in the browser. */
export const ATTR_UPLOAD_CANCEL = "data-vu-cancel";

export interface AnnouncedFileMessage {
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly id?: string;
}

/** Per file: the id and the offset to send from, or the code that refused it. */
export type AnnounceAnswer =
  | { readonly id: string; readonly at: number }
  | { readonly error: string };

export interface AcceptedCall {
  readonly n: number;
  /** Bytes per Data frame (the last one of a file shorter). */
  readonly chunk: number;
  /** Chunks of one upload that may be unacknowledged at once. */
  readonly window: number;
  readonly files: readonly AnnounceAnswer[];
}

/**
 * `useUpload`: an upload field for a component. Spread its `input()` props on an
 * `<input type="file">`: they put the built-in `Upload` hook on it (its chunk loads on
 * demand) and the handler that takes the hook's messages; `entries()` follows the files
 * as they arrive.
 *
 * Everything travels on the page's own WebSocket — the announcement as a hook event,
 * the answers as hook calls, the bytes as Data frames into channels of the session —
 * so an upload reaches the instance that holds the session wherever the load balancer
 * sends other requests (docs/uploads.md explains the choice).
 */
import { type HookAttrs, useHook } from "../hooks/hook.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { DATA_HEADER_MAX } from "../protocol/frame-data.ts";
import type { JsonValue } from "../protocol/patch.ts";
import {
  type AcceptedCall,
  ATTR_UPLOAD_CANCEL,
  UploadCall,
  UploadOp,
} from "../protocol/upload-messages.ts";
import { onCleanup, type ReadonlySignal } from "../reactive/index.ts";
import { ConfigError } from "../server/core/errors.ts";
import type { Logger } from "../server/core/logger.ts";
import { useSession } from "../server/session/session-context.ts";
import type { CustomEventPayload } from "../vdom/events.ts";
import {
  type AnnouncedFile,
  type UploadEntry,
  UploadField,
  type UploadOptions,
} from "./upload-field.ts";

/** Props for the file input of an upload field (the built-in `Upload` hook sends its files). */
export interface UploadInputProps extends HookAttrs {
  readonly type: "file";
  readonly accept: string | undefined;
  readonly multiple: boolean;
  /** Takes the hook's messages (announce, cancel, give up). */
  readonly onUpload: (e: CustomEventPayload<unknown>) => Promise<void>;
}

/** Attributes of a button that cancels one upload in the browser. */
export interface UploadCancelProps {
  readonly type: "button";
  readonly "data-vu-cancel": string;
}

export interface Upload {
  /** Every file of the current selection (and uploads still running), in order. */
  readonly entries: ReadonlySignal<readonly UploadEntry[]>;
  /** Spread on an `<input>`: `<input {...upload.input()} />`. */
  input(): UploadInputProps;
  /**
   * Spread on a `<button>`: a click cancels upload `id` at once in the browser (the hook
   * stops reading and sending the file, then tells the server, which drops what it got).
   */
  cancelButton(id: string): UploadCancelProps;
  /** Stops a running upload from the server: what it received goes, the browser stops sending. */
  cancel(id: string): void;
  /** Drops finished, failed and cancelled entries (their temp files too). */
  clear(): void;
}

/** Most files one announcement may name (a `maxFiles` above it still counts). */
const MAX_ANNOUNCED = 1000;
const MAX_NAME = 255;
const ID = /^[A-Za-z0-9_-]{24}$/;

/**
 * An upload field, owned by the calling component: its temp files are deleted (its
 * streams destroyed) when the component goes, at the latest when the session ends.
 * Call in setup.
 * @example
 * function Avatar() {
 *   const up = useUpload({ maxFileBytes: 2 << 20, accept: ["image/*"],
 *     onFile: (f) => rename(f.path, `avatars/${f.id}`) });
 *   return () => <>
 *     <input {...up.input()} />
 *     {up.entries().map((e) => <p>{e.name}: {e.received} / {e.size}</p>)}
 *   </>;
 * }
 */
export function useUpload(options: UploadOptions = {}): Upload {
  const session = useSession("useUpload()");
  const ref = useHook("Upload");
  const data = session.data;
  const field = new UploadField(
    options,
    {
      open: (id, receiver) => data.open(id, receiver),
      close: (id) => data.close(id),
      ack: (id, at) => ref.call(UploadCall.Ack, { id, at }),
      stop: (id, code) => ref.call(UploadCall.Stop, { id, code }),
    },
    session.logger,
  );
  if (field.chunkBytes + DATA_HEADER_MAX > session.maxPayload) {
    throw new ConfigError(
      "useUpload.chunkBytes",
      `must leave ${DATA_HEADER_MAX} bytes under limits.maxPayload (${session.maxPayload})`,
    );
  }
  onCleanup(() => void field.close());
  const logger = session.logger;

  const onUpload = async (e: CustomEventPayload<unknown>): Promise<void> => {
    const msg = parseMessage(e.detail);
    if (msg === undefined) {
      malformed(logger);
      return;
    }
    if (msg.op === UploadOp.Cancel) field.cancel(msg.id);
    else if (msg.op === UploadOp.Abort) field.abort(msg.id);
    else if (msg.op === UploadOp.Announce) {
      const files = await field.announce(msg.files, msg.n);
      const answer: AcceptedCall = {
        n: msg.n,
        chunk: field.chunkBytes,
        window: field.window,
        files,
      };
      ref.call(UploadCall.Accepted, answer as unknown as JsonValue);
    }
  };

  const props: UploadInputProps = Object.freeze({
    type: "file",
    ...ref(),
    accept: field.accept.length > 0 ? field.accept.join(",") : undefined,
    multiple: field.maxFiles > 1,
    onUpload,
  });
  return {
    entries: field.entries,
    input: () => props,
    cancelButton: (id) => ({ type: "button", [ATTR_UPLOAD_CANCEL]: id }),
    cancel: (id) => field.cancel(id),
    clear: () => field.clear(),
  };
}

type Message =
  | { readonly op: typeof UploadOp.Announce; readonly n: number; readonly files: AnnouncedFile[] }
  | { readonly op: typeof UploadOp.Cancel | typeof UploadOp.Abort; readonly id: string };

/** A hook message, or `undefined` when `v` is not one (the browser is not ours to trust). */
export function parseMessage(v: unknown): Message | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const m = v as Record<string, unknown>;
  if (m.op === UploadOp.Cancel || m.op === UploadOp.Abort) {
    return typeof m.id === "string" && ID.test(m.id) ? { op: m.op, id: m.id } : undefined;
  }
  if (m.op !== UploadOp.Announce || !Number.isSafeInteger(m.n)) return undefined;
  const list = m.files;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ANNOUNCED) return undefined;
  const files: AnnouncedFile[] = [];
  for (const f of list as unknown[]) {
    const { name, size, type, id } = (f ?? {}) as Record<string, unknown>;
    if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME) return undefined;
    if (typeof type !== "string" || type.length > MAX_NAME) return undefined;
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return undefined;
    if (id !== undefined && (typeof id !== "string" || !ID.test(id))) return undefined;
    files.push({ name, size, type, id: id as string | undefined });
  }
  return { op: UploadOp.Announce, n: m.n as number, files };
}

function malformed(logger: Logger): void {
  logger.warn({ code: ErrorCode.bad_request }, "upload: malformed hook message dropped");
}

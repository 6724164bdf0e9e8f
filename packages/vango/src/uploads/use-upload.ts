/**
 * `useUpload`: an upload field for a component. Spread its `input()` props on an
 * `<input type="file">`: they put the built-in `Upload` hook on it (its chunk loads on
 * demand and sends the chosen files in chunks), and `entries()` follows them as they
 * arrive.
 */
import { type HookAttrs, hook } from "../hooks/hook.ts";
import { onCleanup, type ReadonlySignal } from "../reactive/index.ts";
import { useSession } from "../server/session/session-context.ts";
import { type UploadEntry, UploadField, type UploadOptions } from "./upload-field.ts";
import { registerField, UPLOAD_PREFIX, unregisterField } from "./upload-http.ts";

/** Props for the file input of an upload field (the built-in `Upload` hook sends its files). */
export interface UploadInputProps extends HookAttrs {
  readonly type: "file";
  readonly accept: string | undefined;
  readonly multiple: boolean;
}

export interface Upload {
  /** Where the field takes announcements and chunks (`/_vango/upload/<field>`). */
  readonly url: string;
  /** Every file of the current selection (and uploads still running), in order. */
  readonly entries: ReadonlySignal<readonly UploadEntry[]>;
  /** Spread on an `<input>`: `<input {...upload.input()} />`. */
  input(): UploadInputProps;
  /** Stops a running upload and deletes what it received. */
  cancel(id: string): void;
  /** Drops finished, failed and cancelled entries (their temp files too). */
  clear(): void;
}

/**
 * An upload field, owned by the calling component: its temp files are deleted when the
 * component goes (at the latest when the session ends). Call in setup.
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
  const field = new UploadField(session.sid, options, session.logger);
  registerField(field);
  onCleanup(() => {
    unregisterField(field);
    void field.close();
  });
  const url = UPLOAD_PREFIX + field.token;
  const props: UploadInputProps = Object.freeze({
    type: "file",
    ...hook("Upload", { url }),
    accept: field.accept.length > 0 ? field.accept.join(",") : undefined,
    multiple: field.maxFiles > 1,
  });
  return {
    url,
    entries: field.entries,
    input: () => props,
    cancel: (id) => field.cancel(id),
    clear: () => field.clear(),
  };
}

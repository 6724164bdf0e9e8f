/**
 * Built-in `Upload` (put on an `<input type="file">` by `useUpload().input()`): sends the
 * chosen files to the upload field at `url` — announces the selection, then sends each
 * accepted file in chunks of the size the field answered, one at a time, each at the
 * offset the server confirmed. A chunk that fails (network) is sent again, up to three
 * times with a growing pause, from the offset the server reports; a refusal the server
 * will not change its mind about (404, 413) stops the file. Progress, results and
 * refusals are the server's to render.
 */
import { BOOT_ID } from "../../protocol/dom-attrs.ts";
import { defineHook } from "./define.ts";

export interface UploadHookOptions {
  /** The field's URL (`/_vango/upload/<field>`). */
  url: string;
}

/** Response header with the bytes the server holds of an upload. */
const OFFSET = "x-vango-upload-offset";

export default defineHook<UploadHookOptions>((ctx) => {
  const input = ctx.el as HTMLInputElement;
  let url = ctx.options.url;
  let stopped = false;
  const boot = document.getElementById(BOOT_ID);
  const csrf: string = boot ? (JSON.parse(boot.textContent ?? "{}").csrf ?? "") : "";

  const sendFile = async (base: string, file: File, chunk: number): Promise<void> => {
    let offset = 0;
    let tries = 0;
    do {
      if (stopped) return;
      const end = Math.min(offset + chunk, file.size);
      let r: Response | undefined;
      try {
        r = await fetch(`${base}?offset=${offset}`, {
          method: "PUT",
          headers: { "x-csrf-token": csrf },
          body: file.slice(offset, end),
        });
      } catch {
        r = undefined;
      }
      if (r?.ok) {
        offset = end;
        tries = 0;
      } else {
        if (r?.status === 404 || r?.status === 413 || ++tries > 3) return;
        const at = r?.headers.get(OFFSET);
        if (at) offset = +at;
        await new Promise((res) => setTimeout(res, 300 * tries));
      }
    } while (offset < file.size);
  };

  const onChange = async (): Promise<void> => {
    const files = Array.from(input.files ?? []);
    if (files.length === 0) return;
    const target = url;
    const r = await fetch(target, {
      method: "POST",
      headers: { "x-csrf-token": csrf, "content-type": "application/json" },
      body: JSON.stringify({
        files: files.map((f) => ({ name: f.name, size: f.size, type: f.type })),
      }),
    });
    // Refused: the page shows why (the server rendered the entries).
    if (!r.ok) return;
    const answer: { chunk: number; files: { id?: string }[] } = await r.json();
    await Promise.all(
      answer.files.map((res, i) =>
        res.id ? sendFile(`${target}/${res.id}`, files[i]!, answer.chunk) : undefined,
      ),
    );
  };
  const listener = (): void => {
    onChange().catch((err) => console.warn("vango: upload failed", err));
  };
  input.addEventListener("change", listener);
  return {
    updated(o) {
      url = o.url;
    },
    destroyed() {
      stopped = true;
      input.removeEventListener("change", listener);
    },
  };
});

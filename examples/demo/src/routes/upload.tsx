import {
  sessionSignal,
  type Upload,
  type UploadEntry,
  type UploadErrorCode,
  useFlash,
  useUpload,
} from "vango";

export const title = "Upload";

/** Largest file the page takes. */
export const MAX_UPLOAD = 10 * 1024 * 1024;

const REFUSED: Record<UploadErrorCode, string> = {
  upload_too_large: "is larger than 10 MiB",
  upload_type_refused: "is not a type this page takes",
  upload_count_exceeded: "is one file too many",
  upload_stalled: "stopped arriving",
  upload_aborted: "could not be read by the browser",
  handler_error: "could not be stored",
  internal_error: "could not be stored",
};

function percent(e: UploadEntry): number {
  return e.size === 0 ? 100 : Math.floor((e.received * 100) / e.size);
}

function Entry(props: { entry: UploadEntry; cancel: Upload["cancelButton"] }) {
  const e = props.entry;
  if (e.status === "failed") {
    return (
      <p data-testid="upload-error" role="alert" class="upload-error">
        {e.name} {REFUSED[e.error!]} ({e.error})
      </p>
    );
  }
  const pct = percent(e);
  return (
    <div class="upload-entry">
      <p data-testid="upload-progress">
        <progress max={100} value={pct} aria-label={`Upload of ${e.name}`} /> {pct} %
      </p>
      {e.status === "done" ? <p data-testid="upload-done">{`${e.name}: ${e.size} bytes`}</p> : null}
      {e.status === "cancelled" ? <p data-testid="upload-cancelled">{e.name}: cancelled</p> : null}
      {e.status === "uploading" ? (
        <button data-testid="upload-cancel" {...props.cancel(e.id)}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}

/**
 * `/upload`: one file up to 10 MiB, sent in 64 KiB chunks with progress. The file is
 * written to a temp file and dropped again with the entry or the session (the demo keeps
 * nothing); a larger file is refused before a byte is sent. A finished upload flashes a
 * toast (it stays through a navigation) and counts in a session signal that every tab
 * of this browser session shows.
 */
export default function UploadPage() {
  const flash = useFlash();
  const uploaded = sessionSignal("demo.uploads", 0);
  const up = useUpload({
    maxFileBytes: MAX_UPLOAD,
    onFile: (f) => {
      uploaded.set(uploaded.peek() + 1);
      flash(`Uploaded ${f.name}`, "success");
    },
  });
  return () => (
    <>
      <h2 class="page-title">Upload</h2>
      <p data-testid="upload-count">Files uploaded in this browser session: {uploaded()}</p>
      <p>
        <label>
          A file (up to 10 MiB): <input data-testid="upload-input" {...up.input()} />
        </label>
      </p>
      {up.entries().map((e) => (
        <Entry key={e.id || e.name} entry={e} cancel={up.cancelButton} />
      ))}
    </>
  );
}

/**
 * Connection status, shown as exactly one class on `<html>` and announced with a
 * `vango:status` event on `document`, so apps can style or react to it without code.
 */

export type Status = "connecting" | "connected" | "reconnecting" | "offline";

const ALL: readonly Status[] = ["connecting", "connected", "reconnecting", "offline"];

/**
 * Sets the `vango-<status>` class (removing the others) and dispatches
 * `vango:status` with `{ detail: { status } }`.
 * @example
 * document.addEventListener("vango:status", (e) => console.log(e.detail.status));
 * showStatus(document, "reconnecting");
 */
export function showStatus(doc: Document, status: Status): void {
  const cl = doc.documentElement.classList;
  for (const s of ALL) cl.toggle("vango-" + s, s === status);
  doc.dispatchEvent(new CustomEvent("vango:status", { detail: { status } }));
}

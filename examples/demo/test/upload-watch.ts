/** What a page sends of its uploads, for the upload e2e tests. */
import type { Page } from "playwright-core";
import { FrameType } from "vango/protocol";

/** Sizes of the Data frames (upload chunks) the page sends on its socket, and every HTTP upload request. */
export function watchUploads(page: Page): { chunks: number[]; http: string[] } {
  const seen = { chunks: [] as number[], http: [] as string[] };
  page.on("websocket", (ws) => {
    ws.on("framesent", (f) => {
      const b = f.payload;
      if (typeof b !== "string" && (b[0]! & 0x1f) === FrameType.Data) seen.chunks.push(b.length);
    });
  });
  page.on("request", (r) => {
    if (r.url().includes("/_vango/upload")) seen.http.push(r.url());
  });
  return seen;
}

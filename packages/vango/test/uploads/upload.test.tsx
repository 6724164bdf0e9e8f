/**
 * Uploads over real HTTP against a real app: announce, chunks written at their offsets
 * into the temp file, limits judged before any byte is read, cancel, cleanup when the
 * session ends — and the adversarial cases: a lying Content-Length, a truncated chunk,
 * a chunk for another browser session, a flood of tiny chunks.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/errors.ts";
import type { UploadedFile } from "../../src/uploads/upload-field.ts";
import { OFFSET_HEADER, uploadFieldCount } from "../../src/uploads/upload-http.ts";
import { type Upload, useUpload } from "../../src/uploads/use-upload.ts";
import { getPage, type Page, type Running, start } from "../server/helpers.ts";

const CHUNK = 64 * 1024;
let srv: Running | undefined;
let dir: string;
let field: Upload | undefined;
const files: UploadedFile[] = [];

function UploadPage() {
  const up = useUpload({
    maxFileBytes: 1024 * 1024,
    maxFiles: 2,
    accept: ["text/plain", ".bin"],
    chunkBytes: CHUNK,
    dir,
    onFile: (f) => {
      files.push(f);
    },
  });
  field = up;
  return () => (
    <div>
      <input {...up.input()} />
      {up.entries().map((e) => (
        <p>
          {e.name} {e.status} {e.received}
        </p>
      ))}
    </div>
  );
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vango-upload-test-"));
  files.length = 0;
  srv = await start({
    routes: { "/": UploadPage },
    rateLimit: { perIp: { limit: 300, windowMs: 60_000 } },
  });
});

afterEach(async () => {
  await srv?.close();
  srv = undefined;
  await rm(dir, { recursive: true, force: true });
});

function urlOf(page: Page): string {
  const m = /data-vh="Upload" data-vh-o="([^"]+)"/.exec(page.html);
  return (JSON.parse(m![1]!.replaceAll("&quot;", '"')) as { url: string }).url;
}

function headers(page: Page, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie: page.cookie, "x-csrf-token": page.csrf, ...extra };
}

async function announce(
  page: Page,
  list: { name: string; size: number; type: string }[],
): Promise<Response> {
  return fetch(srv!.base + urlOf(page), {
    method: "POST",
    headers: headers(page, { "content-type": "application/json" }),
    body: JSON.stringify({ files: list }),
  });
}

async function put(page: Page, id: string, offset: number, body: Uint8Array): Promise<Response> {
  return fetch(`${srv!.base}${urlOf(page)}/${id}?offset=${offset}`, {
    method: "PUT",
    headers: headers(page),
    body: new Blob([new Uint8Array(body)]),
  });
}

async function sendAll(page: Page, id: string, data: Buffer): Promise<void> {
  for (let o = 0; o < data.length; o += CHUNK) {
    const r = await put(page, id, o, data.subarray(o, o + CHUNK));
    expect(r.status).toBe(204);
    expect(r.headers.get(OFFSET_HEADER)).toBe(String(Math.min(o + CHUNK, data.length)));
  }
}

/** Raw HTTP on a socket: the request head (and `body`), then `end` or a cut. */
function rawRequest(
  head: string,
  body: Buffer,
  opts: { cut?: boolean } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(srv!.port, "127.0.0.1");
    let text = "";
    s.on("data", (d) => {
      text += d.toString("latin1");
    });
    s.on("error", () => resolve({ status: 0, text }));
    s.on("close", () => {
      const m = /^HTTP\/1\.1 (\d+)/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
    });
    s.on("connect", () => {
      s.write(head + "\r\n\r\n");
      s.write(body, () => {
        if (opts.cut) setTimeout(() => s.destroy(), 50);
      });
    });
    setTimeout(() => reject(new Error("raw request timed out")), 5000).unref();
  });
}

function putHead(page: Page, id: string, offset: number, length: number): string {
  return [
    `PUT ${urlOf(page)}/${id}?offset=${offset} HTTP/1.1`,
    "Host: 127.0.0.1",
    `Cookie: ${page.cookie}`,
    `X-CSRF-Token: ${page.csrf}`,
    `Content-Length: ${length}`,
    "Connection: close",
  ].join("\r\n");
}

async function startOne(page: Page, size: number, name = "a.bin", type = ""): Promise<string> {
  const r = await announce(page, [{ name, size, type }]);
  expect(r.status).toBe(200);
  const body = (await r.json()) as { chunk: number; files: { id: string }[] };
  expect(body.chunk).toBe(CHUNK);
  return body.files[0]!.id;
}

async function onDisk(): Promise<string[]> {
  return readdir(dir);
}

describe("uploads", () => {
  it("writes a file in chunks at their offsets and hands it to onFile", async () => {
    const page = await getPage(srv!.base);
    const data = randomBytes(3 * CHUNK + 1234);
    const id = await startOne(page, data.length, "report.txt", "text/plain");
    expect(field!.entries.peek()).toMatchObject([{ id, received: 0, status: "uploading" }]);
    await sendAll(page, id, data);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ id, name: "report.txt", size: data.length });
    expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
    expect(field!.entries.peek()).toMatchObject([
      { id, received: data.length, size: data.length, status: "done" },
    ]);
  });

  it("accepts an empty file with one empty chunk", async () => {
    const page = await getPage(srv!.base);
    const id = await startOne(page, 0);
    const r = await put(page, id, 0, new Uint8Array(0));
    expect(r.status).toBe(204);
    expect(field!.entries.peek()[0]!.status).toBe("done");
  });

  it("refuses files over the size, type and count limits before any byte is read", async () => {
    const page = await getPage(srv!.base);
    let r = await announce(page, [{ name: "big.bin", size: 1024 * 1024 + 1, type: "" }]);
    expect(r.status).toBe(413);
    expect(r.headers.get("x-vango-error")).toBe(ErrorCode.upload_too_large);
    expect(field!.entries.peek()).toMatchObject([
      { name: "big.bin", status: "failed", error: ErrorCode.upload_too_large },
    ]);
    r = await announce(page, [{ name: "x.exe", size: 10, type: "application/x-msdownload" }]);
    expect(r.status).toBe(415);
    expect(r.headers.get("x-vango-error")).toBe(ErrorCode.upload_type_refused);
    r = await announce(page, [
      { name: "1.bin", size: 1, type: "" },
      { name: "2.bin", size: 1, type: "" },
      { name: "3.bin", size: 1, type: "" },
    ]);
    expect(r.headers.get("x-vango-error")).toBe(ErrorCode.upload_count_exceeded);
    // One accepted, one refused: 200 with a result per file.
    r = await announce(page, [
      { name: "ok.txt", size: 1, type: "text/plain" },
      { name: "no.gif", size: 1, type: "image/gif" },
    ]);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { files: ({ id: string } | { error: string })[] };
    expect(body.files[0]).toHaveProperty("id");
    expect(body.files[1]).toEqual({ error: ErrorCode.upload_type_refused });
    expect(await onDisk()).toHaveLength(1);
  });

  it("refuses a malformed announcement as bad_request", async () => {
    const page = await getPage(srv!.base);
    for (const files of [[], [{ name: "", size: 1, type: "" }], [{ name: "a", size: -1 }], "x"]) {
      const r = await fetch(srv!.base + urlOf(page), {
        method: "POST",
        headers: headers(page, { "content-type": "application/json" }),
        body: JSON.stringify({ files }),
      });
      expect(r.headers.get("x-vango-error")).toBe(ErrorCode.bad_request);
    }
  });

  it("refuses a chunk past the declared size, at a wrong offset, or of a wrong length", async () => {
    const page = await getPage(srv!.base);
    const id = await startOne(page, CHUNK + 10);
    let r = await put(page, id, CHUNK, new Uint8Array(10));
    expect(r.headers.get("x-vango-error")).toBe(ErrorCode.upload_chunk_invalid);
    expect(r.headers.get(OFFSET_HEADER)).toBe("0");
    r = await put(page, id, 0, new Uint8Array(CHUNK - 1));
    expect(r.headers.get("x-vango-error")).toBe(ErrorCode.upload_chunk_invalid);
    await sendAll(page, id, randomBytes(CHUNK + 10).subarray(0, CHUNK));
    r = await put(page, id, CHUNK, new Uint8Array(11));
    expect(r.status).toBe(413);
    expect(r.headers.get("x-vango-error")).toBe(ErrorCode.upload_too_large);
    expect(field!.entries.peek()[0]!.received).toBe(CHUNK);
  });

  it("cancels: the file goes and later chunks are refused", async () => {
    const page = await getPage(srv!.base);
    const id = await startOne(page, 2 * CHUNK);
    await sendAll(page, id, randomBytes(CHUNK));
    expect(await onDisk()).toHaveLength(1);
    const r = await fetch(`${srv!.base}${urlOf(page)}/${id}`, {
      method: "DELETE",
      headers: headers(page),
    });
    expect(r.status).toBe(204);
    expect(field!.entries.peek()[0]!.status).toBe("cancelled");
    await expect.poll(onDisk).toHaveLength(0);
    const again = await put(page, id, CHUNK, new Uint8Array(CHUNK));
    expect(again.headers.get("x-vango-error")).toBe(ErrorCode.upload_not_found);
  });

  it("deletes temp files and forgets the field when the session ends", async () => {
    const page = await getPage(srv!.base);
    const id = await startOne(page, 2 * CHUNK);
    await sendAll(page, id, randomBytes(CHUNK));
    expect(await onDisk()).toHaveLength(1);
    expect(uploadFieldCount()).toBeGreaterThan(0);
    await srv!.close();
    srv = undefined;
    await expect.poll(onDisk).toHaveLength(0);
    expect(uploadFieldCount()).toBe(0);
  });

  describe("adversarial", () => {
    it("a Content-Length larger than the body: the chunk is cut, nothing is kept, a resend works", async () => {
      const page = await getPage(srv!.base);
      const data = randomBytes(CHUNK);
      const id = await startOne(page, CHUNK);
      // Claims a whole chunk, sends a quarter, then hangs up.
      const r = await rawRequest(putHead(page, id, 0, CHUNK), data.subarray(0, CHUNK / 4), {
        cut: true,
      });
      expect(r.status).toBe(0);
      await expect.poll(async () => (await stat(join(dir, id))).size).toBe(0);
      expect(field!.entries.peek()[0]!.received).toBe(0);
      await sendAll(page, id, data);
      expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
    });

    it("a Content-Length smaller than the body: refused before the body is read", async () => {
      const page = await getPage(srv!.base);
      const id = await startOne(page, 2 * CHUNK);
      const r = await rawRequest(putHead(page, id, 0, 100), randomBytes(CHUNK));
      expect(r.status).toBe(400);
      expect(r.text).toContain(`x-vango-error: ${ErrorCode.upload_chunk_invalid}`);
      expect((await stat(join(dir, id))).size).toBe(0);
      expect(field!.entries.peek()[0]!.received).toBe(0);
    });

    it("a truncated chunk (connection cut mid-body) leaves the upload at its last offset", async () => {
      const page = await getPage(srv!.base);
      const data = randomBytes(2 * CHUNK);
      const id = await startOne(page, data.length);
      await sendAll(page, id, data.subarray(0, CHUNK));
      await rawRequest(putHead(page, id, CHUNK, CHUNK), data.subarray(CHUNK, CHUNK + 5000), {
        cut: true,
      });
      await expect.poll(async () => (await stat(join(dir, id))).size).toBe(CHUNK);
      expect(field!.entries.peek()[0]!.received).toBe(CHUNK);
      const r = await put(page, id, CHUNK, data.subarray(CHUNK));
      expect(r.status).toBe(204);
      expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
    });

    it("a chunk for another browser session is upload_not_found and writes nothing", async () => {
      const owner = await getPage(srv!.base);
      const other = await getPage(srv!.base);
      expect(other.cookie).not.toBe(owner.cookie);
      const id = await startOne(owner, CHUNK);
      // The other session's cookie and CSRF token, the owner's field and upload.
      const r = await fetch(`${srv!.base}${urlOf(owner)}/${id}?offset=0`, {
        method: "PUT",
        headers: headers(other),
        body: new Uint8Array(CHUNK),
      });
      expect(r.status).toBe(404);
      expect(r.headers.get("x-vango-error")).toBe(ErrorCode.upload_not_found);
      // The owner's upload id on the other session's own field.
      const r2 = await put(other, id, 0, new Uint8Array(CHUNK));
      expect(r2.headers.get("x-vango-error")).toBe(ErrorCode.upload_not_found);
      // Without the session's CSRF token the guard refuses first.
      const r3 = await fetch(`${srv!.base}${urlOf(owner)}/${id}?offset=0`, {
        method: "PUT",
        headers: { cookie: owner.cookie, "x-csrf-token": other.csrf },
        body: new Uint8Array(CHUNK),
      });
      expect(r3.headers.get("x-vango-error")).toBe(ErrorCode.csrf_invalid);
      expect((await stat(join(dir, id))).size).toBe(0);
      expect(field!.entries.peek()).toHaveLength(0);
    });

    it("a flood of tiny chunks is refused from the headers and the upload still completes", async () => {
      const page = await getPage(srv!.base);
      const data = randomBytes(CHUNK + 1);
      const id = await startOne(page, data.length);
      const heap0 = process.memoryUsage().heapUsed;
      const codes = new Set<string | null>();
      for (let batch = 0; batch < 5; batch++) {
        const rs = await Promise.all(
          Array.from({ length: 50 }, (_, i) => put(page, id, 0, new Uint8Array([i]))),
        );
        for (const r of rs) codes.add(r.headers.get("x-vango-error"));
      }
      expect([...codes]).toEqual([ErrorCode.upload_chunk_invalid]);
      expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(64 * 1024 * 1024);
      expect((await stat(join(dir, id))).size).toBe(0);
      expect(field!.entries.peek()[0]!.received).toBe(0);
      // Not charged as mutations (60 a minute by default): the file still goes through.
      await sendAll(page, id, data);
      expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
    });

    it("a second chunk while one is in flight is refused", async () => {
      const page = await getPage(srv!.base);
      const data = randomBytes(2 * CHUNK);
      const id = await startOne(page, data.length);
      // The first chunk's head and half its body: it stays in flight.
      const slow = connect(srv!.port, "127.0.0.1");
      await new Promise((r) => slow.on("connect", r));
      slow.write(putHead(page, id, 0, CHUNK) + "\r\n\r\n");
      slow.write(data.subarray(0, CHUNK / 2));
      await new Promise((r) => setTimeout(r, 100));
      const r = await put(page, id, 0, data.subarray(0, CHUNK));
      expect(r.headers.get("x-vango-error")).toBe(ErrorCode.upload_chunk_invalid);
      slow.write(data.subarray(CHUNK / 2, CHUNK));
      await expect.poll(() => field!.entries.peek()[0]!.received).toBe(CHUNK);
      slow.destroy();
    });
  });
});

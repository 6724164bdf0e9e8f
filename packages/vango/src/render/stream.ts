/**
 * Streaming SSR: the same walker and output as `renderToString`, delivered in chunks of
 * about `chunkSize` characters as soon as they are ready, with async components
 * awaited in place. The stream is pull-based: once a chunk sits unread, rendering
 * pauses until the consumer asks for more (backpressure), and cancelling the stream
 * stops the walk and disposes the component owners.
 */
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { VChild } from "../vdom/vnode.ts";
import { type ChunkSink, HtmlWriter, type Step } from "./html-writer.ts";
import { disposeQuietly } from "./ssr.ts";

export interface StreamOptions {
  /** Hydration id of the first element; default 1. */
  hidStart?: number;
  /** Flush threshold in UTF-16 code units; default 16 KiB. */
  chunkSize?: number;
}

const DEFAULT_CHUNK_SIZE = 16 * 1024;

/** One unit of a streamed document: literal (already escaped) HTML or a tree to render. */
export type StreamPart = string | { readonly node: VChild; readonly hids: boolean };

const CANCELLED = Symbol("vango.stream.cancelled");

/**
 * Renders `node` as a web `ReadableStream` of UTF-8 bytes. The concatenated output is
 * byte-for-byte what `renderToString` returns; components returning a Promise are
 * awaited (what was rendered before them is flushed first).
 *
 * @example
 * const res = new Response(renderToStream(<App />), { headers: { "content-type": "text/html" } });
 */
export function renderToStream(node: VChild, opts?: StreamOptions): ReadableStream<Uint8Array> {
  return streamParts([{ node, hids: true }], opts?.hidStart ?? 1, opts?.chunkSize);
}

/**
 * `renderToStream` as a Node.js `Readable` (pipe it into an `http.ServerResponse`).
 *
 * @example
 * renderToNodeStream(<App />).pipe(res);
 */
export function renderToNodeStream(node: VChild, opts?: StreamOptions): Readable {
  return Readable.fromWeb(renderToStream(node, opts) as NodeReadableStream<Uint8Array>);
}

/** Streams a sequence of parts (the page shell uses this); hids continue across parts. */
export function streamParts(
  parts: readonly StreamPart[],
  hidStart: number,
  chunkSize: number = DEFAULT_CHUNK_SIZE,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let resume: (() => void) | null = null;
  let cancelled = false;
  let started = false;

  const sink: ChunkSink = {
    push(chunk) {
      if (cancelled) throw CANCELLED;
      controller.enqueue(encoder.encode(chunk));
      // Yield after every chunk so the consumer (socket) runs; wait for a pull when full.
      if ((controller.desiredSize ?? 0) > 0) return Promise.resolve();
      return new Promise<void>((res) => {
        resume = res;
      });
    },
  };
  const writer = new HtmlWriter(hidStart, sink, Math.max(1, chunkSize));

  const finish = (): void => {
    if (cancelled) {
      disposeQuietly(writer);
      return;
    }
    let failed = false;
    try {
      writer.dispose();
    } catch (error) {
      failed = true;
      controller.error(error);
    }
    if (failed) return;
    if (writer.out !== "") controller.enqueue(encoder.encode(writer.out));
    writer.out = "";
    controller.close();
  };
  const fail = (error: unknown): void => {
    disposeQuietly(writer);
    if (!cancelled && error !== CANCELLED) controller.error(error);
  };
  const run = (): void => {
    let step: Step;
    try {
      step = runParts(writer, parts, 0);
    } catch (error) {
      fail(error);
      return;
    }
    if (step === undefined) finish();
    else step.then(finish, fail);
  };

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        if (!started) {
          started = true;
          run();
        } else if (resume !== null) {
          const r = resume;
          resume = null;
          r();
        }
      },
      cancel() {
        cancelled = true;
        if (resume !== null) {
          const r = resume;
          resume = null;
          r();
        }
      },
    },
    { highWaterMark: 1 },
  );
}

function runParts(w: HtmlWriter, parts: readonly StreamPart[], start: number): Step {
  for (let i = start; i < parts.length; i++) {
    const part = parts[i]!;
    let step: Step;
    if (typeof part === "string") {
      w.out += part;
      step = undefined;
    } else {
      w.hids = part.hids;
      step = w.root(part.node);
    }
    if (step !== undefined) return step.then(() => runParts(w, parts, i + 1));
  }
  return undefined;
}

/** Shared helpers of the data and boundary tests: controllable fetches. */
import type { Patch } from "../../src/protocol/patch.ts";
import { plain } from "../render/live-root-harness.ts";

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

/** Lets settled promises run their reactions (macrotask boundary). */
export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export interface Call<K, T> {
  readonly key: K;
  readonly signal: AbortSignal;
  readonly reply: Deferred<T>;
}

/** A fetcher whose calls are recorded and answered by the test (`calls[i].reply.resolve(…)`). */
export function controlledFetcher<T, K = undefined>(): {
  readonly calls: Call<K, T>[];
  readonly fetcher: (ctx: { key: K; signal: AbortSignal }) => Promise<T>;
} {
  const calls: Call<K, T>[] = [];
  return {
    calls,
    fetcher: ({ key, signal }) => {
      const reply = deferred<T>();
      calls.push({ key, signal, reply });
      return reply.promise;
    },
  };
}

/** Patches with their inserted/replacing nodes as plain trees (tag, hid, attrs, children). */
export function plainPatches(patches: readonly Patch[]): unknown[] {
  return patches.map((p) => ("node" in p ? { ...p, node: plain(p.node) } : p));
}

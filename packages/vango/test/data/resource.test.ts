/**
 * `resource()` on its own (no renderer): states, keys, aborts, latest-only results,
 * `staleTime` and caches, `initial`, errors, `match`, `refetch`, `mutate`, disposal.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { resource } from "../../src/data/resource.ts";
import { createResourceCache, keyHash } from "../../src/data/resource-cache.ts";
import { ResourceError } from "../../src/data/resource-error.ts";
import { createRoot, effect, signal } from "../../src/reactive/index.ts";
import { controlledFetcher, tick } from "./helpers.ts";

afterEach(() => {
  vi.useRealTimers();
});

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("resource", () => {
  test("fetches at once; loading → ready; reads are tracked", async () => {
    const f = controlledFetcher<string>();
    const r = resource(f.fetcher);
    expect(f.calls).toHaveLength(1);
    expect(r.state()).toBe("loading");
    expect(r.loading()).toBe(true);
    expect(r.latest()).toBeUndefined();
    const seen: string[] = [];
    const stop = createRoot((dispose) => {
      effect(() => {
        seen.push(`${r.state()}:${r.latest() ?? "-"}`);
      });
      return dispose;
    });
    f.calls[0]!.reply.resolve("v1");
    await tick();
    expect(r.state()).toBe("ready");
    expect(r.value()).toBe("v1");
    expect(r.loading()).toBe(false);
    expect(seen).toEqual(["loading:-", "ready:v1"]);
    stop();
  });

  test("value() outside a render with no value yet throws resource_not_ready", () => {
    const r = resource(() => new Promise<number>(() => {}));
    const e = errorOf(() => r.value());
    expect(e).toBeInstanceOf(ResourceError);
    expect((e as ResourceError).code).toBe("resource_not_ready");
  });

  test("a sync fetcher is ready at once; a sync throw is an error state", () => {
    expect(resource(() => 42).value()).toBe(42);
    const cause = new Error("nope");
    const r = resource((): number => {
      throw cause;
    });
    expect(r.state()).toBe("error");
    expect(r.error()?.code).toBe("resource_failed");
    expect(r.error()?.cause).toBe(cause);
    expect(errorOf(() => r.value())).toBe(r.error());
  });

  test("a key change aborts the fetch in flight, and only the latest result applies", async () => {
    const f = controlledFetcher<string, number>();
    const id = signal(1);
    const r = resource(f.fetcher, { key: () => id() });
    id.set(2);
    expect(f.calls.map((c) => c.key)).toEqual([1, 2]);
    expect(f.calls[0]!.signal.aborted).toBe(true);
    f.calls[1]!.reply.resolve("two");
    f.calls[0]!.reply.resolve("one (late)");
    await tick();
    expect(r.value()).toBe("two");
  });

  test("keys are compared by value: an equal key read again does not refetch", () => {
    const f = controlledFetcher<string, unknown>();
    const page = signal(1);
    const other = signal(0);
    resource(f.fetcher, { key: () => ({ q: "x", page: page(), other: other() * 0 }) });
    other.set(1);
    expect(f.calls).toHaveLength(1);
    page.set(2);
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1]!.key).toEqual({ q: "x", page: 2, other: 0 });
  });

  test("a new key has no value until its fetch completes", async () => {
    const f = controlledFetcher<string, number>();
    const id = signal(1);
    const r = resource(f.fetcher, { key: () => id() });
    f.calls[0]!.reply.resolve("one");
    await tick();
    id.set(2);
    expect(r.state()).toBe("loading");
    expect(r.latest()).toBe("one");
  });

  test("refetch keeps the value on show, reports loading, resolves when settled", async () => {
    const f = controlledFetcher<string>();
    const r = resource(f.fetcher);
    f.calls[0]!.reply.resolve("a");
    await tick();
    const done = r.refetch();
    expect(r.state()).toBe("ready");
    expect(r.loading()).toBe(true);
    expect(r.value()).toBe("a");
    let settled = false;
    void done.then(() => {
      settled = true;
    });
    await tick();
    expect(settled).toBe(false);
    f.calls[1]!.reply.resolve("b");
    await tick();
    expect(settled).toBe(true);
    expect(r.value()).toBe("b");
  });

  test("an error keeps latest(); retry from match's error branch fetches again", async () => {
    const f = controlledFetcher<string>();
    const r = resource(f.fetcher);
    f.calls[0]!.reply.resolve("good");
    await tick();
    void r.refetch();
    f.calls[1]!.reply.reject(new Error("flaky"));
    await tick();
    expect(r.state()).toBe("error");
    expect(r.latest()).toBe("good");
    const label = r.match({
      loading: () => "loading",
      error: (e, retry) => {
        void retry();
        return `error ${e.code}`;
      },
      ready: (v) => `ready ${v}`,
    });
    expect(label).toBe("error resource_failed");
    expect(f.calls).toHaveLength(3);
    // The failed key had a value before: shown again while retrying.
    expect(r.match({ loading: () => "loading", ready: (v) => `ready ${v}` })).toBe("ready good");
  });

  test("match without an error branch throws the error; without a loading branch, outside a render, not_ready", () => {
    const failed = resource((): string => {
      throw new Error("x");
    });
    expect(errorOf(() => failed.match({ ready: (v) => v }))).toBe(failed.error());
    const pending = resource(() => new Promise<string>(() => {}));
    expect((errorOf(() => pending.match({ ready: (v) => v })) as ResourceError).code).toBe(
      "resource_not_ready",
    );
  });

  test("mutate sets the value and aborts the fetch in flight", async () => {
    const f = controlledFetcher<string>();
    const r = resource(f.fetcher);
    r.mutate("local");
    expect(f.calls[0]!.signal.aborted).toBe(true);
    expect(r.value()).toBe("local");
    f.calls[0]!.reply.resolve("server (late)");
    await tick();
    expect(r.value()).toBe("local");
  });

  test("disposing the owner aborts the fetch; later results are ignored", async () => {
    const f = controlledFetcher<string>();
    const [r, dispose] = createRoot((d) => [resource(f.fetcher), d] as const);
    dispose();
    expect(f.calls[0]!.signal.aborted).toBe(true);
    f.calls[0]!.reply.resolve("late");
    await tick();
    expect(r.state()).toBe("loading");
    await r.refetch();
    expect(f.calls).toHaveLength(1);
  });

  test("the fetcher gets the previous value", async () => {
    const pages: (string[] | undefined)[] = [];
    const page = signal(1);
    const r = resource<string[], number>(
      ({ key }, previous) => {
        pages.push(previous);
        return [...(previous ?? []), `p${key}`];
      },
      { key: () => page() },
    );
    page.set(2);
    expect(r.value()).toEqual(["p1", "p2"]);
    expect(pages).toEqual([undefined, ["p1"]]);
  });
});

describe("staleTime, cache and initial", () => {
  test("going back to a key within staleTime reuses its value; after it, fetches", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const f = controlledFetcher<string, number>();
    const id = signal(1);
    const r = resource(f.fetcher, { key: () => id(), staleTime: 1000 });
    f.calls[0]!.reply.resolve("one");
    await tick();
    id.set(2);
    f.calls[1]!.reply.resolve("two");
    await tick();
    vi.advanceTimersByTime(500);
    id.set(1);
    expect(f.calls).toHaveLength(2);
    expect(r.value()).toBe("one");
    vi.advanceTimersByTime(1000);
    id.set(2);
    expect(f.calls).toHaveLength(3);
    expect(r.state()).toBe("loading");
  });

  test("a shared cache serves every resource using it; refetch always fetches", async () => {
    const cache = createResourceCache();
    const f = controlledFetcher<string, string[]>();
    const a = resource(f.fetcher, { key: () => ["user", "7"], staleTime: 60_000, cache });
    f.calls[0]!.reply.resolve("Ada");
    await tick();
    const b = resource(f.fetcher, { key: () => ["user", "7"], staleTime: 60_000, cache });
    expect(f.calls).toHaveLength(1);
    expect(b.value()).toBe("Ada");
    void a.refetch();
    expect(f.calls).toHaveLength(2);
    expect(cache.size).toBe(1);
  });

  test("initial: shown at once; with staleTime no fetch, without it a refresh in the background", async () => {
    const f = controlledFetcher<string>();
    const fresh = resource(f.fetcher, { initial: "seed", staleTime: 5000 });
    expect(fresh.value()).toBe("seed");
    expect(f.calls).toHaveLength(0);
    const refreshed = resource(f.fetcher, { initial: "seed" });
    expect(f.calls).toHaveLength(1);
    expect(refreshed.state()).toBe("ready");
    expect(refreshed.loading()).toBe(true);
    f.calls[0]!.reply.resolve("server");
    await tick();
    expect(refreshed.value()).toBe("server");
  });

  test("prefetch fills the cache; a resource mounting meanwhile waits for it, not fetching again", async () => {
    const cache = createResourceCache();
    const f = controlledFetcher<string, string[]>();
    const done = cache.prefetch(["user", "7"], f.fetcher);
    expect(f.calls.map((c) => c.key)).toEqual([["user", "7"]]);
    // A second prefetch of the key while the first flies: nothing new.
    void cache.prefetch(["user", "7"], f.fetcher);
    const r = resource(f.fetcher, { key: () => ["user", "7"], staleTime: 60_000, cache });
    expect([f.calls.length, r.state(), r.loading()]).toEqual([1, "loading", true]);
    f.calls[0]!.reply.resolve("Ada");
    await done;
    await tick();
    expect(r.value()).toBe("Ada");
    expect(cache.flying(keyHash(["user", "7"]))).toBeUndefined();
    // Later: fresh in the cache, no fetch at all.
    const later = resource(f.fetcher, { key: () => ["user", "7"], staleTime: 60_000, cache });
    expect([f.calls.length, later.value()]).toEqual([1, "Ada"]);
    // `freshFor`: a young value is not fetched again; without it, prefetch always fetches.
    await cache.prefetch(["user", "7"], f.fetcher, { freshFor: 60_000 });
    expect(f.calls).toHaveLength(1);
    void cache.prefetch(["user", "7"], f.fetcher);
    expect(f.calls).toHaveLength(2);
  });

  test("a failed prefetch stores nothing and never rejects; a resource that waited fetches itself", async () => {
    const cache = createResourceCache();
    const f = controlledFetcher<string, number>();
    const signal = new AbortController().signal;
    const done = cache.prefetch(1, f.fetcher, { signal });
    expect(f.calls[0]!.signal).toBe(signal);
    const r = resource(f.fetcher, { key: () => 1, staleTime: 60_000, cache });
    f.calls[0]!.reply.reject(new Error("db down"));
    await expect(done).resolves.toBeUndefined();
    await tick();
    expect(f.calls).toHaveLength(2);
    f.calls[1]!.reply.resolve("one");
    await tick();
    expect([r.value(), cache.size]).toEqual(["one", 1]);
    // A fetcher that throws synchronously: the same.
    await expect(
      cache.prefetch(2, () => {
        throw new Error("bad");
      }),
    ).resolves.toBeUndefined();
    expect(cache.flying(keyHash(2))).toBeUndefined();
  });

  test("prefetches in flight are bounded by the cache's max", async () => {
    const cache = createResourceCache({ max: 2 });
    const f = controlledFetcher<string, number>();
    for (const k of [1, 2, 3]) void cache.prefetch(k, f.fetcher);
    expect(f.calls.map((c) => c.key)).toEqual([1, 2]);
    f.calls[0]!.reply.resolve("a");
    await tick();
    void cache.prefetch(3, f.fetcher);
    expect(f.calls.map((c) => c.key)).toEqual([1, 2, 3]);
  });

  test("the cache is bounded (least recently used goes) and keyHash is order-independent", () => {
    const cache = createResourceCache({ max: 2 });
    cache.set("a", 1, 0);
    cache.set("b", 2, 0);
    expect(cache.fresh("a", 10, 1)).toEqual({ value: 1 });
    cache.set("c", 3, 0);
    expect(cache.fresh("b", 10, 1)).toBeUndefined();
    expect(cache.fresh("a", 10, 1)).toEqual({ value: 1 });
    expect(cache.fresh("a", 10, 10)).toBeUndefined();
    expect(keyHash({ a: 1, b: [2, { d: 1, c: 2 }] })).toBe(
      keyHash({ b: [2, { c: 2, d: 1 }], a: 1 }),
    );
    expect(keyHash(1)).not.toBe(keyHash("1"));
    expect(keyHash(10n)).toBe(keyHash(10n));
    expect(keyHash(undefined)).toBe("");
  });
});

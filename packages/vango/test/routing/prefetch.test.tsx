/**
 * `<Link prefetch>` and route warm-ups in-process: the link carries the `Prefetch` hook
 * and a `prefetch` handler; a hint runs the target page's `prefetch` export once (after
 * its `enter` checks), mounts nothing and sends nothing; the navigation that follows
 * joins the data it started. The bounds of `prefetch.ts` on their own.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { resource } from "../../src/data/resource.ts";
import { createResourceCache } from "../../src/data/resource-cache.ts";
import { EventType } from "../../src/protocol/constants.ts";
import { Async } from "../../src/render/boundaries.ts";
import { notFound } from "../../src/routing/control.ts";
import { Link } from "../../src/routing/link.ts";
import { PREFETCH_LIMITS, Prefetcher, PrefetchGate } from "../../src/routing/prefetch.ts";
import type { PagePrefetch, RouteTable } from "../../src/routing/route-table.ts";
import { RouteTree } from "../../src/routing/router.ts";
import { mountPage, type TestSession } from "../../src/testing/mount-test.ts";
import { deferred, tick } from "../data/helpers.ts";

afterEach(() => {
  vi.useRealTimers();
});

const HINT = { type: EventType.Hook, name: "prefetch", payload: null } as const;

/** Fires the `Prefetch` hook's event on the link `selector` names. */
function hint(t: TestSession, selector: string) {
  return t.fire(t.find(selector).hid, HINT);
}

function app() {
  const reports = createResourceCache();
  const fetches: { id: number; reply: ReturnType<typeof deferred<string>> }[] = [];
  const load = ({ key }: { key: readonly [string, number] }) => {
    const reply = deferred<string>();
    fetches.push({ id: key[1], reply });
    return reply.promise;
  };
  const warmed: { params: unknown; pattern: string; url: string; aborted: boolean }[] = [];
  const prefetch: PagePrefetch = (page) => {
    warmed.push({
      params: page.params,
      pattern: page.pattern,
      url: page.url.pathname + page.url.search,
      aborted: page.signal.aborted,
    });
    return reports.prefetch(["report", page.params.id as number], load, { signal: page.signal });
  };
  function Report(props: { params: { id: number } }) {
    const data = resource(load, {
      key: () => ["report", props.params.id] as const,
      staleTime: 60_000,
      cache: reports,
    });
    return () => (
      <main>
        <h1>Report {props.params.id}</h1>
        <Async fallback={<p class="wait">…</p>}>{() => <p class="ready">{data.value()}</p>}</Async>
      </main>
    );
  }
  const routes: RouteTable = {
    "/": () => (
      <nav>
        <Link href="/reports/1?tab=a" prefetch class="warm">
          One
        </Link>
        <Link href="/reports/2" class="cold">
          Two
        </Link>
        <Link href="/secret/1" prefetch class="secret">
          Secret
        </Link>
        <Link href="/reports/x" prefetch class="bad">
          Bad param
        </Link>
        <Link href="https://elsewhere.example/reports/1" prefetch class="away">
          Away
        </Link>
      </nav>
    ),
    "/reports/:id": { default: Report, params: { id: Number }, prefetch },
    "/secret/:id": { default: Report, params: { id: Number }, prefetch },
    "/secret/_middleware": { enter: () => notFound() },
  };
  return { routes, fetches, warmed };
}

describe("<Link>", () => {
  it("is an <a>; with prefetch it carries the Prefetch hook and listens for its event", () => {
    const t = mountPage(app().routes, "/");
    const cold = t.find("a.cold");
    expect(cold.attrs).toEqual({ href: "/reports/2", class: "cold" });
    expect(cold.handlers).toBeNull();
    const warm = t.find("a.warm");
    expect(warm.attrs).toMatchObject({ href: "/reports/1?tab=a", "data-vh": "Prefetch" });
    expect(Object.keys(warm.handlers ?? {})).toEqual(["prefetch"]);
    t.dispose();
  });

  it("outside a page it renders a plain link", () => {
    const t = mountPage({ "/": () => <Link href="/x">x</Link> }, "/");
    expect(t.html()).toMatch(/^<a[^>]* href="\/x">x<\/a>$/);
    t.dispose();
  });
});

describe("route warm-ups", () => {
  it("a hint warms the link's route once, mounting and sending nothing", async () => {
    const a = app();
    const t = mountPage(a.routes, "/");
    const html = t.html();
    expect(await hint(t, "a.warm")).toEqual([]);
    expect(a.warmed).toEqual([
      { params: { id: 1 }, pattern: "/reports/:id", url: "/reports/1?tab=a", aborted: false },
    ]);
    expect(a.fetches.map((f) => f.id)).toEqual([1]);
    // The page on show did not change: same HTML, same URL, no frame.
    expect([t.html(), t.url()]).toEqual([html, "/"]);
    expect(await hint(t, "a.warm")).toEqual([]);
    expect(a.warmed).toHaveLength(1);
    t.dispose();
  });

  it("the navigation that follows joins the warm-up's fetch (or finds its value)", async () => {
    const a = app();
    const t = mountPage(a.routes, "/");
    await hint(t, "a.warm");
    await t.navigate("/reports/1?tab=a");
    expect(t.find("p.wait")).toBeDefined();
    expect(a.fetches).toHaveLength(1);
    a.fetches[0]!.reply.resolve("numbers");
    await tick();
    await t.settle();
    expect(t.find("p.ready").children).toMatchObject([{ text: "numbers" }]);
    expect(a.fetches).toHaveLength(1);

    // Warmed and settled before the click: the page's first frame has the data.
    const b = app();
    const u = mountPage(b.routes, "/");
    await hint(u, "a.warm");
    b.fetches[0]!.reply.resolve("ready at once");
    await tick();
    await u.navigate("/reports/1");
    expect(u.find("p.ready").children).toMatchObject([{ text: "ready at once" }]);
    expect(b.fetches).toHaveLength(1);
    t.dispose();
    u.dispose();
  });

  it("refused by an enter check, a refused param or another origin: nothing runs", async () => {
    const a = app();
    const t = mountPage(a.routes, "/");
    for (const link of ["a.secret", "a.bad", "a.away"]) expect(await hint(t, link)).toEqual([]);
    expect([a.warmed, a.fetches]).toEqual([[], []]);
    expect(t.errors()).toEqual([]);
    t.dispose();
  });

  it("a warm-up that throws is logged; the session goes on", async () => {
    const warn = vi.fn();
    const t = mountPage(
      {
        "/": () => (
          <Link href="/boom" prefetch>
            boom
          </Link>
        ),
        "/boom": {
          default: () => <h1>boom</h1>,
          prefetch: () => {
            throw new Error("cache down");
          },
        },
      },
      "/",
      { logger: { debug() {}, info() {}, warn, error() {} } },
    );
    warn.mockClear();
    expect(await hint(t, "a")).toEqual([]);
    expect(warn.mock.calls).toEqual([
      [expect.objectContaining({ route: "/boom" }), "page prefetch failed"],
    ]);
    await t.navigate("/boom");
    expect(t.html()).toContain("<h1");
    t.dispose();
  });

  it("a page module's prefetch must be a function", () => {
    expect(() => new RouteTree({ "/": { default: () => null, prefetch: 1 as never } })).toThrow(
      /prefetch must be a function/,
    );
  });
});

describe("Prefetcher bounds", () => {
  it("a path once per freshMs, perWindow starts per window, perSession at once", () => {
    const p = new Prefetcher(new PrefetchGate());
    expect(p.admit("/a", 0)).toBe(true);
    expect(p.admit("/a", PREFETCH_LIMITS.freshMs - 1)).toBe(false);
    let admitted = 1;
    for (let i = 0; i < 20; i++) if (p.admit(`/p${i}`, 10)) admitted++;
    expect(admitted).toBe(PREFETCH_LIMITS.perWindow);
    // A new window admits again, and `/a` is warm no more after freshMs.
    expect(p.admit("/a", PREFETCH_LIMITS.freshMs)).toBe(true);

    const q = new Prefetcher(new PrefetchGate());
    const held = Array.from({ length: PREFETCH_LIMITS.perSession }, () => deferred<void>());
    for (const [i, d] of held.entries()) {
      expect(q.admit(`/h${i}`, 0)).toBe(true);
      q.run(
        () => d.promise,
        () => {},
      );
    }
    expect([q.running, q.admit("/more", 0)]).toEqual([PREFETCH_LIMITS.perSession, false]);
  });

  it("the app-wide gate bounds every session's warm-ups together", async () => {
    const gate = new PrefetchGate(3);
    const held = deferred<void>();
    const sessions = Array.from({ length: 3 }, () => new Prefetcher(gate));
    for (const s of sessions) {
      expect(s.admit("/x", 0)).toBe(true);
      s.run(
        () => held.promise,
        () => {},
      );
    }
    expect([gate.running, new Prefetcher(gate).admit("/x", 0)]).toEqual([3, false]);
    held.resolve();
    await tick();
    expect([gate.running, new Prefetcher(gate).admit("/x", 0)]).toEqual([0, true]);
  });

  it("a warm-up past timeoutMs is aborted and frees its slot; dispose aborts the rest", async () => {
    vi.useFakeTimers();
    const gate = new PrefetchGate();
    const p = new Prefetcher(gate);
    const signals: AbortSignal[] = [];
    const failed = vi.fn();
    p.run((signal) => {
      signals.push(signal);
      return new Promise(() => {});
    }, failed);
    expect([p.running, gate.running]).toEqual([1, 1]);
    vi.advanceTimersByTime(PREFETCH_LIMITS.timeoutMs);
    expect([signals[0]!.aborted, p.running, gate.running]).toEqual([true, 0, 0]);
    p.run((signal) => {
      signals.push(signal);
      return new Promise(() => {});
    }, failed);
    p.dispose();
    expect(signals[1]!.aborted).toBe(true);
    expect(failed).not.toHaveBeenCalled();
  });
});

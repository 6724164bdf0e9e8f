/**
 * Parking (issue 17): the view of a session idle for `timeouts.parkAfterMs` is disposed
 * and kept as its checkpoint; the next event builds it again — same state, same hids —
 * and is answered as if nothing happened. Views fed from outside (a timer, a signal they
 * did not create) are never parked, and a view that renders differently once built
 * again is sent whole.
 */
import { afterEach, describe, expect, it } from "vitest";
import { resource } from "../../../src/data/resource.ts";
import { FrameType, PatchOp } from "../../../src/protocol/constants.ts";
import { signal } from "../../../src/reactive/index.ts";
import { onRelease } from "../../../src/reactive/owner.ts";
import { onMount } from "../../../src/render/context.ts";
import type { AppOptions } from "../../../src/server/config/options.ts";
import { MemorySessionStore } from "../../../src/server/session/stores/memory-store.ts";
import { getPage, type Running, sleep, start, TestSocket, until } from "../helpers.ts";
import { sample } from "../metrics-text.ts";

function Counter() {
  const count = signal(0);
  const hover = signal(false, { transient: true });
  return () => (
    <div>
      <p class="count">count {count()}</p>
      <p class="hover">hover {String(hover())}</p>
      <button type="button" onClick={() => count.set(count() + 1)}>
        +
      </button>
      <button type="button" onClick={() => hover.set(true)}>
        hover
      </button>
    </div>
  );
}

function Clock() {
  const ticks = signal(0);
  onMount(() => {
    const t = setInterval(() => ticks.set(ticks.peek() + 1), 40);
    return () => clearInterval(t);
  });
  return () => <p>ticks {ticks()}</p>;
}

/** A signal of the whole app (not the page's): pages reading it follow its writes. */
const banner = signal("hello");

function Banner() {
  return () => <p>{banner()}</p>;
}

/** What the news page's data says (fetched again when a parked page wakes). */
let edition = 1;
/** How long the news takes to come (set per test), how often it was asked for, pages let go. */
let newsMs = 0;
let newsFetches = 0;
let newsReleased = 0;

function News() {
  const paper = resource(() => {
    newsFetches++;
    const text = `edition ${edition}`;
    return newsMs === 0
      ? Promise.resolve(text)
      : new Promise<string>((r) => setTimeout(() => r(text), newsMs));
  });
  const reads = signal(0);
  onRelease(() => newsReleased++); // not onCleanup: a view holding an outside resource never parks
  return () => (
    <main>
      <h1>{paper.value()}</h1>
      <button type="button" onClick={() => reads.set(reads() + 1)}>
        read {reads()}
      </button>
    </main>
  );
}

const PARK_MS = 60;
/**
 * Longer than the park period and one sweep (a quarter period, at least 250 ms): how long
 * the tests that expect no parking give it. Those that expect one wait until it happened.
 */
const PARKED_BY = PARK_MS + 320;
const parked = (r: Running) =>
  until(() => r.app.sessions.counts().parked === 1, 5_000, "the view parked");

const open: Running[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

async function app(opts: Partial<AppOptions> = {}): Promise<Running> {
  const r = await start({
    routes: { "/": Counter, "/clock": Clock, "/banner": Banner, "/news": News },
    secret: "parking-test-secret-0123456789abcdef",
    persistence: { store: new MemorySessionStore(), checkpointMs: 20 },
    timeouts: { parkAfterMs: PARK_MS },
    ...opts,
  });
  open.push(r);
  return r;
}

describe("parking idle sessions", () => {
  it("parks an idle view and answers the next click as before, sending nothing extra", async () => {
    const a = await app();
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.click(5, 1);
    expect(await s.next()).toMatchObject({ patches: [{ op: PatchOp.SetText, text: "count 1" }] });
    s.send({ type: FrameType.Ack, seq: 1 });
    await parked(a);
    expect(a.app.sessions.counts()).toMatchObject({ attached: 1, parked: 1 });
    let m = await a.app.metrics!.metrics();
    expect(sample(m, "vango_parked_sessions")).toBe(1);
    expect(sample(m, "vango_session_parks_total")).toBe(1);
    // A parked session counts its socket and core and its checkpoint, not a mounted view.
    expect(sample(m, "vango_session_memory_bytes")).toBeLessThan(8 * 1024);
    s.click(5, 2);
    // Built again with its count and hids: the click's own patch, no full resync.
    expect(await s.next()).toMatchObject({
      type: FrameType.Patches,
      cseq: 2,
      patches: [{ op: PatchOp.SetText, text: "count 2" }],
    });
    expect(a.app.sessions.counts().parked).toBe(0);
    m = await a.app.metrics!.metrics();
    expect(sample(m, "vango_session_wakes_total", `outcome="same"`)).toBe(1);
    expect(sample(m, "vango_parked_sessions")).toBe(0);
    s.click(5, 3);
    expect(await s.next()).toMatchObject({ patches: [{ op: PatchOp.SetText, text: "count 3" }] });
    s.close();
  });

  it("does not park a view whose transient state moved (it would be lost)", async () => {
    const a = await app();
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.click(6, 1); // hover: transient
    await s.next();
    await sleep(PARKED_BY);
    expect(a.app.sessions.counts().parked).toBe(0);
    s.click(5, 2);
    expect(await s.next()).toMatchObject({ patches: [{ op: PatchOp.SetText, text: "count 1" }] });
    s.close();
  });

  it("sends the whole view when the page built again differs (its data changed)", async () => {
    const a = await app();
    edition = 1;
    const p = await getPage(a.base, "/news");
    expect(p.html).toContain("edition 1");
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    await parked(a);
    edition = 2;
    const hid = Number(/<button data-hid="(\d+)"/.exec(p.html)![1]);
    s.click(hid, 1);
    const full = await s.next();
    expect(full.type).toBe(FrameType.FullResync);
    expect(JSON.stringify(full)).toContain("edition 2");
    const m = await a.app.metrics!.metrics();
    expect(sample(m, "vango_session_wakes_total", `outcome="resync"`)).toBe(1);
    expect(await s.next()).toMatchObject({ patches: [{ op: PatchOp.SetText, text: "read 1" }] });
    s.close();
  });

  it("a woken view whose data is slower than pageDataMs waits on for it (resumeDataMs): nothing is resent", async () => {
    const a = await app();
    edition = 1;
    newsMs = 0;
    const p = await getPage(a.base, "/news");
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    await parked(a);
    newsMs = 200; // past the page's 50 ms, within the 1 s more a rebuild waits
    try {
      const hid = Number(/<button data-hid="(\d+)"/.exec(p.html)![1]);
      s.click(hid, 1);
      expect(await s.next()).toMatchObject({ patches: [{ op: PatchOp.SetText, text: "read 1" }] });
      const m = await a.app.metrics!.metrics();
      expect(sample(m, "vango_session_wakes_total", `outcome="same"`)).toBe(1);
    } finally {
      newsMs = 0;
    }
    s.close();
  });

  it("never parks a view with a timer, and it keeps ticking", async () => {
    const a = await app();
    const p = await getPage(a.base, "/clock");
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    await sleep(PARKED_BY);
    expect(a.app.sessions.counts().parked).toBe(0);
    const frames = await s.quiet(120);
    expect(frames.length).toBeGreaterThan(0);
    s.close();
  });

  it("never parks a view that reads a signal it did not create; its writes still arrive", async () => {
    const a = await app();
    const p = await getPage(a.base, "/banner");
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    await sleep(PARKED_BY);
    expect(a.app.sessions.counts().parked).toBe(0);
    banner.set("news");
    expect(await s.next()).toMatchObject({ patches: [{ op: PatchOp.SetText, text: "news" }] });
    banner.set("hello");
    s.close();
  });

  it("never parks without persistence (nothing to build the view again from)", async () => {
    const a = await app({ persistence: false });
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    await sleep(PARKED_BY);
    expect(a.app.sessions.counts().parked).toBe(0);
    s.close();
  });

  it("parkAfterMs 0 turns parking off", async () => {
    const a = await app({ timeouts: { parkAfterMs: 0 } });
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    await sleep(PARKED_BY);
    expect(a.app.sessions.counts().parked).toBe(0);
    s.close();
  });

  it("a parked session resumes on a new socket with nothing to send, then wakes on a click", async () => {
    const a = await app();
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.click(5, 1);
    await s.next();
    s.send({ type: FrameType.Ack, seq: 1 });
    await parked(a);
    s.close();
    await s.whenClosed();
    // The server sees the close on its side of the socket, maybe after this client.
    await until(() => a.app.sessions.counts().detached === 1, 5_000, "the session detached");
    expect(a.app.sessions.counts()).toMatchObject({ detached: 1, parked: 1 });
    const t = await TestSocket.open(a.port, p.cookie);
    const reply = await t.attach(p, 1);
    expect([reply.status, reply.resumed, reply.nextSeq]).toEqual(["ok", true, 2]);
    expect(await t.quiet(60)).toEqual([]);
    t.click(5, 2);
    expect(await t.next()).toMatchObject({ patches: [{ op: PatchOp.SetText, text: "count 2" }] });
    t.close();
  });

  it("a resync asking for the whole view wakes the parked view and sends it", async () => {
    const a = await app();
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.click(5, 1);
    await s.next();
    await parked(a);
    s.send({ type: FrameType.ResyncRequest, lastSeq: 0, full: true });
    const full = await s.next();
    expect(full.type).toBe(FrameType.FullResync);
    expect(JSON.stringify(full)).toContain("count 1");
    s.close();
  });

  it("a session that ends while its view wakes lets the view go at once, not when its data comes", async () => {
    const DATA_MS = 8_000;
    const a = await app({ timeouts: { parkAfterMs: PARK_MS, pageDataMs: 10_000 } });
    edition = 1;
    newsMs = 0;
    const p = await getPage(a.base, "/news");
    expect(p.html).toContain("edition 1");
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    await parked(a);
    newsMs = DATA_MS;
    const fetched = newsFetches;
    const hid = Number(/<button data-hid="(\d+)"/.exec(p.html)![1]);
    try {
      s.click(hid, 1); // wakes the view, which waits for its data
      await until(() => newsFetches > fetched, 5_000, "the woken view's fetch");
      const released = newsReleased;
      const closing = performance.now();
      open.splice(open.indexOf(a), 1);
      await a.close();
      await until(() => newsReleased > released, 5_000, "the woken view disposed");
      expect(performance.now() - closing).toBeLessThan(DATA_MS / 2);
      expect(newsReleased).toBe(released + 1);
    } finally {
      newsMs = 0;
    }
  });
});

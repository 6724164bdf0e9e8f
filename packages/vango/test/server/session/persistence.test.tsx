/**
 * Sessions that outlive their process (issue 13): signals created in setup are
 * checkpointed; another app sharing the secret and the store — or the same app after a
 * restart — rebuilds the page with its state, adopts the browser's hids and sends
 * nothing when the page already matches (or the whole view when it does not).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resource } from "../../../src/data/resource.ts";
import { FrameType, PatchOp } from "../../../src/protocol/constants.ts";
import { onCleanup, signal } from "../../../src/reactive/index.ts";
import { Async } from "../../../src/render/boundaries.ts";
import type { AppOptions } from "../../../src/server/config/options.ts";
import { MemorySessionStore } from "../../../src/server/session/stores/memory-store.ts";
import {
  captureLogger,
  getPage,
  type Running,
  sleep,
  start,
  TestSocket,
  until,
} from "../helpers.ts";

const SECRET = "persistence-test-secret-0123456789";

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

function Rows() {
  const rows = signal([1, 2]);
  return () => (
    <ul>
      {rows().map((r) => (
        <Row key={r} id={r} />
      ))}
      <button type="button" onClick={() => rows.set([...rows(), rows().length + 1])}>
        add
      </button>
    </ul>
  );
}

function Row(props: { id: number }) {
  const clicks = signal(0);
  return () => (
    <li>
      <button type="button" onClick={() => clicks.set(clicks() + 1)}>
        row {props.id}: {clicks()}
      </button>
    </li>
  );
}

/** A counter that mounts only once its data (after `ms`) arrived, under `<Async>`. */
function Loaded(props: { label: string }) {
  const count = signal(0);
  return () => (
    <button type="button" onClick={() => count.set(count() + 1)}>
      {props.label} {count()}
    </button>
  );
}

function DataPage(ms: number) {
  return function Data() {
    const label = resource(() => new Promise<string>((r) => setTimeout(() => r("loaded"), ms)));
    return () => (
      <main>
        <Async fallback={<p>Loading…</p>}>{() => <Loaded label={label.value()} />}</Async>
      </main>
    );
  };
}

const open: Running[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

async function app(opts: Partial<AppOptions> = {}): Promise<Running> {
  const r = await start({
    routes: { "/": Counter, "/rows": Rows },
    secret: SECRET,
    persistence: { store: shared, checkpointMs: 20 },
    ...opts,
  });
  open.push(r);
  return r;
}

let shared = new MemorySessionStore();

/**
 * Waits until `r` saw the socket close and detached the session, which checkpoints it
 * (the client may see the close first, and a busy machine may stall the server's turn).
 */
const detached = (r: Running) =>
  until(() => r.app.sessions.counts().detached === 1, 5_000, "the session detached");

/**
 * A tab counts to 1 on A (checkpointed), then reconnects to B while A still holds its
 * socket (a network switch A has not noticed yet); B resumes it from A's checkpoint and
 * the tab counts on to 3 there (checkpointed). `s` is A's socket, `t` B's.
 */
async function tabMovedFromAToB() {
  shared = new MemorySessionStore();
  const a = await app();
  const b = await app();
  const p = await getPage(a.base);
  const s = await TestSocket.open(a.port, p.cookie);
  await s.attach(p);
  s.click(5, 1);
  await s.next();
  s.send({ type: FrameType.Ack, seq: 1 });
  await sleep(100);
  const t = await TestSocket.open(b.port, p.cookie);
  expect((await t.attach(p, 1)).resumed).toBe(true);
  t.click(5, 2);
  t.click(5, 3);
  await t.next();
  expect(await t.next()).toMatchObject({ patches: [{ text: "count 3" }] });
  t.send({ type: FrameType.Ack, seq: 3 });
  await sleep(100);
  return { a, b, p, s, t };
}

/** The tab resumes on `r` at seq 3: nothing is sent (count 3 is the browser's page), and it counts on. */
async function expectCount3Resumed(r: Running, p: Awaited<ReturnType<typeof getPage>>) {
  const u = await TestSocket.open(r.port, p.cookie);
  expect((await u.attach(p, 3)).resumed).toBe(true);
  expect(await u.quiet(80)).toEqual([]);
  u.click(5, 4);
  expect(await u.next()).toMatchObject({ patches: [{ text: "count 4" }] });
  u.close();
}

describe("session persistence", () => {
  it("another instance with the same secret and store resumes the session with its state", async () => {
    shared = new MemorySessionStore();
    const a = await app();
    const b = await app();
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.click(5, 1); // count +1
    s.click(6, 2); // hover (transient)
    const f1 = await s.next();
    const f2 = await s.next();
    expect([f1.type, f2.type]).toEqual([FrameType.Patches, FrameType.Patches]);
    s.send({ type: FrameType.Ack, seq: 2 });
    s.close();
    await s.whenClosed();
    await detached(a); // and checkpointed
    // Instance B never saw this session: same cookie and token, another port.
    const t = await TestSocket.open(b.port, p.cookie);
    const reply = await t.attach(p, 2);
    expect([reply.status, reply.resumed, reply.lastCseq]).toEqual(["ok", true, 2]);
    const full = await t.next();
    // The transient hover is not restored, so the page differs from the browser's: the
    // whole view comes, with the restored count.
    expect(full.type).toBe(FrameType.FullResync);
    t.click(5, 3);
    const after = await t.next();
    expect(after).toMatchObject({
      type: FrameType.Patches,
      patches: [{ op: PatchOp.SetText, text: "count 2" }],
    });
    t.close();
  });

  it("an open session's checkpoint outlives ttlMs while its state stays the same: a crash leaves it resumable", async () => {
    shared = new MemorySessionStore();
    const TTL_MS = 300;
    const persistence = { store: shared, checkpointMs: 20, ttlMs: TTL_MS };
    const a = await app({ persistence });
    const b = await app({ persistence });
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.click(5, 1); // count 1: checkpointed within 20 ms, then nothing changes
    await s.next();
    s.send({ type: FrameType.Ack, seq: 1 });
    // Three TTLs with the tab open and idle: A keeps the checkpoint alive.
    await sleep(3 * TTL_MS);
    // B resumes it as it would after A crashed (A's socket stays open: no detach write).
    const t = await TestSocket.open(b.port, p.cookie);
    const reply = await t.attach(p, 1);
    expect([reply.status, reply.resumed, reply.nextSeq]).toEqual(["ok", true, 2]);
    expect(await t.quiet(80)).toEqual([]);
    t.click(5, 2);
    expect(await t.next()).toMatchObject({
      patches: [{ op: PatchOp.SetText, text: "count 2" }],
    });
    t.close();
    s.close();
  });

  it("the copy a tab left on another instance cannot overwrite the checkpoint saved since, and ends", async () => {
    const { a, b, p, s, t } = await tabMovedFromAToB();
    const c = await app();
    // The copy on A changes too (here by its socket; in life by its timers or data):
    // its checkpoint is refused, and it ends.
    s.click(5, 2);
    expect(await s.next()).toMatchObject({ patches: [{ text: "count 2" }] });
    const closed = await s.whenClosed(5_000);
    expect(closed.reason).toBe("session_expired");
    await until(() => a.app.sessions.counts().total === 0, 5_000, "A's copy ended");
    // The tab moves on again, to C: it resumes B's page, count 3, and sends nothing.
    t.close();
    await detached(b);
    await expectCount3Resumed(c, p);
  });

  it("a tab that comes back to an instance still holding its stale copy gets the page saved elsewhere", async () => {
    const { a, b, p, s, t } = await tabMovedFromAToB();
    t.close();
    await detached(b);
    // Back to A, whose copy (count 1) still holds the old socket: it is superseded, and
    // the page is rebuilt from B's checkpoint, which is what the browser shows.
    const closed = s.whenClosed(5_000);
    await expectCount3Resumed(a, p);
    expect((await closed).reason).toBe("session_expired");
  });

  it("nothing is sent when the rebuilt page is the browser's page", async () => {
    shared = new MemorySessionStore();
    const a = await app();
    const b = await app();
    const p = await getPage(a.base, "/rows");
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.click(7, 1); // add a row (a new keyed component; its button gets hid 9)
    await s.next();
    s.click(9, 2); // click the new row
    const f = await s.next();
    expect(f).toMatchObject({ patches: [{ op: PatchOp.SetText, text: "row 3: 1" }] });
    s.close();
    await s.whenClosed();
    await detached(a);
    const t = await TestSocket.open(b.port, p.cookie);
    const reply = await t.attach(p, 2);
    expect([reply.status, reply.nextSeq]).toEqual(["ok", 3]);
    expect(await t.quiet(80)).toEqual([]);
    // The hids are the browser's: the third row's button is still hid 9, not the 7 a
    // fresh render would give it.
    t.click(9, 3);
    expect(await t.next()).toMatchObject({
      patches: [{ op: PatchOp.SetText, text: "row 3: 2" }],
    });
    t.close();
  });

  it("a component mounted when its data arrived (under <Async>) gets its state back; fast data: nothing sent", async () => {
    shared = new MemorySessionStore();
    const routes = { "/": DataPage(5) };
    const a = await app({ routes });
    const b = await app({ routes });
    const p = await getPage(a.base);
    expect(p.html).toMatch(
      /<button data-hid="(\d+)" type="button" data-on="click">loaded 0<\/button>/,
    );
    const hid = Number(/<button data-hid="(\d+)"/.exec(p.html)![1]);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.click(hid, 1);
    s.click(hid, 2);
    await s.next();
    await s.next();
    s.send({ type: FrameType.Ack, seq: 2 });
    s.close();
    await s.whenClosed();
    await detached(a);
    // Instance B rebuilds the page: its data comes within the page's wait, the counter
    // mounts with its checkpointed count, and the page is the browser's: nothing is sent.
    const t = await TestSocket.open(b.port, p.cookie);
    const reply = await t.attach(p, 2);
    expect([reply.status, reply.nextSeq]).toEqual(["ok", 3]);
    expect(await t.quiet(80)).toEqual([]);
    t.click(hid, 3);
    expect(await t.next()).toMatchObject({
      patches: [{ op: PatchOp.SetText, text: "loaded 3" }],
    });
    t.close();
  });

  /** A's page of `routes`, its counter clicked once (seq 1, acked) and its socket closed. */
  async function clickedAndLeft(a: Running) {
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    // The counter came later in the same response (streamed after the page's wait).
    expect(p.html).toMatch(/Loading….*<template id="vango-s1">.*loaded 0/s);
    const hid = Number(/<button data-hid="(\d+)"/.exec(p.html)![1]);
    s.click(hid, 1);
    expect(await s.next()).toMatchObject({
      patches: [{ op: PatchOp.SetText, text: "loaded 1" }],
    });
    s.send({ type: FrameType.Ack, seq: 1 });
    s.close();
    await s.whenClosed();
    await detached(a);
    return { p, hid };
  }

  it("slower data: the rebuilt page waits on for it (resumeDataMs) and nothing is sent", async () => {
    shared = new MemorySessionStore();
    const routes = { "/": DataPage(150) };
    const a = await app({ routes });
    const b = await app({ routes });
    const { p, hid } = await clickedAndLeft(a);
    const t = await TestSocket.open(b.port, p.cookie);
    const reply = await t.attach(p, 1);
    expect([reply.status, reply.nextSeq]).toEqual(["ok", 2]);
    expect(await t.quiet(80)).toEqual([]);
    t.click(hid, 2);
    expect(await t.next()).toMatchObject({
      patches: [{ op: PatchOp.SetText, text: "loaded 2" }],
    });
    t.close();
  });

  it("data slower than resumeDataMs: the rebuilt page is sent with its fallback, then the component with its state", async () => {
    shared = new MemorySessionStore();
    const routes = { "/": DataPage(150) };
    const a = await app({ routes });
    const b = await app({ routes, timeouts: { resumeDataMs: 0 } });
    const { p } = await clickedAndLeft(a);
    const t = await TestSocket.open(b.port, p.cookie);
    expect((await t.attach(p, 1)).status).toBe("ok");
    const full = await t.next();
    expect(full.type).toBe(FrameType.FullResync);
    expect(JSON.stringify(full)).toContain("Loading…");
    const later = await t.next();
    expect(JSON.stringify(later)).toMatch(/"text":"loaded 1"/);
    t.close();
  });

  it("a session ended while its rebuilt page waits for data lets the page go", async () => {
    shared = new MemorySessionStore();
    // B's rebuild would get its data this late: B shuts down long before.
    const DATA_MS = 8_000;
    let built = 0;
    let cleaned = 0;
    function Slow() {
      const ms = built++ === 0 ? 0 : DATA_MS; // A's page, then B's rebuild
      const label = resource(() => new Promise<string>((r) => setTimeout(() => r("late"), ms)));
      onCleanup(() => cleaned++);
      return () => <p>{label.value() ?? "…"}</p>;
    }
    const routes = { "/": Slow };
    const a = await app({ routes });
    const b = await app({ routes, timeouts: { pageDataMs: 10_000 } });
    const p = await getPage(a.base);
    const t = await TestSocket.open(b.port, p.cookie);
    // The shutdown answers with an Error frame (or closes the socket), not a reply.
    const reply = t.attach(p).then(
      (r) => r.status,
      () => "refused",
    );
    await until(() => built === 2, 5_000, "B's rebuild"); // waiting for the page's data
    const before = cleaned;
    open.splice(open.indexOf(b), 1);
    const closing = performance.now();
    await b.close();
    expect(await reply).not.toBe("ok");
    // The page B built is disposed with its session, at once: not when its data comes.
    await until(() => cleaned > before, 5_000, "B's page disposed");
    expect(performance.now() - closing).toBeLessThan(DATA_MS / 2);
    expect(cleaned).toBe(before + 1);
  });

  it("a page served by another instance, with no checkpoint yet, is rebuilt from its URL", async () => {
    shared = new MemorySessionStore();
    const a = await app();
    const b = await app();
    const p = await getPage(a.base, "/rows");
    const t = await TestSocket.open(b.port, p.cookie);
    const reply = await t.attach(p);
    expect(reply.status).toBe("ok");
    expect((await t.next()).type).toBe(FrameType.FullResync);
    t.close();
  });

  it("refuses forged tokens, tokens of another cookie, and sessions whose tab closed", async () => {
    shared = new MemorySessionStore();
    const a = await app();
    const b = await app();
    const p = await getPage(a.base);
    const other = await getPage(a.base);
    const forged = await TestSocket.open(b.port, p.cookie);
    expect((await forged.attach({ ...p, token: `${p.token.slice(0, -2)}xx` })).status).toBe(
      "session_not_found",
    );
    const stolen = await TestSocket.open(b.port, other.cookie);
    expect((await stolen.attach(p)).status).toBe("session_not_found");
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.send({ type: FrameType.Close, code: 1001, reason: "" });
    await s.whenClosed();
    await sleep(30);
    const again = await TestSocket.open(a.port, p.cookie);
    expect((await again.attach(p)).status).toBe("session_expired");
  });

  it("a restarted app on the default file store resumes its sessions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vango-state-"));
    try {
      const opts = { persistence: { dir, checkpointMs: 20 }, secret: undefined } as const;
      const first = await start({ routes: { "/": Counter }, ...opts });
      const p = await getPage(first.base);
      const s = await TestSocket.open(first.port, p.cookie);
      await s.attach(p);
      for (let i = 1; i <= 3; i++) s.click(5, i);
      for (let i = 1; i <= 3; i++) await s.next();
      s.send({ type: FrameType.Ack, seq: 3 });
      await sleep(30);
      await first.close(); // graceful: every session saved
      const second = await start({ routes: { "/": Counter }, ...opts });
      open.push(second);
      const t = await TestSocket.open(second.port, p.cookie);
      const reply = await t.attach(p, 3);
      expect([reply.status, reply.nextSeq]).toEqual(["ok", 4]);
      t.click(5, 4);
      expect(await t.next()).toMatchObject({
        patches: [{ op: PatchOp.SetText, text: "count 4" }],
      });
      t.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a value that cannot be persisted is logged and skipped; the rest is kept", async () => {
    shared = new MemorySessionStore();
    const logger = captureLogger();
    function Odd() {
      const fn = signal<() => void>(() => {});
      const n = signal(5);
      return () => (
        <p>
          {typeof fn()} {n()}
        </p>
      );
    }
    const a = await app({ routes: { "/": Odd }, logger });
    const p = await getPage(a.base);
    const s = await TestSocket.open(a.port, p.cookie);
    await s.attach(p);
    s.close();
    await s.whenClosed();
    await detached(a);
    const skipped = logger.entries.find((e) => e.msg === "state not persisted");
    // The place of the component in the tree: the page below the router's wrappers.
    expect(skipped?.obj).toMatchObject({
      code: "state_unserializable",
      path: "PageScope:0/Outlet:0/Odd#/ {}",
    });
  });
});

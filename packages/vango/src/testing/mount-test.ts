/**
 * `mountTest`: a component in an in-process live session — the same session core,
 * connection, handshake and protocol codec as the real server, over an in-memory
 * socket instead of a WebSocket. Fire events, read back the exact patches, assert the
 * HTML, drop and resume the connection.
 */

import { decodeServerFrame, encodeClientFrame } from "../protocol/client-codec.ts";
import { EventType, FrameType, PROTOCOL_VERSION } from "../protocol/constants.ts";
import type { ClientEvent } from "../protocol/events.ts";
import type { HandshakeReplyFrame, ServerFrame } from "../protocol/frame.ts";
import { NodeKind, type Patch, PatchOp } from "../protocol/patch.ts";
import { serializeHost } from "../render/serialize-host.ts";
import type { RouteTable } from "../routing/route-table.ts";
import { assembleApp } from "../server/assemble.ts";
import type { ServerLimits } from "../server/config/options.ts";
import { type Logger, silentLogger } from "../server/core/logger.ts";
import { randomToken } from "../server/core/tokens.ts";
import { Session } from "../server/session/session.ts";
import { Connection } from "../server/ws/connection.ts";
import { createVNode } from "../vdom/create-element.ts";
import type { HElement, HNode } from "../vdom/host.ts";
import type { Component, VChild } from "../vdom/vnode.ts";
import { MemoryTransport } from "./memory-transport.ts";
import { pathTo, selectAll } from "./selector.ts";
import { TestingErrorCode as C, TestingError } from "./testing-error.ts";

export interface MountTestOptions {
  /** Props for a component (ignored for a vnode). */
  readonly props?: Record<string, unknown>;
  readonly limits?: Partial<ServerLimits>;
  /** Where handler errors are logged (default: nowhere). */
  readonly logger?: Logger;
}

/** A CSS-like selector (see `selector.ts`) or an element hid. */
export type Target = string | number;

/** Result of {@link TestSession.reconnect}. */
export type ReconnectResult =
  | { readonly kind: "missed"; readonly patches: Patch[] }
  | { readonly kind: "full"; readonly html: string };

export interface TestSession {
  /** HTML of the live root's content, as the browser's DOM holds it now. */
  html(): string;
  /** First element matching `selector` (throws `TestingError` `target_not_found` when none). */
  find(selector: string): HElement;
  findAll(selector: string): HElement[];
  click(target: Target): Promise<Patch[]>;
  input(target: Target, value: string): Promise<Patch[]>;
  change(target: Target, value: string, checked?: boolean): Promise<Patch[]>;
  submit(target: Target, fields?: Record<string, string> | [string, string][]): Promise<Patch[]>;
  key(target: Target, key: string, type?: "keydown" | "keyup"): Promise<Patch[]>;
  /** Fires any protocol event on element `hid` as is (no bubbling). */
  fire(hid: number, event: ClientEvent): Promise<Patch[]>;
  /** Waits for pending renders and returns patches pushed without an event (timers, shared signals). */
  settle(): Promise<Patch[]>;
  /** Coded errors the server sent since the last call. */
  errors(): string[];
  /** Drops the connection; the session is detached, renders go to its history. */
  disconnect(): void;
  /** Resumes on a new in-memory socket: the missed frames, or a full resync. */
  reconnect(): Promise<ReconnectResult>;
  /** A live navigation, as a link click sends it (`replace`: as back/forward does). */
  navigate(path: string, replace?: boolean): Promise<Patch[]>;
  /** The URL the page is at (the initial path, then each PushUrl/ReplaceUrl received). */
  url(): string;
  /** The document title (the page's initial title, then each SetTitle received). */
  title(): string | undefined;
  /** Seq of the last Patches/FullResync frame received. */
  readonly seq: number;
  readonly session: Session;
  dispose(): void;
}

/** Options of {@link mountPage}. */
export interface MountPageOptions {
  readonly limits?: Partial<ServerLimits>;
  readonly logger?: Logger;
  /** The app's default document title (`createApp({ title })`). */
  readonly title?: string;
}

/** The viewport the in-memory client reports in its handshake (`useClientInfo()`). */
export const VIEWPORT = { w: 1280, h: 800 } as const;

const EVENT_NAMES: Record<number, string> = {
  [EventType.Click]: "click",
  [EventType.Input]: "input",
  [EventType.Change]: "change",
  [EventType.Submit]: "submit",
  [EventType.KeyDown]: "keydown",
  [EventType.KeyUp]: "keyup",
};

/**
 * @example
 * const t = mountTest(Counter, { props: { start: 1 } });
 * expect(await t.click("button")).toEqual([{ op: PatchOp.SetText, parent: 2, index: 0, text: "Count: 2" }]);
 */
export function mountTest(component: Component | VChild, opts: MountTestOptions = {}): TestSession {
  const node: VChild =
    typeof component === "function" ? createVNode(component, opts.props ?? {}) : component;
  return mountPage({ "/": () => node }, "/", opts);
}

/**
 * A page of a route table (pages, layouts, middleware, not-found pages) in an in-process
 * live session at `path`, as `createApp` would serve it; navigate, submit forms, read the
 * URL and title.
 * @example
 * const t = mountPage({ "/": Home, "/about": About, "/_layout": Shell }, "/");
 * await t.navigate("/about");
 * expect(t.url()).toBe("/about");
 */
export function mountPage(
  routes: RouteTable,
  path: string,
  opts: MountPageOptions = {},
): TestSession {
  // The same assembly as `createApp`: the page is mounted as a route is, inside the
  // session scope (client info from the handshake, …), and events run the same chain.
  const rt = assembleApp({
    routes,
    logger: opts.logger ?? silentLogger,
    ...(opts.limits === undefined ? {} : { limits: opts.limits }),
    ...(opts.title === undefined ? {} : { title: opts.title }),
    timeouts: { handshakeMs: 60_000 },
    metrics: false,
    health: false,
    v8Tuning: false,
    rateLimit: false,
    connectionLimits: false,
    persistence: false,
  });
  const csrf = rt.csrf;
  const host = rt.connectionHost;
  const sid = randomToken();
  const opened = rt.openSession(path, sid);
  if (typeof opened === "string") {
    throw new TestingError(C.sessionCapReached, `no room for the test session (${opened})`);
  }
  if (!(opened instanceof Session)) {
    throw new TestingError(C.redirected, `the component redirected to ${opened.location}`);
  }
  const session = opened;
  let url = path;
  let title = (session.root as { title?: string }).title;

  let transport: MemoryTransport | undefined;
  let conn: Connection | undefined;
  let seq = 0;
  let cseq = 0;
  let errors: string[] = [];

  const connect = (): ServerFrame[] => {
    const t = new MemoryTransport(() => c.onClose());
    const c = new Connection(host, t, sid);
    transport = t;
    conn = c;
    c.onMessage(
      encodeClientFrame({
        type: FrameType.Handshake,
        version: PROTOCOL_VERSION,
        csrf: csrf.sign(sid),
        resumeToken: session.token,
        lastSeq: seq,
        viewport: { w: VIEWPORT.w, h: VIEWPORT.h },
        tzOffset: 0,
        features: 0,
      }),
    );
    const frames = drain();
    const reply = frames.shift() as HandshakeReplyFrame | undefined;
    if (reply?.type !== FrameType.HandshakeReply || reply.status !== "ok") {
      throw new TestingError(
        C.handshakeRefused,
        reply?.type === FrameType.HandshakeReply ? reply.status : "no reply",
      );
    }
    return frames;
  };

  /** Decodes sent frames, acks patches, records errors. */
  const drain = (): ServerFrame[] => {
    const out: ServerFrame[] = [];
    if (transport === undefined) return out;
    for (const bytes of transport.take()) {
      const f = decodeServerFrame(bytes);
      if (f.type === FrameType.Patches || f.type === FrameType.FullResync) seq = f.seq;
      if (f.type === FrameType.Patches) {
        for (const p of f.patches) {
          if (p.op === PatchOp.PushUrl || p.op === PatchOp.ReplaceUrl) url = p.url;
          else if (p.op === PatchOp.SetTitle) title = p.text;
        }
      }
      if (f.type === FrameType.Error) errors.push(f.code);
      out.push(f);
    }
    if (conn !== undefined && out.some((f) => f.type === FrameType.Patches)) {
      conn.onMessage(encodeClientFrame({ type: FrameType.Ack, seq }));
    }
    return out;
  };

  const patchesOf = (frames: ServerFrame[]): Patch[] => {
    const out: Patch[] = [];
    for (const f of frames) if (f.type === FrameType.Patches) out.push(...f.patches);
    return out;
  };

  const settle = async (): Promise<Patch[]> => {
    await session.settled();
    return patchesOf(drain());
  };

  connect();

  const resolve = (target: Target, eventName: string): number => {
    const root = session.root.root;
    const el =
      typeof target === "number" ? pathTo(root, target).at(-1) : selectAll(root, target)[0];
    if (el === undefined) throw new TestingError(C.targetNotFound, String(target));
    // Like the browser client's delegation: the nearest ancestor-or-self listening.
    const path = pathTo(root, el.hid);
    for (let i = path.length - 1; i >= 0; i--) {
      const h = path[i]!.handlers;
      if (h !== null && h[eventName] !== undefined) return path[i]!.hid;
    }
    throw new TestingError(C.noListener, `"${eventName}" at or above ${String(target)}`);
  };

  const fire = async (hid: number, event: ClientEvent): Promise<Patch[]> => {
    if (conn === undefined) throw new TestingError(C.disconnected, "call reconnect() first");
    conn.onMessage(encodeClientFrame({ type: FrameType.Event, cseq: ++cseq, hid, event }));
    return settle();
  };

  const fireAt = async (target: Target, event: ClientEvent): Promise<Patch[]> =>
    fire(resolve(target, EVENT_NAMES[event.type]!), event);

  return {
    html() {
      let out = "";
      for (const c of session.root.root.children) out += serializeHost(c);
      return out;
    },
    find(selector) {
      const el = selectAll(session.root.root, selector)[0];
      if (el === undefined) throw new TestingError(C.targetNotFound, selector);
      return el;
    },
    findAll: (selector) => selectAll(session.root.root, selector),
    click: (t) => fireAt(t, { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 }),
    input: (t, value) => fireAt(t, { type: EventType.Input, value }),
    change: (t, value, checked = false) => fireAt(t, { type: EventType.Change, value, checked }),
    submit: (t, fields = {}) =>
      fireAt(t, {
        type: EventType.Submit,
        fields: Array.isArray(fields) ? fields : Object.entries(fields),
      }),
    key: (t, key, type = "keydown") =>
      fireAt(t, {
        type: type === "keydown" ? EventType.KeyDown : EventType.KeyUp,
        key,
        code: "",
        mods: 0,
        repeat: false,
      }),
    fire,
    settle,
    navigate: (to, replace = false) =>
      fire(session.root.root.hid, { type: EventType.Navigate, path: to, replace }),
    url: () => url,
    title: () => title,
    errors() {
      drain();
      const e = errors;
      errors = [];
      return e;
    },
    disconnect() {
      transport?.close(1006, "");
      transport = undefined;
      conn = undefined;
    },
    async reconnect() {
      if (conn !== undefined) throw new TestingError(C.stillConnected, "call disconnect() first");
      await session.settled();
      const frames = connect();
      const full = frames.find((f) => f.type === FrameType.FullResync);
      if (full !== undefined) {
        // What a browser would render from the frame itself, not the server's tree.
        const root = full.root as HNode;
        let html = "";
        if (root.kind === NodeKind.Element) for (const c of root.children) html += serializeHost(c);
        else html = serializeHost(root);
        return { kind: "full", html };
      }
      return { kind: "missed", patches: patchesOf(frames) };
    },
    get seq() {
      return seq;
    },
    session,
    dispose() {
      session.dispose();
    },
  };
}

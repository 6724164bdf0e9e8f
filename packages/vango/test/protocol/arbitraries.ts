/**
 * fast-check arbitraries for every wire value: primitives, JSON-like payloads, wire
 * nodes, patches, events and frames. Shared by the property tests and `npm run fuzz`.
 */
import fc from "fast-check";
import {
  CloseCode,
  EventType,
  Feature,
  FrameType,
  LIVE_PROPS,
  Mod,
  NodeKind,
  PatchOp,
  PointerKind,
  PointerType,
  PROTOCOL_VERSION,
  ScrollAlign,
} from "../../src/protocol/constants.ts";
import { ErrorCode, isWireCode } from "../../src/protocol/error-code.ts";
import type { ClientEvent } from "../../src/protocol/events.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import type { JsonValue, Patch, WireNode } from "../../src/protocol/patch.ts";

/** Unsigned varint values, biased to the 1/2-byte boundaries and the 2^53-1 maximum. */
export const uint = fc.oneof(
  fc.constantFrom(0, 1, 127, 128, 16383, 16384, 2 ** 32, Number.MAX_SAFE_INTEGER),
  fc.nat(300),
  fc.maxSafeNat(),
);

const ZZ_MIN = -(2 ** 52);
const ZZ_MAX = 2 ** 52 - 1;
/** Zigzag varint values over the whole supported range. */
export const sint = fc.oneof(
  fc.constantFrom(0, -1, 1, -64, 63, 64, ZZ_MIN, ZZ_MAX),
  fc.integer({ min: -5000, max: 5000 }),
  fc.maxSafeInteger().map((v) => Math.max(ZZ_MIN, Math.min(ZZ_MAX, v))),
);

/** Any UTF-16 string: ASCII, BMP, astral, and lone surrogates (sent as U+FFFD). */
export const text = fc.oneof(
  fc.constantFrom("", "42", "\uFEFFbom", "\uD83D\uDE00", "a\uD800b", "\uDC00"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme-ascii", maxLength: 80 }),
);

/** Well-formed strings (object keys and attribute names must be). */
export const key = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "0", "10", "class", "data-x"),
  fc.string({ unit: "grapheme", maxLength: 12 }),
);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What a string decodes to: lone surrogates become U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, "\uFFFD");
}

/** Applies `wellFormed` to every string value in a decoded-shape value (keys are well-formed). */
export function normalize<T>(v: T): T {
  if (typeof v === "string") return wellFormed(v) as T;
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(normalize) as T;
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      Object.defineProperty(out, k, {
        value: normalize((v as Record<string, unknown>)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out as T;
  }
  return v;
}

function dict<T>(value: fc.Arbitrary<T>, maxKeys: number): fc.Arbitrary<Record<string, T>> {
  return fc
    .uniqueArray(fc.tuple(key, value), { maxLength: maxKeys, selector: (e) => e[0] })
    .map((entries) => {
      const o: Record<string, T> = {};
      for (const [k, v] of entries) {
        Object.defineProperty(o, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return o;
    });
}

export const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    sint,
    text,
    fc.array(tie("value"), { maxLength: 4 }),
    dict(tie("value"), 4),
  ),
})).value;

export const node: fc.Arbitrary<WireNode> = fc.letrec<{ node: WireNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    text.map((t) => ({ kind: NodeKind.Text, text: t })),
    text.map((h) => ({ kind: NodeKind.Raw, html: h })),
    fc.record({
      kind: fc.constant(NodeKind.Element),
      tag: fc.constantFrom("div", "span", "li", "svg", "my-el"),
      hid: uint,
      attrs: dict(text, 4),
      children: fc.array(tie("node"), { maxLength: 4 }),
    }),
  ),
})).node;

const hid = uint;
const bool = fc.boolean();
const liveProp = fc.constantFrom(...LIVE_PROPS);

/** One arbitrary per PatchOp; keyed by op so tests can cover each explicitly. */
export const patchByOp: { readonly [op: number]: fc.Arbitrary<Patch> } = {
  [PatchOp.SetText]: fc.record({
    op: fc.constant(PatchOp.SetText),
    parent: hid,
    index: uint,
    text,
  }),
  [PatchOp.SetAttr]: fc.record({ op: fc.constant(PatchOp.SetAttr), hid, name: text, value: text }),
  [PatchOp.RemoveAttr]: fc.record({ op: fc.constant(PatchOp.RemoveAttr), hid, name: text }),
  [PatchOp.SetProp]: fc.record({
    op: fc.constant(PatchOp.SetProp),
    hid,
    name: liveProp,
    value: fc.oneof(bool, text),
  }),
  [PatchOp.Insert]: fc.record({ op: fc.constant(PatchOp.Insert), parent: hid, index: uint, node }),
  [PatchOp.Remove]: fc.record({ op: fc.constant(PatchOp.Remove), parent: hid, index: uint }),
  [PatchOp.Move]: fc.record({ op: fc.constant(PatchOp.Move), parent: hid, from: uint, to: uint }),
  [PatchOp.Replace]: fc.record({
    op: fc.constant(PatchOp.Replace),
    parent: hid,
    index: uint,
    node,
  }),
  [PatchOp.SetHtml]: fc.record({ op: fc.constant(PatchOp.SetHtml), hid, html: text }),
  [PatchOp.AddClass]: fc.record({ op: fc.constant(PatchOp.AddClass), hid, name: text }),
  [PatchOp.RemoveClass]: fc.record({ op: fc.constant(PatchOp.RemoveClass), hid, name: text }),
  [PatchOp.ToggleClass]: fc.record({ op: fc.constant(PatchOp.ToggleClass), hid, name: text }),
  [PatchOp.SetStyle]: fc.record({
    op: fc.constant(PatchOp.SetStyle),
    hid,
    name: text,
    value: text,
  }),
  [PatchOp.RemoveStyle]: fc.record({ op: fc.constant(PatchOp.RemoveStyle), hid, name: text }),
  [PatchOp.SetData]: fc.record({ op: fc.constant(PatchOp.SetData), hid, name: text, value: text }),
  [PatchOp.RemoveData]: fc.record({ op: fc.constant(PatchOp.RemoveData), hid, name: text }),
  [PatchOp.Focus]: fc.record({ op: fc.constant(PatchOp.Focus), hid }),
  [PatchOp.Blur]: fc.record({ op: fc.constant(PatchOp.Blur), hid }),
  [PatchOp.ScrollIntoView]: fc.record({
    op: fc.constant(PatchOp.ScrollIntoView),
    hid,
    align: fc.constantFrom(...Object.values(ScrollAlign)),
    smooth: bool,
  }),
  [PatchOp.ScrollTo]: fc.record({
    op: fc.constant(PatchOp.ScrollTo),
    hid,
    top: sint,
    left: sint,
    smooth: bool,
  }),
  [PatchOp.PushUrl]: fc.record({ op: fc.constant(PatchOp.PushUrl), url: text }),
  [PatchOp.ReplaceUrl]: fc.record({ op: fc.constant(PatchOp.ReplaceUrl), url: text }),
  [PatchOp.Navigate]: fc.record({ op: fc.constant(PatchOp.Navigate), url: text, replace: bool }),
  [PatchOp.Dispatch]: fc.record({
    op: fc.constant(PatchOp.Dispatch),
    hid,
    name: text,
    payload: json,
  }),
};

export const patch: fc.Arbitrary<Patch> = fc.oneof(...Object.values(patchByOp));

const mods = fc.integer({ min: 0, max: Mod.Shift | Mod.Ctrl | Mod.Alt | Mod.Meta });

/** One arbitrary per EventType. */
export const eventByType: { readonly [type: number]: fc.Arbitrary<ClientEvent> } = {
  [EventType.Click]: fc.record({
    type: fc.constant(EventType.Click),
    x: sint,
    y: sint,
    button: fc.integer({ min: 0, max: 7 }),
    mods,
  }),
  [EventType.DblClick]: fc.record({
    type: fc.constant(EventType.DblClick),
    x: sint,
    y: sint,
    button: fc.integer({ min: 0, max: 7 }),
    mods,
  }),
  [EventType.Input]: fc.record({ type: fc.constant(EventType.Input), value: text }),
  [EventType.Change]: fc.record({
    type: fc.constant(EventType.Change),
    value: text,
    checked: bool,
  }),
  [EventType.Submit]: fc.record({
    type: fc.constant(EventType.Submit),
    fields: fc.array(fc.tuple(text, text), { maxLength: 6 }),
  }),
  [EventType.KeyDown]: fc.record({
    type: fc.constant(EventType.KeyDown),
    key: text,
    code: text,
    mods,
    repeat: bool,
  }),
  [EventType.KeyUp]: fc.record({
    type: fc.constant(EventType.KeyUp),
    key: text,
    code: text,
    mods,
    repeat: bool,
  }),
  [EventType.Focus]: fc.constant({ type: EventType.Focus }),
  [EventType.Blur]: fc.constant({ type: EventType.Blur }),
  [EventType.Scroll]: fc.record({ type: fc.constant(EventType.Scroll), top: sint, left: sint }),
  [EventType.Pointer]: fc.record({
    type: fc.constant(EventType.Pointer),
    kind: fc.constantFrom(...Object.values(PointerKind)),
    x: sint,
    y: sint,
    button: sint,
    pointerType: fc.constantFrom(...Object.values(PointerType)),
  }),
  [EventType.Navigate]: fc.record({
    type: fc.constant(EventType.Navigate),
    path: text,
    replace: bool,
  }),
  [EventType.Hook]: fc.record({ type: fc.constant(EventType.Hook), name: text, payload: json }),
  [EventType.Custom]: fc.record({ type: fc.constant(EventType.Custom), name: text, payload: json }),
};

export const event: fc.Arbitrary<ClientEvent> = fc.oneof(...Object.values(eventByType));

/** Codes that travel in frames (server-only codes have no wire id). */
const errorCode = fc.constantFrom(...Object.values(ErrorCode).filter(isWireCode));
const features = fc.oneof(fc.constantFrom(0, Feature.Resume | Feature.Hooks), uint);

/** One arbitrary per FrameType. */
export const frameByType: { readonly [type: number]: fc.Arbitrary<Frame> } = {
  [FrameType.Handshake]: fc.record({
    type: fc.constant(FrameType.Handshake),
    version: fc.constant(PROTOCOL_VERSION),
    csrf: text,
    resumeToken: fc.option(text, { nil: null }),
    lastSeq: uint,
    viewport: fc.record({ w: uint, h: uint }),
    tzOffset: sint,
    features,
  }),
  [FrameType.HandshakeReply]: fc.record({
    type: fc.constant(FrameType.HandshakeReply),
    status: fc.oneof(fc.constant("ok" as const), errorCode),
    resumed: bool,
    resumeToken: text,
    nextSeq: uint,
    lastCseq: uint,
    serverTime: uint,
    features,
  }),
  [FrameType.Event]: fc.record({ type: fc.constant(FrameType.Event), cseq: uint, hid, event }),
  [FrameType.Patches]: fc.record({
    type: fc.constant(FrameType.Patches),
    seq: uint,
    cseq: uint,
    patches: fc.array(patch, { maxLength: 8 }),
  }),
  [FrameType.Ack]: fc.record({ type: fc.constant(FrameType.Ack), seq: uint }),
  [FrameType.Ping]: fc.record({ type: fc.constant(FrameType.Ping), nonce: uint }),
  [FrameType.Pong]: fc.record({ type: fc.constant(FrameType.Pong), nonce: uint }),
  [FrameType.ResyncRequest]: fc.record({
    type: fc.constant(FrameType.ResyncRequest),
    lastSeq: uint,
    full: fc.boolean(),
  }),
  [FrameType.FullResync]: fc.record({
    type: fc.constant(FrameType.FullResync),
    seq: uint,
    root: node,
  }),
  [FrameType.Close]: fc.record({
    type: fc.constant(FrameType.Close),
    code: fc.oneof(
      fc.constantFrom(...Object.values(CloseCode)),
      fc.integer({ min: 1000, max: 4999 }),
    ),
    reason: text,
  }),
  [FrameType.Error]: fc.record({
    type: fc.constant(FrameType.Error),
    code: errorCode,
    fatal: bool,
    cseq: uint,
    message: text,
  }),
  [FrameType.Data]: fc.record({
    type: fc.constant(FrameType.Data),
    channel: text,
    offset: uint,
    data: fc.uint8Array({ maxLength: 512 }),
  }),
};

export const frame: fc.Arbitrary<Frame> = fc.oneof(...Object.values(frameByType));

/**
 * Frames whose last field ends the message: all but Data, whose bytes run to the end
 * (a cut Data frame past its header is a shorter chunk, which its channel refuses).
 */
export const fieldFrame: fc.Arbitrary<Frame> = fc.oneof(
  ...Object.entries(frameByType)
    .filter(([type]) => Number(type) !== FrameType.Data)
    .map(([, arb]) => arb),
);

/**
 * Vango wire protocol: one module shared by the server and the browser client.
 * The client should import `client-codec.ts` (and constants) directly to keep its bundle
 * small; this barrel is for the server and tools.
 */
export { decodeServerFrame, encodeClientFrame } from "./client-codec.ts";
export { decodeFrame, encodeFrame } from "./codec.ts";
export {
  ATTR_HID,
  ATTR_ON,
  CloseCode,
  ErrorFlag,
  EventFlag,
  EventType,
  Feature,
  FLAG_SHIFT,
  FrameType,
  HandshakeFlag,
  LIVE_PROPS,
  MOD_MASK,
  Mod,
  NodeKind,
  PatchOp,
  PointerKind,
  PointerType,
  PROTOCOL_VERSION,
  ReplyFlag,
  ResyncFlag,
  ScrollAlign,
  TYPE_MASK,
} from "./constants.ts";
export { ErrorCode, errorFromId, errorId, ProtocolError } from "./error-code.ts";
export { ERRORS, type ErrorInfo } from "./errors.ts";
export type { ClientEvent, KeyEventData, MouseEventData, PointerEventData } from "./events.ts";
export type {
  AckFrame,
  ClientFrame,
  CloseFrame,
  DataFrame,
  ErrorFrame,
  EventFrame,
  Frame,
  FullResyncFrame,
  HandshakeFrame,
  HandshakeReplyFrame,
  HandshakeStatus,
  PatchesFrame,
  PingFrame,
  PongFrame,
  ResyncRequestFrame,
  ServerFrame,
} from "./frame.ts";
export { JsonTag } from "./json-value.ts";
export {
  DEFAULT_LIMITS,
  HARD_MAX_DEPTH,
  HARD_MAX_STRING,
  type Limits,
  resolveLimits,
} from "./limits.ts";
export type {
  JsonValue,
  LiveProp,
  Patch,
  PropValue,
  WireElement,
  WireNode,
  WireRaw,
  WireText,
} from "./patch.ts";
export { decodeClientFrame, encodeServerFrame } from "./server-codec.ts";

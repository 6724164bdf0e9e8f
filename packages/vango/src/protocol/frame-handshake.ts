/** Handshake (client → server) and HandshakeReply (server → client) codecs. */
import { FLAG_SHIFT, FrameType, HandshakeFlag, PROTOCOL_VERSION, ReplyFlag } from "./constants.ts";
import { ErrorCode, errorFromId, errorId, ProtocolError } from "./error-code.ts";
import type { HandshakeFrame, HandshakeReplyFrame, HandshakeStatus } from "./frame.ts";
import { malformed, type Reader, unknown } from "./reader.ts";
import type { Writer } from "./writer.ts";

export function writeHandshake(w: Writer, f: HandshakeFrame): void {
  const hasToken = f.resumeToken !== null;
  w.u8(FrameType.Handshake | ((hasToken ? HandshakeFlag.ResumeToken : 0) << FLAG_SHIFT));
  w.uint(f.version);
  w.str(f.csrf);
  if (f.resumeToken !== null) w.str(f.resumeToken);
  w.uint(f.lastSeq);
  w.uint(f.viewport.w);
  w.uint(f.viewport.h);
  w.sint(f.tzOffset);
  w.uint(f.features);
}

export function readHandshake(r: Reader, flags: number): HandshakeFrame {
  if (flags & ~HandshakeFlag.ResumeToken) throw malformed("handshake flags");
  const version = r.uint();
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError(ErrorCode.version_unsupported, `version ${version}`);
  }
  const csrf = r.str();
  const resumeToken = flags & HandshakeFlag.ResumeToken ? r.str() : null;
  const lastSeq = r.uint();
  const vw = r.uint();
  const vh = r.uint();
  return {
    type: FrameType.Handshake,
    version,
    csrf,
    resumeToken,
    lastSeq,
    viewport: { w: vw, h: vh },
    tzOffset: r.sint(),
    features: r.uint(),
  };
}

export function writeHandshakeReply(w: Writer, f: HandshakeReplyFrame): void {
  w.u8(FrameType.HandshakeReply | ((f.resumed ? ReplyFlag.Resumed : 0) << FLAG_SHIFT));
  w.uint(f.status === "ok" ? 0 : errorId(f.status));
  w.str(f.resumeToken);
  w.uint(f.nextSeq);
  w.uint(f.lastCseq);
  w.uint(f.serverTime);
  w.uint(f.features);
}

export function readHandshakeReply(r: Reader, flags: number): HandshakeReplyFrame {
  if (flags & ~ReplyFlag.Resumed) throw malformed();
  const id = r.uint();
  let status: HandshakeStatus = "ok";
  if (id !== 0) {
    const code = errorFromId(id);
    if (code === undefined) throw unknown();
    status = code;
  }
  return {
    type: FrameType.HandshakeReply,
    status,
    resumed: (flags & ReplyFlag.Resumed) !== 0,
    resumeToken: r.str(),
    nextSeq: r.uint(),
    lastCseq: r.uint(),
    serverTime: r.uint(),
    features: r.uint(),
  };
}

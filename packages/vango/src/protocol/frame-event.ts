/** Event frame codec: header (with event flags), cseq, hid, event type, payload. */
import { FLAG_SHIFT, FrameType } from "./constants.ts";
import { eventFlags, readEvent, writeEvent } from "./events.ts";
import type { EventFrame } from "./frame.ts";
import type { Reader } from "./reader.ts";
import type { Writer } from "./writer.ts";

export function writeEventFrame(w: Writer, f: EventFrame): void {
  w.u8(FrameType.Event | (eventFlags(f.event) << FLAG_SHIFT));
  w.uint(f.cseq);
  w.uint(f.hid);
  writeEvent(w, f.event);
}

export function readEventFrame(r: Reader, flags: number): EventFrame {
  const cseq = r.uint();
  const hid = r.uint();
  return { type: FrameType.Event, cseq, hid, event: readEvent(r, flags) };
}

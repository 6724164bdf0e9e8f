/** State shared by the patch applier, the node builder and event delegation. */
import type { HidMap } from "./hid-map.ts";

export interface DomCtx {
  readonly doc: Document;
  readonly hids: HidMap;
  /** Called with every `data-on` value that reaches the DOM, so its events get listeners. */
  readonly listen: (spec: string) => void;
  /** True while patches are applied: DOM events fired by patching are not sent back. */
  muted: boolean;
  /** Highest event cseq the server had processed when the patches being applied were made. */
  processed: number;
  /** The element focused when the last input/change event was sent, and that event's cseq. */
  typed: Element | null;
  typedCseq: number;
}

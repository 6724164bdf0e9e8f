/**
 * Tag-level HTML facts shared by the serializers (SSR from VNodes, host trees), looked
 * up once per element through one memoised record per tag name.
 */
import { RenderError, RenderErrorCode } from "./render-error.ts";

/** Elements with no end tag and no content. */
const VOID_TAGS: ReadonlySet<string> = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);

export const TagFlag = {
  /** No end tag, no content. */
  Void: 1,
  /** `<textarea>`: a `value` attribute is written as the content. */
  Textarea: 2,
  /**
   * The HTML parser drops a newline right after the start tag (`pre`, `textarea`,
   * `listing`); content starting with `\n` gets an extra one so the DOM keeps it.
   */
  LeadingNewline: 4,
} as const;

export interface TagInfo {
  /** `"<tag"` */
  readonly open: string;
  /** `"</tag>"` */
  readonly close: string;
  readonly flags: number;
}

const TAG_NAME = /^[a-zA-Z][a-zA-Z0-9-]*$/;
const TAG_CACHE_LIMIT = 1024;
const tags = new Map<string, TagInfo>();

/**
 * The record for `tag`; throws `invalid_tag` unless the name matches
 * `[a-zA-Z][a-zA-Z0-9-]*` (tag names are memoised once validated).
 */
export function tagInfo(tag: string): TagInfo {
  const known = tags.get(tag);
  if (known !== undefined) return known;
  if (typeof tag !== "string" || !TAG_NAME.test(tag)) {
    throw new RenderError(RenderErrorCode.invalidTag, `invalid tag name ${String(tag)}`);
  }
  let flags = VOID_TAGS.has(tag) ? TagFlag.Void : 0;
  if (tag === "textarea") flags |= TagFlag.Textarea;
  if (tag === "pre" || tag === "textarea" || tag === "listing") flags |= TagFlag.LeadingNewline;
  const info: TagInfo = { open: "<" + tag, close: "</" + tag + ">", flags };
  if (tags.size >= TAG_CACHE_LIMIT) tags.clear();
  tags.set(tag, info);
  return info;
}

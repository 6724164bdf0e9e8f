/**
 * Trusted raw HTML: the only way markup that Vango did not build reaches the page.
 */
import { VdomError, VdomErrorCode } from "./errors.ts";
import { type TrustedHtml, VKind, VNODE, type VRaw } from "./vnode.ts";

/**
 * Marks `html` as vouched for by the application (e.g. the output of a sanitizer).
 * Never pass user input here unsanitised.
 * @example
 * const body = trustedHtml(sanitize(markdown(post.body)));
 */
export function trustedHtml(html: string): TrustedHtml {
  if (typeof html !== "string") {
    throw new VdomError(VdomErrorCode.invalidRaw, "trustedHtml() takes a string");
  }
  return html as TrustedHtml;
}

/**
 * A node rendering trusted markup; it must be the only child of its element.
 * @example
 * <article>{raw(trustedHtml(sanitize(md)))}</article>
 */
export function raw(html: TrustedHtml): VRaw {
  if (typeof html !== "string") {
    throw new VdomError(VdomErrorCode.invalidRaw, "raw() takes a TrustedHtml string");
  }
  return { $$typeof: VNODE, kind: VKind.Raw, html };
}

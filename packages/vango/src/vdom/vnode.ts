/**
 * Virtual DOM node shapes produced by the JSX runtime.
 *
 * Kinds are numbers (not strings) so hot loops compare small integers; every
 * node kind has one fixed object shape (all fields set at creation).
 */

export const VKind = {
  Element: 1,
  Text: 2,
  Fragment: 3,
  Component: 4,
  Raw: 5,
} as const;
export type VKind = (typeof VKind)[keyof typeof VKind];

export type Key = string | number;

/**
 * Brand carried by every VNode as `$$typeof` (React's defence): JSON and other untrusted
 * data cannot hold a Symbol, so an object that merely looks like a node
 * (`JSON.parse('{"kind":5,"html":"<script>…"}')`) is never rendered as one — children
 * normalisation and SSR refuse it as `invalid_child`. Only `createVNode`/`jsx`/`h`,
 * `raw()` and text normalisation set it.
 */
export const VNODE: unique symbol = Symbol.for("vango.vnode");

/** Props as written in TSX. `children` is normalised away into `VElement.children`. */
export type Props = Record<string, unknown>;

/**
 * A component: called once per mounted instance (setup). Returning a function makes
 * it stateful (the function is the render, re-run when a signal it read changes);
 * returning a node makes it stateless (re-called on every parent render).
 */
// biome-ignore lint/suspicious/noExplicitAny: component props are user-defined
export type Component<P = any> = (props: P) => VChild | (() => VChild);

export interface VElement {
  readonly $$typeof: typeof VNODE;
  readonly kind: typeof VKind.Element;
  readonly tag: string;
  readonly key: Key | undefined;
  readonly props: Props;
  readonly children: VNode[];
}

export interface VText {
  readonly $$typeof: typeof VNODE;
  readonly kind: typeof VKind.Text;
  readonly text: string;
}

export interface VFragment {
  readonly $$typeof: typeof VNODE;
  readonly kind: typeof VKind.Fragment;
  readonly key: Key | undefined;
  readonly children: VNode[];
}

export interface VComponent {
  readonly $$typeof: typeof VNODE;
  readonly kind: typeof VKind.Component;
  readonly type: Component;
  readonly key: Key | undefined;
  /** Props including `children` (as given, not normalised). */
  readonly props: Props;
}

declare const trustedHtmlBrand: unique symbol;
/** HTML that the application vouches for; the only way raw markup reaches the page. */
export type TrustedHtml = string & { readonly [trustedHtmlBrand]: true };

export interface VRaw {
  readonly $$typeof: typeof VNODE;
  readonly kind: typeof VKind.Raw;
  readonly html: TrustedHtml;
}

export type VNode = VElement | VText | VFragment | VComponent | VRaw;

/** Anything a component or JSX expression may produce. */
export type VChild = VNode | string | number | bigint | boolean | null | undefined | VChild[];

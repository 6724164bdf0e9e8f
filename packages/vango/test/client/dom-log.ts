/**
 * Records DOM operations as readable strings (Preact's `logCall` idea) so client tests
 * assert the exact operations a patch caused, not only the resulting HTML. Calls made
 * from inside a logged call (engine internals) are not logged.
 */

type Proto = Record<string, unknown>;

function describe(n: unknown): string {
  if (n === null || n === undefined) return String(n);
  const node = n as Node;
  if (node.nodeType === 3) return JSON.stringify((node as Text).data);
  if (node.nodeType === 11) return "#fragment";
  if (node.nodeType === 1) {
    const el = node as Element;
    const hid = el.getAttribute("data-hid");
    return "<" + el.localName + (hid === null ? "" : "#" + hid) + ">";
  }
  return typeof n === "string" || typeof n === "object" ? JSON.stringify(n) : String(n);
}

export interface DomLog {
  readonly log: string[];
  /** Returns the log so far and clears it. */
  take(): string[];
  restore(): void;
}

/**
 * @example
 * const dom = logDom(); applyPatches(ctx, patches);
 * expect(dom.take()).toEqual(['<ul#2>.insertBefore(<li#9>, <li#3>)']);
 */
export function logDom(): DomLog {
  const log: string[] = [];
  const undo: (() => void)[] = [];
  let depth = 0;
  // happy-dom does not expose these classes as globals; take their prototypes from instances.
  const L = Object.getPrototypeOf(document.documentElement.classList) as Proto;
  const S = Object.getPrototypeOf(document.documentElement.style) as Proto;
  const self = (t: unknown): string =>
    Object.getPrototypeOf(t) === L
      ? "classList"
      : Object.getPrototypeOf(t) === S
        ? "style"
        : describe(t);

  const wrapMethod = (proto: Proto, name: string): void => {
    const orig = proto[name] as (...a: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      if (depth === 0) log.push(`${self(this)}.${name}(${args.map(describe).join(", ")})`);
      depth++;
      try {
        return orig.apply(this, args);
      } finally {
        depth--;
      }
    };
    undo.push(() => {
      proto[name] = orig;
    });
  };

  const wrapSetter = (proto: object, name: string): void => {
    let p: object | null = proto;
    let d = Object.getOwnPropertyDescriptor(p, name);
    while (!d && p) {
      p = Object.getPrototypeOf(p);
      if (p) d = Object.getOwnPropertyDescriptor(p, name);
    }
    if (!d?.set) throw new Error(`no setter ${name}`);
    const desc = d;
    Object.defineProperty(proto, name, {
      configurable: true,
      get: desc.get,
      set(this: unknown, v: unknown) {
        if (depth === 0) log.push(`${self(this)}.${name} = ${describe(v)}`);
        depth++;
        try {
          desc.set!.call(this, v);
        } finally {
          depth--;
        }
      },
    });
    undo.push(() => {
      if (p === proto) Object.defineProperty(proto, name, desc);
      else delete (proto as Proto)[name];
    });
  };

  const N = Node.prototype as unknown as Proto;
  for (const m of ["insertBefore", "appendChild", "removeChild", "replaceChild"]) wrapMethod(N, m);
  const E = Element.prototype as unknown as Proto;
  for (const m of ["setAttribute", "removeAttribute", "replaceChildren"]) wrapMethod(E, m);
  const H = HTMLElement.prototype as unknown as Proto;
  for (const m of ["focus", "blur"]) wrapMethod(H, m);
  const I = HTMLInputElement.prototype as unknown as Proto;
  wrapMethod(I, "setSelectionRange");
  for (const m of ["add", "remove", "toggle"]) wrapMethod(L, m);
  for (const m of ["setProperty", "removeProperty"]) wrapMethod(S, m);
  wrapSetter(CharacterData.prototype, "data");
  wrapSetter(Element.prototype, "innerHTML");
  for (const p of ["value", "checked"]) wrapSetter(HTMLInputElement.prototype, p);
  wrapSetter(HTMLOptionElement.prototype, "selected");

  return {
    log,
    take() {
      return log.splice(0);
    },
    restore() {
      for (const u of undo.reverse()) u();
    },
  };
}

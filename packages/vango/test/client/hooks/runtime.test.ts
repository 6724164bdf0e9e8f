// @vitest-environment happy-dom
/**
 * The hook runtime in a DOM: mounts hooked elements present at start and added later,
 * injects a hook's chunk once per name, calls `updated` on new options and `destroyed`
 * on removal (or when the element names another hook), routes server calls by key,
 * pushes events through the core client's handle, and keeps running when one hook
 * throws. Optimistic changes apply on the event and revert on an unanswered or
 * disagreeing answer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Hook } from "../../../src/client/hooks/define.ts";
import { startHooks } from "../../../src/client/hooks/runtime.ts";
import { HOOK_CALL_EVENT } from "../../../src/protocol/dom-attrs.ts";

const MANIFEST = {
  Probe: "/_vango/chunk/aaaaaaaaaaaaaaaa.js",
  Other: "/_vango/chunk/bbbbbbbbbbbbbbbb.js",
};
const tick = () => new Promise((r) => setTimeout(r, 0));

let log: string[];
let pushed: [number, string, unknown][];
let handled = 0;
let cseq = 0;
let stop: () => void;

const probe: Hook<{ n: number } | null> = (ctx) => {
  log.push(`mounted ${ctx.el.id} ${JSON.stringify(ctx.options)}`);
  return {
    updated: (o) => log.push(`updated ${ctx.el.id} ${JSON.stringify(o)}`),
    destroyed: () => log.push(`destroyed ${ctx.el.id}`),
    calls: {
      ping: (p) => {
        log.push(`ping ${ctx.el.id} ${JSON.stringify(p)}`);
        ctx.pushEvent("pong", { back: p });
      },
    },
  };
};

beforeEach(() => {
  log = [];
  pushed = [];
  handled = 0;
  cseq = 0;
  document.head.innerHTML = "";
  document.body.innerHTML =
    '<div id="a" data-hid="7" data-vh="Probe" data-vh-o=\'{"n":1}\' data-vh-k="h1"></div>';
  Object.assign(window, {
    __vango: {
      hook: (hid: number, name: string, payload: unknown) => pushed.push([hid, name, payload]),
      get handled() {
        return handled;
      },
      get cseq() {
        return cseq;
      },
    },
  });
  stop = startHooks(document, MANIFEST);
});
afterEach(() => {
  stop();
  delete (window as { __vango?: unknown }).__vango;
});

const scripts = () =>
  Array.from(document.head.querySelectorAll("script"), (s) => s.getAttribute("src"));

describe("hook runtime", () => {
  it("injects a hook's chunk once, then mounts every element waiting for it", async () => {
    expect(scripts()).toEqual([MANIFEST.Probe]);
    document.body.insertAdjacentHTML("beforeend", '<p id="b" data-vh="Probe"></p>');
    await tick();
    expect(scripts()).toEqual([MANIFEST.Probe]);
    expect(log).toEqual([]);
    window.__vangoHooks!.define("Probe", probe as Hook);
    expect(log).toEqual(['mounted a {"n":1}', "mounted b null"]);
  });

  it("calls updated on new options, destroyed on removal or another hook name", async () => {
    window.__vangoHooks!.define("Probe", probe as Hook);
    const a = document.getElementById("a")!;
    a.setAttribute("data-vh-o", '{"n":2}');
    await tick();
    a.setAttribute("data-vh-o", '{"n":2}');
    a.setAttribute("class", "x");
    await tick();
    expect(log).toEqual(['mounted a {"n":1}', 'updated a {"n":2}']);
    a.setAttribute("data-vh", "Other");
    await tick();
    expect(log.at(-1)).toBe("destroyed a");
    expect(scripts()).toEqual([MANIFEST.Probe, MANIFEST.Other]);
    a.setAttribute("data-vh", "Probe");
    await tick();
    expect(log.at(-1)).toBe('mounted a {"n":2}');
    // Removed with its parent; moved (removed and inserted in one batch) stays mounted.
    const wrap = document.createElement("section");
    document.body.append(wrap);
    wrap.append(a);
    await tick();
    expect(log.at(-1)).toBe('mounted a {"n":2}');
    wrap.remove();
    await tick();
    expect(log.at(-1)).toBe("destroyed a");
  });

  it("routes server calls by key and pushes events with the element's hid", async () => {
    window.__vangoHooks!.define("Probe", probe as Hook);
    window.dispatchEvent(
      new CustomEvent(HOOK_CALL_EVENT, { detail: { k: "h1", c: "ping", p: 3 } }),
    );
    window.dispatchEvent(
      new CustomEvent(HOOK_CALL_EVENT, { detail: { k: "h9", c: "ping", p: 4 } }),
    );
    expect(log).toEqual(['mounted a {"n":1}', "ping a 3"]);
    expect(pushed).toEqual([[7, "pong", { back: 3 }]]);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    window.dispatchEvent(new CustomEvent(HOOK_CALL_EVENT, { detail: { k: "h1", c: "nope" } }));
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it("reports a hook that throws and keeps mounting the others; an unknown name once", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    document.body.insertAdjacentHTML("beforeend", '<p id="c" data-vh="Probe"></p>');
    await tick();
    let calls = 0;
    window.__vangoHooks!.define("Probe", ((ctx: { el: HTMLElement }) => {
      calls++;
      if (ctx.el.id === "a") throw new Error("boom");
    }) as Hook);
    expect(calls).toBe(2);
    expect(error).toHaveBeenCalledTimes(1);
    document.body.insertAdjacentHTML("beforeend", '<i data-vh="Nope"></i><i data-vh="Nope"></i>');
    await tick();
    expect(error).toHaveBeenCalledTimes(2);
    expect(String(error.mock.calls[1]![0])).toContain('"Nope"');
    error.mockRestore();
  });
});

describe("optimistic changes", () => {
  const button = () => document.getElementById("t")!;
  beforeEach(async () => {
    document.body.insertAdjacentHTML(
      "beforeend",
      '<button id="t" class="a" aria-pressed="false" data-vo=\'{"c":{"on":true},"a":{"aria-pressed":"true"},"t":"Saving"}\'>Save</button>',
    );
    await tick();
  });

  it("apply on the event and revert what the server's answer did not write", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    try {
      cseq = 4;
      button().click();
      expect([
        button().className,
        button().getAttribute("aria-pressed"),
        button().textContent,
      ]).toEqual(["a on", "true", "Saving"]);
      cseq = 5;
      // The server's answer: it wrote aria-pressed (agreeing), left the rest.
      button().setAttribute("aria-pressed", "true");
      handled = 5;
      await Promise.resolve();
      vi.advanceTimersByTime(40);
      expect([
        button().className,
        button().getAttribute("aria-pressed"),
        button().textContent,
      ]).toEqual(["a", "true", "Save"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("revert at once on vango:error, and without an answer after 10 s", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    try {
      button().click();
      document.dispatchEvent(new CustomEvent("vango:error", { detail: { code: "handler_error" } }));
      expect([button().className, button().getAttribute("aria-pressed")]).toEqual(["a", "false"]);
      button().click();
      expect(button().getAttribute("aria-pressed")).toBe("true");
      vi.advanceTimersByTime(9_000);
      expect(button().getAttribute("aria-pressed")).toBe("true");
      vi.advanceTimersByTime(1_100);
      expect(button().getAttribute("aria-pressed")).toBe("false");
    } finally {
      vi.useRealTimers();
    }
  });
});

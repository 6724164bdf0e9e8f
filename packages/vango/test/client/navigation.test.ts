// @vitest-environment happy-dom
/**
 * The client's navigation rules (`client/navigation.ts`) in a DOM, the server played by
 * the test: which clicks become Navigate events and which the browser keeps (modifier
 * keys, other buttons, `target`, `download`, other origins, same-page `#hash` links, a
 * socket that is not ready), back/forward (a reload with the socket down), scroll reset
 * and restore on back and forward, the progress class after 150 ms, focus on the page's
 * main heading and the announcement. The last test runs the same rules through the live
 * client, whose socket readiness decides.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createNavigation, type Navigation } from "../../src/client/navigation.ts";
import { EventType, FrameType } from "../../src/protocol/constants.ts";
import { ANNOUNCE_ID, NAVIGATING_CLASS } from "../../src/protocol/dom-attrs.ts";
import { connected, h, start, useClientHarness } from "./client-harness.ts";

let nav: Navigation;
let sent: [string, boolean][];
let ready: boolean;
let cseq: number;
let reload: ReturnType<typeof vi.fn<() => void>>;

const send = (path: string, replace: boolean): number => {
  if (!ready) return 0;
  sent.push([path, replace]);
  return ++cseq;
};

/** The shell: a brand `<h1>` above `<main>`, the page's heading an `<h2>` inside it. */
function page(heading: string): void {
  document.body.innerHTML =
    `<header><h1>Brand</h1></header><main id="main"><h2>${heading}</h2>` +
    '<p id="sec">section</p></main>' +
    `<div id="${ANNOUNCE_ID}" aria-live="polite"></div>`;
}

/**
 * A link in the page, clicked: whether the navigation module prevented the page load.
 * (A listener after it stops happy-dom from following the link itself.)
 */
function click(href: string, init: MouseEventInit = {}, attrs: Record<string, string> = {}) {
  const a = document.createElement("a");
  a.href = href;
  for (const [k, v] of Object.entries(attrs)) a.setAttribute(k, v);
  a.textContent = "go";
  (document.getElementById("main") ?? document.body).append(a);
  let defaultPrevented = false;
  const after = (e: Event): void => {
    defaultPrevented = e.defaultPrevented;
    e.preventDefault();
  };
  window.addEventListener("click", after, { once: true });
  a.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0, ...init }));
  window.removeEventListener("click", after);
  return { defaultPrevented };
}

/** The server's answer to a navigation: the new page's DOM, title and URL, then applied. */
function answer(heading: string, url: string | null, title = heading, n = cseq): void {
  page(heading);
  document.title = title;
  if (url !== null) history.pushState(null, "", url);
  nav.applied(n);
}

/** The browser moving its history (back/forward): the URL changes, then `popstate`. */
function pop(url: string): void {
  history.replaceState(null, "", url);
  window.dispatchEvent(new PopStateEvent("popstate", { state: null }));
}

describe("navigation rules", () => {
  beforeEach(() => {
    history.replaceState(null, "", "/");
    page("Home");
    document.title = "Home";
    document.documentElement.classList.remove(NAVIGATING_CLASS);
    window.scrollTo(0, 0);
    sent = [];
    ready = true;
    cseq = 0;
    reload = vi.fn<() => void>();
    vi.spyOn(window.location, "reload").mockImplementation(reload);
    nav = createNavigation(document, send);
  });
  afterEach(() => {
    nav.dispose();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  describe("which clicks navigate live", () => {
    it("a same-origin link with the primary button: a Navigate event, the load prevented", () => {
      const e = click("/todos?f=all#list");
      expect(sent).toEqual([["/todos?f=all#list", false]]);
      expect(e.defaultPrevented).toBe(true);
      expect(history.scrollRestoration).toBe("manual");
      // `target="_self"` is this window.
      expect(click("/a", {}, { target: "_self" }).defaultPrevented).toBe(true);
    });

    it("modifier keys, other buttons, target, download, other origins and same-page #hash stay the browser's", () => {
      const kept = [
        click("/a", { metaKey: true }),
        click("/a", { ctrlKey: true }),
        click("/a", { shiftKey: true }),
        click("/a", { altKey: true }),
        click("/a", { button: 1 }),
        click("/a", {}, { target: "_blank" }),
        click("/a", {}, { target: "frame" }),
        click("/a", {}, { download: "" }),
        click("https://elsewhere.example/a"),
        click("/#sec"),
      ];
      expect(sent).toEqual([]);
      expect(kept.map((e) => e.defaultPrevented)).toEqual(kept.map(() => false));
      // A #hash on another page (or another query) does navigate.
      click("/other#sec");
      click("/?q=1#sec");
      expect(sent).toEqual([
        ["/other#sec", false],
        ["/?q=1#sec", false],
      ]);
    });

    it("a click another handler prevented, or on no link, is left alone", () => {
      document.getElementById("main")!.addEventListener("click", (e) => e.preventDefault(), {
        capture: true,
      });
      click("/a");
      document.getElementById("sec")!.click();
      expect(sent).toEqual([]);
    });

    it("with the socket not ready, a click stays a normal page load", () => {
      ready = false;
      const e = click("/todos");
      expect([sent, e.defaultPrevented]).toEqual([[], false]);
    });
  });

  describe("back and forward", () => {
    it("go over the socket as a replace; with the socket down the page reloads", () => {
      history.pushState(null, "", "/todos");
      pop("/");
      expect(sent).toEqual([["/", true]]);
      expect(reload).not.toHaveBeenCalled();
      ready = false;
      pop("/todos");
      expect(reload).toHaveBeenCalledTimes(1);
      expect(sent).toHaveLength(1);
    });
  });

  describe("scroll", () => {
    it("a new page starts at the top (or its #hash); back and forward restore where each URL was", () => {
      window.scrollTo(0, 300);
      click("/todos");
      answer("Todos", "/todos");
      expect(window.scrollY).toBe(0);
      window.scrollTo(0, 500);

      pop("/");
      expect(window.scrollY).toBe(500); // nothing moves before the answer
      answer("Home", null, "Home");
      expect(window.scrollY).toBe(300);

      pop("/todos");
      answer("Todos", null);
      expect(window.scrollY).toBe(500);

      const into = vi.spyOn(HTMLElement.prototype, "scrollIntoView");
      click("/docs#sec");
      answer("Docs", "/docs#sec");
      expect(into).toHaveBeenCalledTimes(1);
      expect(into.mock.contexts[0]).toBe(document.getElementById("sec"));
    });

    it("the same page with another query keeps its scroll and focus", () => {
      window.scrollTo(0, 200);
      const before = document.activeElement;
      click("/?q=milk");
      history.pushState(null, "", "/?q=milk");
      nav.applied(cseq);
      expect([window.scrollY, document.activeElement]).toEqual([200, before]);
    });
  });

  describe("progress, focus and announcement", () => {
    it("the progress class comes after 150 ms and goes with the answer", () => {
      vi.useFakeTimers();
      click("/todos");
      vi.advanceTimersByTime(149);
      expect(document.documentElement.classList.contains(NAVIGATING_CLASS)).toBe(false);
      vi.advanceTimersByTime(1);
      expect(document.documentElement.classList.contains(NAVIGATING_CLASS)).toBe(true);
      // A frame that answers an earlier event (a timer's render): still waiting.
      nav.applied(cseq - 1);
      expect(document.documentElement.classList.contains(NAVIGATING_CLASS)).toBe(true);
      answer("Todos", "/todos");
      expect(document.documentElement.classList.contains(NAVIGATING_CLASS)).toBe(false);

      // Answered within 150 ms: the bar never shows.
      click("/");
      answer("Home", "/");
      vi.advanceTimersByTime(1000);
      expect(document.documentElement.classList.contains(NAVIGATING_CLASS)).toBe(false);
    });

    it("a frame before the answer belongs to the page on show: no focus, no scroll", () => {
      window.scrollTo(0, 120);
      click("/todos");
      history.pushState(null, "", "/todos");
      nav.applied(cseq - 1);
      expect([window.scrollY, document.activeElement]).toEqual([120, document.body]);
    });

    it("focus goes to the page's main heading inside <main>, not the brand; the title is announced", () => {
      click("/todos");
      answer("Todos", "/todos", "Todos · Demo");
      const focused = document.activeElement as HTMLElement;
      expect([focused.tagName, focused.textContent, focused.tabIndex]).toEqual(["H2", "Todos", -1]);
      expect(document.getElementById(ANNOUNCE_ID)!.textContent).toBe("Todos · Demo");

      // Back: focus and announcement too.
      pop("/");
      answer("Home", null, "Home");
      expect(document.activeElement?.textContent).toBe("Home");
      expect(document.getElementById(ANNOUNCE_ID)!.textContent).toBe("Home");

      // A page with an h1 inside <main> gets it over an earlier h2; without <main>, the first h1.
      click("/a");
      document.body.innerHTML =
        '<h1>Brand</h1><main><p>intro</p><h1 tabindex="0">Main title</h1></main>';
      history.pushState(null, "", "/a");
      nav.applied(cseq);
      expect(document.activeElement?.textContent).toBe("Main title");
      expect((document.activeElement as HTMLElement).getAttribute("tabindex")).toBe("0");
      click("/b");
      document.body.innerHTML = "<div><h2>Sub</h2><h1>Only h1</h1></div>";
      history.pushState(null, "", "/b");
      nav.applied(cseq);
      expect(document.activeElement?.textContent).toBe("Only h1");
    });

    it("dispose stops listening", () => {
      nav.dispose();
      click("/todos");
      pop("/");
      expect([sent, reload.mock.calls.length]).toEqual([[], 0]);
      nav = createNavigation(document, send);
    });
  });
});

describe("in the live client", () => {
  useClientHarness();

  it("a link click before the handshake is a page load; once connected, a Navigate event", async () => {
    start();
    const early = click("/todos");
    expect(early.defaultPrevented).toBe(false);
    h.client.stop();
    const ws = await connected();
    const live = click("/todos");
    expect(live.defaultPrevented).toBe(true);
    expect(ws.take()).toEqual([
      {
        type: FrameType.Event,
        cseq: 1,
        hid: 0,
        event: { type: EventType.Navigate, path: "/todos", replace: false },
      },
    ]);
  });
});

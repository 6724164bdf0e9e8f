/**
 * Flash messages and session signals in in-process live sessions: a tab shows its own
 * messages and untagged ones, takes them off the pending list after TAKE_MS on screen,
 * hands untaken ones to the next page when it closes; session signals are one value per
 * browser session.
 */
import { describe, expect, it } from "vitest";
import {
  FLASH_MAX,
  FLASH_TTL_MS,
  type FlashMessage,
  flash,
  flashSignal,
  useFlash,
  withMessage,
} from "../../src/browser-session/flash.ts";
import { sessionKey, sessionSignal } from "../../src/browser-session/session-signal.ts";
import { TAKE_MS, Toasts } from "../../src/browser-session/toasts.ts";
import { createRoot } from "../../src/reactive/index.ts";
import type { RequestInfo } from "../../src/routing/page-info.ts";
import { SESSION_COOKIE } from "../../src/server/security/cookies.ts";
import { mountTest } from "../../src/testing/mount-test.ts";

const msg = (id: string, at: number, by = ""): FlashMessage => ({
  id,
  text: id,
  kind: "info",
  at,
  by,
});

/** The pending list of `sid`, read under a throw-away owner. */
function pendingOf(sid: string): readonly FlashMessage[] {
  return createRoot((dispose) => {
    const v = flashSignal(sid).peek();
    dispose();
    return v;
  });
}

function Page() {
  const say = useFlash();
  return () => (
    <div>
      <Toasts />
      <button type="button" onClick={() => say("Saved", "success")}>
        save
      </button>
    </div>
  );
}

describe("flash", () => {
  it("keeps fresh messages only, at most FLASH_MAX", () => {
    const now = 1_000_000;
    let list: FlashMessage[] = [msg("old", now - FLASH_TTL_MS - 1)];
    list = withMessage(list, msg("a", now));
    expect(list.map((m) => m.id)).toEqual(["a"]);
    for (let i = 0; i < FLASH_MAX + 5; i++) list = withMessage(list, msg(`m${i}`, now));
    expect(list).toHaveLength(FLASH_MAX);
    expect(list[FLASH_MAX - 1]!.id).toBe(`m${FLASH_MAX + 4}`);
  });

  it("shows the tab's own message at once and takes it off the pending list after TAKE_MS", async () => {
    const t = mountTest(Page);
    const sid = t.session.sid;
    await t.click("button");
    expect(t.html()).toContain("Saved");
    expect(t.findAll('[data-testid="toast"]')).toHaveLength(1);
    expect(pendingOf(sid)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, TAKE_MS + 200));
    expect(pendingOf(sid)).toHaveLength(0);
    // Still on screen until its timeout or a dismissal.
    await t.settle();
    expect(t.html()).toContain("Saved");
    await t.click('[aria-label="Dismiss"]');
    expect(t.findAll('[data-testid="toast"]')).toHaveLength(0);
    t.dispose();
  });

  it("a tab closing before TAKE_MS hands its message on; an action's message shows in a mounted tab", async () => {
    const a = mountTest(Page);
    const sid = a.session.sid;
    await a.click("button");
    a.dispose();
    expect(pendingOf(sid)).toEqual([expect.objectContaining({ text: "Saved", by: "" })]);
    // An action's flash (untagged) for the same browser session.
    const request = { cookies: new Map([[SESSION_COOKIE, sid]]) } as unknown as RequestInfo;
    flash({ request }, "Added");
    expect(pendingOf(sid).map((m) => m.text)).toEqual(["Saved", "Added"]);
    // Another tab of the session (same sid) shows both.
    function Reader() {
      return () => <Toasts />;
    }
    const b = mountTest(Reader);
    // mountTest gives every session its own sid: adopt this one's messages for it.
    createRoot((dispose) => {
      const s = flashSignal(b.session.sid);
      s.set(pendingOf(sid));
      dispose();
    });
    await b.settle();
    expect(b.html()).toContain("Saved");
    expect(b.html()).toContain("Added");
    b.dispose();
  });
});

describe("sessionSignal", () => {
  it("is one global value per browser session, keyed by a hash of the cookie", () => {
    const k = sessionKey("q3V0dGVyZmx5X3N0cmVhbTE", "cart");
    expect(k).toMatch(/^s\.[A-Za-z0-9_-]{22}\.cart$/);
    expect(k).not.toContain("q3V0dGVyZmx5X3N0cmVhbTE");
    expect(sessionKey("q3V0dGVyZmx5X3N0cmVhbTE", "cart")).toBe(k);
    expect(sessionKey("another-session-cookie-x", "cart")).not.toBe(k);
  });

  it("shares the value between the components of a session and re-renders them", async () => {
    function Count(props: { id: string }) {
      const n = sessionSignal("count", 0);
      return () => (
        <button type="button" id={props.id} onClick={() => n.set(n() + 1)}>
          {n()}
        </button>
      );
    }
    const t = mountTest(() => (
      <div>
        <Count id="a" />
        <Count id="b" />
      </div>
    ));
    await t.click("#a");
    await t.click("#a");
    expect(t.html()).toContain('id="b" data-on="click">2</button>');
    // Another browser session (its own cookie) has its own value.
    const other = mountTest(() => <Count id="c" />);
    expect(other.html()).toContain('id="c" data-on="click">0</button>');
    t.dispose();
    other.dispose();
  });

  it("throws internal_error outside a live page", () => {
    expect(() => createRoot(() => sessionSignal("x", 0))).toThrow(/outside a live page/);
  });
});

/**
 * A page handed over a full page load (`Session.handOff` → `HAND_OFF_LOCAL`): the page
 * request that names the key is mounted with the checkpoint's values, only for the same
 * browser (session cookie), the same user (`userOf`) and the same path and query, once;
 * a key another browser presents is ignored and left for its own.
 */
import { afterEach, describe, expect, it } from "vitest";
import { EventType } from "../../../src/protocol/constants.ts";
import { signal } from "../../../src/reactive/index.ts";
import { requestLocals } from "../../../src/server/core/request-locals.ts";
import { HAND_OFF_LOCAL } from "../../../src/server/http/page.ts";
import type { Session } from "../../../src/server/session/session.ts";
import { getPage, type Running, start, TestSocket } from "../helpers.ts";

function Counter() {
  const count = signal(0);
  const text = signal("");
  return () => (
    <div>
      <p class="count">count {count()}</p>
      <input class="text" value={text()} onInput={(e) => text.set(e.value)} />
      <button type="button" onClick={() => count.set(count() + 1)}>
        +
      </button>
    </div>
  );
}

const open: Running[] = [];
const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  while (open.length > 0) await open.pop()!.close();
});

/**
 * An app whose users are named by an `x-user` header and whose middleware hands the key
 * in `x-hand-off` to the page; `last` is the session of the latest event.
 */
async function app(): Promise<Running & { last(): Session }> {
  let last: Session | undefined;
  const r = await start({
    routes: { "/c": Counter, "/other": Counter },
    userOf: (req) => req.headers["x-user"] as string | undefined,
    httpMiddleware: [
      (ctx, next) => {
        const key = ctx.req.headers["x-hand-off"];
        if (typeof key === "string") requestLocals(ctx.req).set(HAND_OFF_LOCAL, key);
        return next();
      },
    ],
    eventMiddleware: [
      (ctx, next) => {
        last = ctx.session;
        return next();
      },
    ],
  });
  open.push(r);
  return { ...r, last: () => last! };
}

/** A live `/c?tab=2` of user `u1`, clicked three times, with text typed: its hand-off key. */
async function handedOff(
  a: Running & { last(): Session },
): Promise<{ key: string; cookie: string }> {
  const page = await getPage(a.base, "/c?tab=2");
  const cookie = page.cookie;
  const again = await fetch(`${a.base}/c?tab=2`, { headers: { cookie, "x-user": "u1" } });
  const html = await again.text();
  const boot = JSON.parse(/id="vango-boot">(.*?)<\/script>/.exec(html)![1]!) as {
    token: string;
    csrf: string;
  };
  const socket = await TestSocket.open(a.port, cookie);
  sockets.push(socket);
  await socket.attach({ ...page, html, token: boot.token, csrf: boot.csrf });
  const button = Number(/<button data-hid="(\d+)"/.exec(html)![1]);
  const input = Number(/<input data-hid="(\d+)"/.exec(html)![1]);
  for (let i = 0; i < 3; i++) {
    socket.click(button);
    await socket.next();
  }
  socket.event(input, { type: EventType.Input, value: "typed" });
  await socket.next();
  const key = await a.last().handOff("u1");
  expect(key).toMatch(/^[\w-]{24}$/);
  return { key: key!, cookie };
}

async function load(
  a: Running,
  path: string,
  headers: Record<string, string>,
): Promise<{ count: string | undefined; text: string | undefined }> {
  const html = await (await fetch(a.base + path, { headers })).text();
  return {
    count: /count (\d+)/.exec(html)?.[1],
    text: /<input [^>]*value="([^"]*)"/.exec(html)?.[1],
  };
}

describe("a page handed off over a page load", () => {
  it("comes back for the same browser, user and URL, once", async () => {
    const a = await app();
    const { key, cookie } = await handedOff(a);
    // Another browser naming the key: a fresh page, and the key is left for its own.
    const stranger = await getPage(a.base, "/c");
    expect(
      await load(a, "/c?tab=2", { cookie: stranger.cookie, "x-user": "u1", "x-hand-off": key }),
    ).toMatchObject({ count: "0" });
    const back = await load(a, "/c?tab=2", { cookie, "x-user": "u1", "x-hand-off": key });
    expect(back).toEqual({ count: "3", text: "typed" });
    expect(await load(a, "/c?tab=2", { cookie, "x-user": "u1", "x-hand-off": key })).toMatchObject({
      count: "0",
    });
  });

  it("never for another user, nor at another URL (and the key is spent)", async () => {
    const a = await app();
    for (const [path, user] of [
      ["/c?tab=2", "u2"],
      ["/c?tab=3", "u1"],
      ["/other?tab=2", "u1"],
    ] as const) {
      const { key, cookie } = await handedOff(a);
      expect(await load(a, path, { cookie, "x-user": user, "x-hand-off": key })).toMatchObject({
        count: "0",
      });
      expect(
        await load(a, "/c?tab=2", { cookie, "x-user": "u1", "x-hand-off": key }),
      ).toMatchObject({ count: "0" });
    }
  });

  it("ignores keys of another shape", async () => {
    const a = await app();
    const page = await getPage(a.base, "/c");
    expect(
      await load(a, "/c", { cookie: page.cookie, "x-hand-off": "../../etc/passwd" }),
    ).toMatchObject({ count: "0" });
  });
});

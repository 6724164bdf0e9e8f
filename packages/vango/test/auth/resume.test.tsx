/**
 * Signed-in pages rebuilt on another instance (or after a restart): the rebuild reads the
 * sign-in from the upgrade request's cookies, as the page request did — with a valid
 * access token, and with only the refresh token once the access one ran out (checked,
 * not rotated) — and a page that was one user's is never handed to another sign-in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FrameType } from "../../src/protocol/constants.ts";
import { MemorySessionStore } from "../../src/server/session/stores/memory-store.ts";
import { TestSocket } from "../server/helpers.ts";
import { type AuthApp, formLogin, Jar, startAuthApp, until } from "./fixtures.tsx";

const store = new MemorySessionStore();
let a: AuthApp;
let b: AuthApp;
beforeAll(async () => {
  // Two instances sharing the secret and the session store; their sign-in stores are
  // their own, so the refresh-token case cannot lean on B having seen the family.
  a = await startAuthApp({ app: { persistence: { store, checkpointMs: 20 } } });
  b = await startAuthApp({ app: { persistence: { store, checkpointMs: 20 } } });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

/** Opens a socket on `port` with `jar`'s cookies and hands it `page`'s resume token. */
async function resumeOn(port: number, jar: Jar, page: { token: string; csrf: string }) {
  const socket = await TestSocket.open(port, jar.header());
  socket.handshake(page.token, page.csrf);
  const reply = await socket.next();
  return { socket, reply };
}

describe("rebuilding a signed-in page", () => {
  it("on another instance, with the page's access token: signed in, no reload", async () => {
    const jar = new Jar();
    expect((await formLogin(a, jar, "ada", "correct horse")).status).toBe(303);
    const page = await jar.page(a.base, "/account");
    expect(page.html).toContain(">ada<");
    const { socket, reply } = await resumeOn(b.port, jar, page);
    try {
      expect(reply).toMatchObject({ type: FrameType.HandshakeReply, status: "ok" });
      // Rebuilt from the URL (the page never changed, so no checkpoint): B sends its view,
      // which is the guarded page, signed in.
      const view = await socket.next();
      expect(view.type).toBe(FrameType.FullResync);
      expect(JSON.stringify(view)).toContain("ada");
    } finally {
      socket.close();
    }
  });

  it("with only the refresh token (the access token expired): signed in, token not rotated", async () => {
    const jar = new Jar();
    await formLogin(a, jar, "root", "root-password");
    const page = await jar.page(a.base, "/account");
    const refresh = jar.get("__Host-vango_rt");
    jar.delete("__Host-vango_at");
    const { socket, reply } = await resumeOn(b.port, jar, page);
    try {
      expect(reply).toMatchObject({ type: FrameType.HandshakeReply, status: "ok" });
      expect(JSON.stringify(await socket.next())).toContain("root");
      // A socket sets no cookies, so the browser's refresh token must stay the current
      // one: its first use after the rebuild rotates it (a consumed one would be reuse).
      const later = new Jar();
      later.set("__Host-vango_rt", refresh!);
      expect((await later.page(a.base, "/account")).html).toContain(">root<");
      expect(later.get("__Host-vango_rt")).not.toBe(refresh);
    } finally {
      socket.close();
    }
  });

  it("refuses a checkpointed page of one user to a browser now signed out", async () => {
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const page = await jar.page(a.base, "/account");
    // Live on A, then the socket drops: A checkpoints the page as ada's.
    const first = await TestSocket.open(a.port, jar.header());
    await first.attach(page);
    first.close();
    await first.whenClosed();
    // A sees the close on its side of the socket (maybe after this client), detaches the
    // session and checkpoints it.
    await until(() => a.app.sessions.counts().detached === 1);
    // The same browser (same session cookie), signed out meanwhile, resumes on B.
    jar.delete("__Host-vango_at");
    jar.delete("__Host-vango_rt");
    const { socket, reply } = await resumeOn(b.port, jar, page);
    try {
      expect(reply).toMatchObject({ status: "session_expired" });
    } finally {
      socket.close();
    }
  });
});

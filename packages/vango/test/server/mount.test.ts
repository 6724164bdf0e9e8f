import { createServer, type Server } from "node:http";
import express from "express";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { FrameType, PatchOp } from "../../src/protocol/constants.ts";
import { type App, createApp } from "../../src/server/app.ts";
import { Counter } from "./fixtures.tsx";
import { captureLogger, fakeClient, getPage, TestSocket } from "./helpers.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function newApp(): App {
  const app = createApp({
    routes: { "/": Counter },
    clientBuilder: fakeClient,
    logger: captureLogger(),
  });
  cleanups.push(() => app.close());
  return app;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

/** GET (SSR) → handshake → click → exact Patches frame. */
async function roundTrip(port: number): Promise<void> {
  const p = await getPage(`http://127.0.0.1:${port}`);
  expect(p.status).toBe(200);
  expect(p.html).toContain('<h1 data-hid="3">Count: 0</h1>');
  const s = await TestSocket.open(port, p.cookie);
  expect((await s.attach(p)).status).toBe("ok");
  s.click(4);
  expect(await s.next()).toEqual({
    type: FrameType.Patches,
    seq: 1,
    cseq: 1,
    patches: [{ op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 1" }],
  });
  s.close();
}

describe("mounting", () => {
  it("plain node:http", async () => {
    const app = newApp();
    const server = createServer((req, res) => void app.handler(req, res));
    server.on("upgrade", app.upgrade);
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    await roundTrip(await listen(server));
  });

  it("Express: app.use(vango.handler); unknown paths fall through to next()", async () => {
    const vango = newApp();
    const ex = express();
    ex.get("/api/hello", (_req, res) => {
      res.json({ hello: "express" });
    });
    ex.use(vango.handler);
    ex.use((_req, res) => {
      res.status(418).send("express fallback");
    });
    const server = createServer(ex);
    server.on("upgrade", vango.upgrade);
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const port = await listen(server);
    await roundTrip(port);
    expect(await (await fetch(`http://127.0.0.1:${port}/api/hello`)).json()).toEqual({
      hello: "express",
    });
    const fb = await fetch(`http://127.0.0.1:${port}/elsewhere`);
    expect([fb.status, await fb.text()]).toEqual([418, "express fallback"]);
  });

  it("Fastify: a hijacked catch-all route and fastify.server for upgrades", async () => {
    const vango = newApp();
    const fastify = Fastify();
    fastify.get("/api/hello", async () => ({ hello: "fastify" }));
    fastify.all("/*", (request, reply) => {
      reply.hijack();
      void vango.handler(request.raw, reply.raw);
    });
    fastify.server.on("upgrade", vango.upgrade);
    cleanups.push(() => fastify.close());
    await fastify.listen({ port: 0, host: "127.0.0.1" });
    const port = (fastify.server.address() as { port: number }).port;
    await roundTrip(port);
    expect(await (await fetch(`http://127.0.0.1:${port}/api/hello`)).json()).toEqual({
      hello: "fastify",
    });
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
  });
});

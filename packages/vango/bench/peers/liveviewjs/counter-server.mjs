/**
 * The benchmark counter (`bench/load/counter-app.ts`: an h1 "Count: n" and a "+" button)
 * in LiveViewJS 0.8.1 on Express, as its README sets it up: express-session with the
 * memory store, `NodeExpressLiveViewServer`, a `ws` server on the same HTTP server.
 * Plain JavaScript, installed apart from the workspace (`npm ci` in this folder), so the
 * project's type check never needs it.
 *
 * LiveViewJS downloads a MIME database from a CDN when it is first imported (for
 * uploads); there is no network here, so `fetch` of that URL answers a small local table
 * before the library loads. Nothing else is stubbed.
 */
import { createServer } from "node:http";

const MIME_DB_URL_PART = "mime-db";
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  if (String(input instanceof Request ? input.url : input).includes(MIME_DB_URL_PART)) {
    const db = { "text/plain": { extensions: ["txt"] }, "image/png": { extensions: ["png"] } };
    return new Response(JSON.stringify(db), { headers: { "content-type": "application/json" } });
  }
  return realFetch(input, init);
};

const { createLiveView, html } = await import("liveviewjs");
const { NodeExpressLiveViewServer } = await import("@liveviewjs/express");
const { default: express } = await import("express");
const { default: session, MemoryStore } = await import("express-session");
const { WebSocketServer } = await import("ws");

const counter = createLiveView({
  mount: (socket) => {
    socket.assign({ count: 0 });
  },
  handleEvent: (event, socket) => {
    if (event.type === "inc") socket.assign({ count: socket.context.count + 1 });
  },
  render: (ctx) => html`<div><h1>Count: ${ctx.count}</h1><button phx-click="inc">+</button></div>`,
});

const page = (_title, csrfToken, content) => html`<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="csrf-token" content="${csrfToken}" />
    <title>Counter</title>
  </head>
  <body>
    ${content}
  </body>
</html>`;

/**
 * LiveViewJS 0.8.1 passes an unbound method as `ws.send`'s callback; when a write fails
 * (the client is gone) it throws `Cannot read private member #config` from a stream
 * callback, which would end the process. That one error is ignored (it only loses the
 * library's optional `onError` report); any other uncaught error still ends the process.
 */
let guarded = false;
function guardSendCallbackBug() {
  if (guarded) return;
  guarded = true;
  process.on("uncaughtException", (err) => {
    if (
      err instanceof TypeError &&
      err.message.includes("#config") &&
      String(err.stack).includes("liveviewjs")
    ) {
      return;
    }
    console.error(err);
    process.exit(1);
  });
}

/**
 * Starts the peer on 127.0.0.1:`port` (0: any free port).
 * @returns {Promise<{ port: number, server: import("node:http").Server, close(): Promise<void> }>}
 */
export async function startLiveViewJs(port = 0) {
  guardSendCallbackBug();
  const secret = "vango-bench-liveviewjs-peer";
  const lv = new NodeExpressLiveViewServer(
    { "/": counter },
    page,
    { title: "Counter" },
    {
      serDeSigningSecret: secret,
    },
  );
  const app = express();
  app.use(
    session({
      secret,
      resave: false,
      rolling: true,
      saveUninitialized: true,
      cookie: { secure: false },
      store: new MemoryStore(),
    }),
  );
  app.use(lv.httpMiddleware());
  const server = createServer(app);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  lv.wsMiddleware()(wss);
  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => {});
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("error", () => {});
      wss.emit("connection", ws, req);
    });
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    server,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Test helper: a node:http server on 127.0.0.1 running an HTTP middleware chain the way
 * the app's handler does (`HttpContext`, route set by the innermost step, 500 on throw).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  compose,
  type HttpContext,
  type HttpMiddleware,
} from "../../../src/server/core/middleware.ts";

export type Inner = (ctx: HttpContext) => Promise<void>;

export interface TestServer {
  readonly base: string;
  close(): Promise<void>;
}

export async function serve(
  mws: HttpMiddleware[],
  inner: Inner,
  srv?: Server,
): Promise<TestServer> {
  const run = compose(mws, inner);
  const server = srv ?? createServer();
  server.on("request", (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const ctx: HttpContext = {
      req,
      res,
      path: q === -1 ? url : url.slice(0, q),
      route: undefined,
      fallThrough: false,
      handled: true,
    };
    run(ctx).catch(() => {
      res.statusCode = 500;
      res.end("failed");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Routes `/users/<id>` → `/users/:id` (200), `/fail` → throws, `/oops` → 503, else 404. */
export const usersApp: Inner = async (ctx) => {
  if (ctx.path.startsWith("/users/")) {
    ctx.route = "/users/:id";
    await new Promise((r) => setTimeout(r, 1));
    ctx.res.statusCode = 200;
    ctx.res.end("user");
    return;
  }
  if (ctx.path === "/fail") {
    ctx.route = "/fail";
    throw Object.assign(new Error("render failed"), { code: "internal_error" });
  }
  if (ctx.path === "/oops") {
    ctx.route = "/oops";
    ctx.res.statusCode = 503;
    ctx.res.end("down");
    return;
  }
  ctx.res.statusCode = 404;
  ctx.res.end("not found");
};

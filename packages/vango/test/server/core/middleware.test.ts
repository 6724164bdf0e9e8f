import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import {
  compose,
  type Middleware,
  PASS_THROUGH,
  SETTLED,
} from "../../../src/server/core/middleware.ts";

describe("compose", () => {
  it("skips a middleware whose PASS_THROUGH check says so, with next()'s results", async () => {
    let active = false;
    const calls: string[] = [];
    const mw: Middleware<{ n: number }> = async (_ctx, next) => {
      calls.push("mw");
      await next();
    };
    const hinted = Object.assign(mw, { [PASS_THROUGH]: () => !active });
    const run = compose([hinted], (ctx: { n: number }) => {
      calls.push(`inner${ctx.n}`);
      if (ctx.n === 3) throw new Error("boom");
    });
    // Passed through: the inner runs at once and a sync finish reads as SETTLED.
    expect(run({ n: 1 })).toBe(SETTLED);
    expect(calls).toEqual(["inner1"]);
    // A throw becomes a rejection, as through the middleware.
    await expect(run({ n: 3 })).rejects.toThrow("boom");
    active = true;
    await run({ n: 2 });
    expect(calls).toEqual(["inner1", "inner3", "mw", "inner2"]);
  });

  it("returns the inner function itself when there is no middleware", () => {
    const inner = async () => {};
    expect(compose([], inner)).toBe(inner);
  });

  it("runs middleware outermost-first around the inner call", async () => {
    const log: string[] = [];
    const run = compose<{ n: number }>(
      [
        async (ctx, next) => {
          log.push(`a${ctx.n}`);
          await next();
          log.push("a'");
        },
        async (_ctx, next) => {
          log.push("b");
          await next();
          log.push("b'");
        },
      ],
      async () => {
        log.push("inner");
      },
    );
    await run({ n: 1 });
    expect(log).toEqual(["a1", "b", "inner", "b'", "a'"]);
  });

  it("propagates errors and refuses next() twice", async () => {
    const boom = compose([async () => Promise.reject(new Error("x"))], async () => {});
    await expect(boom({})).rejects.toThrow("x");
    const twice = compose(
      [
        async (_c, next) => {
          await next();
          await next();
        },
      ],
      async () => {},
    );
    await expect(twice({})).rejects.toMatchObject({ code: ErrorCode.internal_error });
    const sync = compose(
      [
        (() => {
          throw new Error("sync");
        }) as never,
      ],
      async () => {},
    );
    await expect(sync({})).rejects.toThrow("sync");
  });
});

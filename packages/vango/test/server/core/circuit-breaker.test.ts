import { describe, expect, it } from "vitest";
import {
  BreakerState,
  type BreakerTransition,
  CircuitBreaker,
} from "../../../src/server/core/circuit-breaker.ts";

/** A breaker on a hand-moved clock, recording its transitions. */
function setup(options = { timeoutMs: 1_000, failureThreshold: 3, resetMs: 5_000 }) {
  let now = 1_000;
  const changes: BreakerTransition[] = [];
  const breaker = new CircuitBreaker(
    options,
    (t) => changes.push(t),
    () => now,
  );
  return {
    breaker,
    changes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const fail = () => Promise.reject(Object.assign(new Error("down"), { code: "ECONNREFUSED" }));
const succeed = () => Promise.resolve(42);

describe("CircuitBreaker", () => {
  it("passes values through while closed; a success resets the failure count", async () => {
    const { breaker, changes } = setup();
    expect(await breaker.run(succeed)).toEqual({ ok: true, value: 42 });
    await breaker.run(fail);
    await breaker.run(fail);
    await breaker.run(succeed);
    await breaker.run(fail);
    await breaker.run(fail);
    expect(breaker.state).toBe(BreakerState.Closed);
    expect(changes).toEqual([]);
  });

  it("opens after failureThreshold consecutive failures and then never calls", async () => {
    const { breaker, changes, advance } = setup();
    const outcomes = [await breaker.run(fail), await breaker.run(fail), await breaker.run(fail)];
    expect(outcomes.map((o) => (o.ok ? "ok" : o.reason))).toEqual(["error", "error", "error"]);
    expect(breaker.state).toBe(BreakerState.Open);
    expect(changes).toEqual([
      { from: "closed", to: "open", cause: "error", error: expect.any(Error) },
    ]);
    let called = 0;
    advance(1_000);
    expect(
      await breaker.run(() => {
        called++;
        return succeed();
      }),
    ).toEqual({ ok: false, reason: "open" });
    expect(called).toBe(0);
    expect(breaker.retryInMs()).toBe(4_000);
  });

  it("after resetMs lets one probe through; its success closes the circuit", async () => {
    const { breaker, changes, advance } = setup();
    for (let i = 0; i < 3; i++) await breaker.run(fail);
    advance(5_000);
    let release: (v: number) => void = () => {};
    const probe = breaker.run(() => new Promise<number>((r) => (release = r)));
    expect(breaker.state).toBe(BreakerState.HalfOpen);
    // Only one probe at a time: the others are answered as if open.
    expect(await breaker.run(succeed)).toEqual({ ok: false, reason: "open" });
    advance(250);
    release(7);
    expect(await probe).toEqual({ ok: true, value: 7 });
    expect(breaker.state).toBe(BreakerState.Closed);
    expect(changes.map((c) => [c.from, c.to, c.cause, c.downMs])).toEqual([
      ["closed", "open", "error", undefined],
      ["open", "half_open", "probe", undefined],
      ["half_open", "closed", "recovered", 5_250],
    ]);
  });

  it("a failed probe opens the circuit for another resetMs", async () => {
    const { breaker, changes, advance } = setup();
    for (let i = 0; i < 3; i++) await breaker.run(fail);
    advance(5_000);
    expect(await breaker.run(fail)).toMatchObject({ ok: false, reason: "error" });
    expect(breaker.state).toBe(BreakerState.Open);
    expect(breaker.retryInMs()).toBe(5_000);
    advance(4_999);
    expect(await breaker.run(succeed)).toEqual({ ok: false, reason: "open" });
    advance(1);
    expect(await breaker.run(succeed)).toEqual({ ok: true, value: 42 });
    expect(changes.map((c) => c.to)).toEqual(["open", "half_open", "open", "half_open", "closed"]);
  });

  it("counts a call past its deadline as a failure (timeout)", async () => {
    const breaker = new CircuitBreaker({ timeoutMs: 20, failureThreshold: 1, resetMs: 1_000 });
    const t0 = performance.now();
    expect(await breaker.run(() => new Promise(() => {}))).toEqual({
      ok: false,
      reason: "timeout",
    });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(breaker.state).toBe(BreakerState.Open);
  });

  it("counts a call that throws synchronously as a failure", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const r = await breaker.run((): Promise<number> => {
      throw new TypeError("bad");
    });
    expect(r).toMatchObject({ ok: false, reason: "error", error: expect.any(TypeError) });
    expect(breaker.state).toBe(BreakerState.Open);
  });

  it("a late success of a call made before the circuit opened does not close it", async () => {
    const { breaker } = setup();
    let release: (v: number) => void = () => {};
    const slow = breaker.run(() => new Promise<number>((r) => (release = r)));
    for (let i = 0; i < 3; i++) await breaker.run(fail);
    expect(breaker.state).toBe(BreakerState.Open);
    release(1);
    expect(await slow).toEqual({ ok: true, value: 1 });
    expect(breaker.state).toBe(BreakerState.Open);
  });
});

import { describe, expect, it } from "vitest";
import {
  BudgetResult,
  wsEventBudget,
} from "../../../../src/server/security/rate-limit/ws-event-budget.ts";

function clocked(opts: { perSecond: number; burst?: number; closeAfter?: number }) {
  const clock = { t: 0 };
  return { clock, budget: wsEventBudget({ ...opts, now: () => clock.t }) };
}

describe("wsEventBudget", () => {
  it("allows a burst, then refills at perSecond", () => {
    const { clock, budget } = clocked({ perSecond: 10, burst: 3, closeAfter: 100 });
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([
      BudgetResult.Ok,
      BudgetResult.Ok,
      BudgetResult.Ok,
      BudgetResult.Limited,
    ]);
    clock.t = 99;
    expect(budget.take()).toBe(BudgetResult.Limited);
    // A refusal costs nothing: the 0.99 refilled by t=99 is kept.
    clock.t = 200;
    expect(budget.available).toBe(2);
    expect(budget.take()).toBe(BudgetResult.Ok);
    expect(budget.take()).toBe(BudgetResult.Ok);
    expect(budget.take()).toBe(BudgetResult.Limited);
    clock.t = 10_000;
    expect(budget.available).toBe(3);
  });

  it("debit charges work already done, into debt down to -burst", () => {
    const { clock, budget } = clocked({ perSecond: 10, burst: 5, closeAfter: 100 });
    budget.debit(3);
    expect(budget.available).toBe(2);
    // A huge charge stops at -burst: refilling to one token takes (burst + 1) / perSecond.
    budget.debit(1_000);
    expect(budget.available).toBe(-5);
    expect(budget.take()).toBe(BudgetResult.Limited);
    clock.t = 599;
    expect(budget.take()).toBe(BudgetResult.Limited);
    clock.t = 600;
    expect(budget.take()).toBe(BudgetResult.Ok);
  });

  it("sustains exactly perSecond over time", () => {
    const { clock, budget } = clocked({ perSecond: 20, burst: 1, closeAfter: 1e9 });
    let ok = 0;
    for (let ms = 0; ms < 10_000; ms += 5) {
      clock.t = ms;
      if (budget.take() === BudgetResult.Ok) ok++;
    }
    expect(ok).toBe(200);
  });

  it("turns persistent refusals into Close; a quiet second forgives", () => {
    const { clock, budget } = clocked({ perSecond: 5, burst: 2, closeAfter: 3 });
    budget.take();
    budget.take();
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([
      BudgetResult.Limited,
      BudgetResult.Limited,
      BudgetResult.Limited,
      BudgetResult.Close,
    ]);
    const { clock: c2, budget: b2 } = clocked({ perSecond: 5, burst: 1, closeAfter: 2 });
    b2.take();
    expect(b2.take()).toBe(BudgetResult.Limited);
    expect(b2.take()).toBe(BudgetResult.Limited);
    c2.t = 1000;
    b2.take();
    expect(b2.take()).toBe(BudgetResult.Limited);
    expect(b2.take()).toBe(BudgetResult.Limited);
    expect(b2.take()).toBe(BudgetResult.Close);
    expect(clock.t).toBe(0);
  });

  it("defaults burst to perSecond and validates options", () => {
    const { budget } = clocked({ perSecond: 4 });
    expect(budget.available).toBe(4);
    expect(() => wsEventBudget({ perSecond: 0 })).toThrow(RangeError);
    expect(() => wsEventBudget({ perSecond: 5, burst: 0 })).toThrow(RangeError);
    expect(wsEventBudget({ perSecond: 100 }).take()).toBe(BudgetResult.Ok);
  });
});

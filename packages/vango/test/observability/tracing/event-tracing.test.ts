import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type TracedEventContext,
  tracingEventMiddleware,
} from "../../../src/observability/tracing/event-tracing.ts";
import { EventType } from "../../../src/protocol/constants.ts";
import { compose } from "../../../src/server/core/middleware.ts";
import { alwaysOff, registerTestSdk, type TestSdk } from "./tracing-sdk.ts";

type Ctx = { -readonly [K in keyof TracedEventContext]: TracedEventContext[K] };

const CLICK = { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 } as const;

function ev(over: Partial<Ctx> = {}): Ctx {
  return {
    sessionId: "s-1",
    route: "/users/:id",
    eventName: "click",
    hid: 7,
    event: CLICK,
    patchCount: 0,
    ...over,
  };
}

/** Runs `mw` around an inner handler that reports `patches` patches. */
function run(mw: ReturnType<typeof tracingEventMiddleware<Ctx>>, ctx: Ctx, inner?: () => unknown) {
  return compose<Ctx>([mw], async (c) => {
    await inner?.();
    c.patchCount = 3;
  })(ctx);
}

describe("tracingEventMiddleware with an SDK", () => {
  let sdk: TestSdk;
  beforeEach(() => {
    sdk = registerTestSdk();
  });
  afterEach(() => sdk.stop());

  it("creates a SERVER span with the event attributes and the patch count", async () => {
    await run(tracingEventMiddleware<Ctx>(), ev({ userId: "u-1" }));
    const s = sdk.byName("vango.click");
    expect(s.kind).toBe(SpanKind.SERVER);
    expect(s.attributes).toEqual({
      "vango.session_id": "s-1",
      "vango.event_type": "click",
      "vango.event_target": 7,
      "vango.route": "/users/:id",
      "vango.patch_count": 3,
    });
    expect(s.status.code).toBe(SpanStatusCode.UNSET);
    expect(s.instrumentationScope.name).toBe("vango");
    expect(s.parentSpanContext).toBeUndefined();
  });

  it("names spans by event: dom names, hooks, custom events", async () => {
    const mw = tracingEventMiddleware<Ctx>();
    await run(mw, ev({ eventName: "input", event: { type: EventType.Input, value: "x" } }));
    await run(mw, ev({ eventName: "submit", event: { type: EventType.Submit, fields: [] } }));
    await run(
      mw,
      ev({
        eventName: "navigate",
        event: { type: EventType.Navigate, path: "/a", replace: false },
      }),
    );
    await run(
      mw,
      ev({ eventName: "resize", event: { type: EventType.Hook, name: "resize", payload: null } }),
    );
    await run(
      mw,
      ev({ eventName: "picked", event: { type: EventType.Custom, name: "picked", payload: 1 } }),
    );
    expect(sdk.spans().map((s) => [s.name, s.attributes["vango.event_type"]])).toEqual([
      ["vango.input", "input"],
      ["vango.submit", "submit"],
      ["vango.navigate", "navigate"],
      ["vango.hook.resize", "hook"],
      ["vango.picked", "picked"],
    ]);
  });

  it("records a thrown error with status ERROR and rethrows it", async () => {
    const boom = Object.assign(new Error("nope"), { code: "handler_error" });
    const p = run(tracingEventMiddleware<Ctx>(), ev(), () => {
      throw boom;
    });
    await expect(p).rejects.toBe(boom);
    const s = sdk.byName("vango.click");
    expect(s.status).toEqual({ code: SpanStatusCode.ERROR, message: "nope" });
    expect(s.attributes["error.type"]).toBe("handler_error");
    expect(s.attributes["vango.patch_count"]).toBeUndefined();
    expect(s.events.map((e) => [e.name, e.attributes?.["exception.message"]])).toEqual([
      ["exception", "nope"],
    ]);
  });

  it("sets enduser.id only with recordUserId, read after the inner chain ran", async () => {
    const ctx = ev();
    await run(tracingEventMiddleware<Ctx>({ recordUserId: true }), ctx, () => {
      ctx.userId = "u-42";
    });
    await run(tracingEventMiddleware<Ctx>({ recordUserId: true }), ev());
    const [withUser, without] = sdk.spans();
    expect(withUser!.attributes["enduser.id"]).toBe("u-42");
    expect(without!.attributes).not.toHaveProperty("enduser.id");
  });

  it("filter false and ignoreEvents skip the span but still run the handler", async () => {
    let calls = 0;
    const count = () => {
      calls++;
    };
    const filtered = tracingEventMiddleware<Ctx>({ filter: (c) => c.hid !== 9 });
    await run(filtered, ev({ hid: 9 }), count);
    await run(filtered, ev({ hid: 10 }), count);
    const ignoring = tracingEventMiddleware<Ctx>({ ignoreEvents: ["pointermove", "hook.tick"] });
    const move = {
      type: EventType.Pointer,
      kind: 3,
      x: 0,
      y: 0,
      button: 0,
      pointerType: 0,
    } as const;
    await run(ignoring, ev({ eventName: "pointermove", event: move }), count);
    await run(ignoring, ev({ event: { type: EventType.Hook, name: "tick", payload: 0 } }), count);
    await run(ignoring, ev({ event: { type: EventType.Hook, name: "tock", payload: 0 } }), count);
    const allHooks = tracingEventMiddleware<Ctx>({ ignoreEvents: ["hook"] });
    await run(allHooks, ev({ event: { type: EventType.Hook, name: "tock", payload: 0 } }), count);
    await run(allHooks, ev(), count);
    expect(calls).toBe(7);
    expect(sdk.spans().map((s) => [s.name, s.attributes["vango.event_target"]])).toEqual([
      ["vango.click", 10],
      ["vango.hook.tock", 7],
      ["vango.click", 7],
    ]);
  });

  it("adds extractor attributes", async () => {
    const mw = tracingEventMiddleware<Ctx>({ attributes: (c) => ({ "app.tenant": c.sessionId }) });
    await run(mw, ev());
    expect(sdk.byName("vango.click").attributes["app.tenant"]).toBe("s-1");
  });

  it("runs the handler inside the span context; each event is a new trace", async () => {
    const mw = tracingEventMiddleware<Ctx>();
    const tracer = trace.getTracer("app");
    let activeInHandler: string | undefined;
    const outer = tracer.startSpan("ambient");
    await context.with(trace.setSpan(context.active(), outer), () =>
      run(mw, ev(), async () => {
        await new Promise((r) => setTimeout(r, 1));
        activeInHandler = trace.getActiveSpan()?.spanContext().spanId;
        tracer.startSpan("db").end();
      }),
    );
    outer.end();
    const click = sdk.byName("vango.click");
    const db = sdk.byName("db");
    expect(activeInHandler).toBe(click.spanContext().spanId);
    expect(db.parentSpanContext?.spanId).toBe(click.spanContext().spanId);
    expect(db.spanContext().traceId).toBe(click.spanContext().traceId);
    expect(click.parentSpanContext).toBeUndefined();
    expect(click.spanContext().traceId).not.toBe(outer.spanContext().traceId);
  });
});

describe("tracingEventMiddleware when nothing records", () => {
  it("one composed chain passes through while no SDK is registered and traces once one is", async () => {
    const chain = compose<Ctx, void>([tracingEventMiddleware<Ctx>()], (c) => {
      c.patchCount = 1;
    });
    await chain(ev());
    const sdk = registerTestSdk();
    try {
      await chain(ev());
      expect(sdk.spans().map((s) => s.name)).toEqual(["vango.click"]);
    } finally {
      await sdk.stop();
    }
    await chain(ev());
    expect(sdk.spans()).toHaveLength(0);
  });

  it("with no SDK registered: no span, no callbacks, handler runs", async () => {
    let inner = 0;
    let callbacks = 0;
    const mw = tracingEventMiddleware<Ctx>({
      filter: () => {
        callbacks++;
        return true;
      },
      attributes: () => {
        callbacks++;
        return {};
      },
    });
    const ctx = ev();
    await run(mw, ctx, () => {
      inner++;
      expect(trace.getActiveSpan()).toBeUndefined();
    });
    expect([inner, callbacks, ctx.patchCount]).toEqual([1, 0, 3]);
    const boom = new Error("x");
    await expect(run(mw, ev(), () => Promise.reject(boom))).rejects.toBe(boom);
    // An SDK registered later is picked up by the same middleware instance.
    const sdk = registerTestSdk();
    try {
      await run(mw, ev());
      expect(sdk.spans().map((s) => s.name)).toEqual(["vango.click"]);
    } finally {
      await sdk.stop();
    }
    await run(mw, ev());
    expect(sdk.spans()).toHaveLength(0);
  });

  it("with a sampler that drops everything: no attribute work, no export", async () => {
    const sdk = registerTestSdk({ sampler: alwaysOff() });
    try {
      let extracted = 0;
      const mw = tracingEventMiddleware<Ctx>({
        attributes: () => {
          extracted++;
          return {};
        },
      });
      await run(mw, ev());
      expect(extracted).toBe(0);
      expect(sdk.spans()).toHaveLength(0);
    } finally {
      await sdk.stop();
    }
  });
});

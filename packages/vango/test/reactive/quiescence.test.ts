/**
 * `atRest`: reactive work under an owner that depends only on given sources and holds
 * nothing outside (what lets a session park an idle view).
 */
import { describe, expect, it } from "vitest";
import {
  computed,
  createRoot,
  createTracker,
  effect,
  getOwner,
  type Owner,
  onCleanup,
  signal,
} from "../../src/reactive/index.ts";
import { onRelease } from "../../src/reactive/owner.ts";
import { atRest, sourceNodes } from "../../src/reactive/quiescence.ts";

/** Runs `fn` in a new root; returns the root's owner and its disposer. */
function inRoot(fn: () => void): { owner: Owner; dispose: () => void } {
  return createRoot((dispose) => {
    fn();
    return { owner: getOwner()!, dispose };
  });
}

describe("atRest", () => {
  it("holds for trackers reading only the sources, directly or through computeds", () => {
    const a = signal(1);
    const b = signal(2);
    const sum = computed(() => a() + b());
    const { owner, dispose } = inRoot(() => {
      createTracker(() => {}).track(() => sum());
      createTracker(() => {}).track(() => a());
    });
    expect(atRest(owner, sourceNodes([a, b]))).toBe(true);
    // b reached through the computed is not a source: not at rest.
    expect(atRest(owner, sourceNodes([a]))).toBe(false);
    dispose();
  });

  it("fails for a tracker reading a signal from outside", () => {
    const own = signal(0);
    const outside = signal("x");
    const { owner, dispose } = inRoot(() => {
      createTracker(() => {}).track(() => `${own()} ${outside()}`);
    });
    expect(atRest(owner, sourceNodes([own]))).toBe(false);
    expect(atRest(owner, sourceNodes([own, outside]))).toBe(true);
    dispose();
  });

  it("fails while a tracker waits to be tracked again (a render is due)", () => {
    const s = signal(0);
    let t!: ReturnType<typeof createTracker>;
    const { owner, dispose } = inRoot(() => {
      t = createTracker(() => {});
      t.track(() => s());
    });
    const sources = sourceNodes([s]);
    expect(atRest(owner, sources)).toBe(true);
    s.set(1); // invalidated: its next track() is due
    expect(atRest(owner, sources)).toBe(false);
    t.track(() => s());
    expect(atRest(owner, sources)).toBe(true);
    dispose();
  });

  it("an onCleanup is outside work (a timer, a subscription); an onRelease is not", () => {
    const a = inRoot(() => onCleanup(() => {}));
    expect(atRest(a.owner, new Set())).toBe(false);
    a.dispose();
    const b = inRoot(() => onRelease(() => {}));
    expect(atRest(b.owner, new Set())).toBe(true);
    b.dispose();
  });

  it("an effect is at rest when it follows the sources and holds no cleanup", () => {
    const s = signal(0);
    const outside = signal(0);
    const plain = inRoot(() => effect(() => void s()));
    expect(atRest(plain.owner, sourceNodes([s]))).toBe(true);
    plain.dispose();
    const reading = inRoot(() => effect(() => void outside()));
    expect(atRest(reading.owner, sourceNodes([s]))).toBe(false);
    reading.dispose();
    const holding = inRoot(() =>
      effect(() => {
        s();
        const t = setInterval(() => {}, 1000);
        return () => clearInterval(t);
      }),
    );
    expect(atRest(holding.owner, sourceNodes([s]))).toBe(false);
    holding.dispose();
    const nested = inRoot(() =>
      effect(() => {
        s();
        onCleanup(() => {});
      }),
    );
    expect(atRest(nested.owner, sourceNodes([s]))).toBe(false);
    nested.dispose();
  });

  it("looks into nested roots, and a disposed node counts for nothing", () => {
    const s = signal(0);
    const outside = signal(0);
    let inner!: () => void;
    const { owner, dispose } = inRoot(() => {
      createTracker(() => {}).track(() => s());
      createRoot((d) => {
        inner = d;
        createTracker(() => {}).track(() => outside());
      });
    });
    const sources = sourceNodes([s]);
    expect(atRest(owner, sources)).toBe(false);
    inner();
    expect(atRest(owner, sources)).toBe(true);
    dispose();
  });

  it("sourceNodes reads without subscribing anything", () => {
    const s = signal(0);
    let runs = 0;
    const stop = effect(() => {
      runs++;
      sourceNodes([s]);
    });
    s.set(1);
    expect(runs).toBe(1);
    stop();
  });
});

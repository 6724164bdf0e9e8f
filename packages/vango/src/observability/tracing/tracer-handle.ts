/**
 * Finds out, per call and without allocating, whether an SDK tracer provider is
 * registered. Until one is, middleware skips span creation entirely, so tracing costs
 * a few property reads per event when nobody listens.
 */
import { ProxyTracerProvider, type Tracer, type TracerProvider, trace } from "@opentelemetry/api";

/** The API's no-op provider: what the global proxy delegates to before an SDK registers. */
const NOOP_PROVIDER: TracerProvider = new ProxyTracerProvider().getDelegate();

/**
 * Where every copy of the API (major version 1) registers globals; until something is
 * registered there, no SDK is. Checking it first costs one property read per event,
 * where asking the API for its provider costs ~30 ns.
 */
const API_GLOBAL = Symbol.for("opentelemetry.js.api.1");

interface Delegating {
  getDelegate(): TracerProvider;
}

function delegateOf(p: TracerProvider): TracerProvider {
  // The registered global may come from another copy of the API (CJS/ESM): duck-type it.
  const d = p as Partial<Delegating>;
  return typeof d.getDelegate === "function" ? d.getDelegate() : p;
}

/**
 * A lazily resolved tracer that follows the global provider (an SDK registered after
 * the middleware was built, or replaced in tests, is picked up on the next call).
 * @example
 * const h = new TracerHandle("vango");
 * const tracer = h.get(); // undefined while no SDK is registered
 */
export class TracerHandle {
  readonly #name: string;
  #provider: TracerProvider | undefined = undefined;
  #tracer: Tracer | undefined = undefined;

  constructor(name: string) {
    this.#name = name;
  }

  /** The tracer of the registered SDK, or `undefined` when none is registered. */
  get(): Tracer | undefined {
    if ((globalThis as Record<symbol, unknown>)[API_GLOBAL] === undefined) return undefined;
    const p = delegateOf(trace.getTracerProvider());
    if (p === NOOP_PROVIDER) return undefined;
    if (p !== this.#provider) {
      this.#provider = p;
      this.#tracer = p.getTracer(this.#name);
    }
    return this.#tracer;
  }
}

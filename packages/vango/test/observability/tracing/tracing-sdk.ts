/**
 * Test helper: registers a real SDK (NodeTracerProvider: AsyncLocalStorage context
 * manager, W3C propagator) exporting into memory, and unregisters it afterwards.
 */
import { context, propagation, trace } from "@opentelemetry/api";
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

export interface TestSdk {
  readonly exporter: InMemorySpanExporter;
  readonly provider: NodeTracerProvider;
  spans(): ReadableSpan[];
  byName(name: string): ReadableSpan;
  stop(): Promise<void>;
}

export function registerTestSdk(opts: { sampler?: Sampler } = {}): TestSdk {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(opts.sampler === undefined ? {} : { sampler: opts.sampler }),
  });
  provider.register();
  return {
    exporter,
    provider,
    spans: () => exporter.getFinishedSpans(),
    byName(name) {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span ${name}, got ${found.length}`);
      return found[0]!;
    },
    async stop() {
      await provider.shutdown();
      unregisterSdk();
    },
  };
}

export function unregisterSdk(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}

export const alwaysOff = (): Sampler => new AlwaysOffSampler();

/**
 * OpenTelemetry SDK for the demo: a NodeTracerProvider (AsyncLocalStorage context,
 * W3C propagation) exporting OTLP/HTTP (JSON) in batches, plus the http, pg and ioredis
 * instrumentations. Vango itself only uses `@opentelemetry/api`; this file is the part
 * an app owns. `instrument.ts` calls it before the app is imported.
 */
import type { IncomingMessage } from "node:http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { type Instrumentation, registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

export interface TracingOptions {
  /** OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<endpoint>/v1/traces`. */
  readonly endpoint: string;
  /** `service.name` of the resource (default `OTEL_SERVICE_NAME`, else `vango-demo`). */
  readonly serviceName?: string;
  /** Instrumentations to enable (default: http, pg, ioredis). */
  readonly instrumentations?: Instrumentation[];
}

export interface Tracing {
  readonly provider: NodeTracerProvider;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Flushes, disables the instrumentations and shuts the provider down; idempotent. */
  shutdown(): Promise<void>;
}

/** The default instrumentations; probes and metrics scrapes are not traced. */
export function defaultInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: isProbe }),
    new PgInstrumentation(),
    new IORedisInstrumentation(),
  ];
}

function isProbe(req: IncomingMessage): boolean {
  const url = req.url ?? "";
  return url.startsWith("/health/") || url === "/metrics";
}

/**
 * Registers the SDK globally. Call it before `http`, `pg` and `ioredis` are loaded
 * (`node --import ./src/instrument.ts`), or their spans silently go missing.
 * @example
 * const tracing = setupTracing({ endpoint: "http://127.0.0.1:4318" });
 * process.once("SIGTERM", () => void tracing.shutdown());
 */
export function setupTracing(opts: TracingOptions): Tracing {
  const url = `${opts.endpoint.replace(/\/+$/, "")}/v1/traces`;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      "service.name": opts.serviceName ?? process.env.OTEL_SERVICE_NAME ?? "vango-demo",
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: opts.instrumentations ?? defaultInstrumentations(),
  });
  let down: Promise<void> | undefined;
  return {
    provider,
    flush: () => provider.forceFlush(),
    shutdown() {
      down ??= (async () => {
        unregister();
        await provider.shutdown();
      })();
      return down;
    },
  };
}

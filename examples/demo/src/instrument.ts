/**
 * Loaded with `node --import ./src/instrument.ts` before the app, so http, pg and
 * ioredis are patched when first loaded. Tracing is on only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set; otherwise this module imports nothing (the SDK
 * is loaded dynamically), registers nothing, and Vango's tracing middleware costs nothing.
 */
import { register } from "node:module";
import type { Tracing } from "./otel-setup.ts";

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const enabled = endpoint !== undefined && endpoint !== "";

if (enabled) {
  // ESM `import pg from "pg"` is patched through import-in-the-middle's loader hook
  // (require-in-the-middle only sees CommonJS `require`); limit it to the drivers.
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url, {
    data: { include: ["http", "https", "pg", "pg-pool", "ioredis"] },
  });
}

/** The registered SDK (await `tracing?.shutdown()` on graceful shutdown to flush). */
export const tracing: Tracing | undefined = enabled
  ? (await import("./otel-setup.ts")).setupTracing({ endpoint })
  : undefined;

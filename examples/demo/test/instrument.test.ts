/**
 * `--import ./src/instrument.ts` without `OTEL_EXPORTER_OTLP_ENDPOINT`: no SDK loaded or
 * registered, so spans are non-recording no-ops and Vango's tracing middleware is free.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DEMO = fileURLToPath(new URL("../", import.meta.url));

describe("instrument.ts without OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("registers nothing and never loads the SDK", () => {
    // Resolve hook in the child: records every module specifier the process imports.
    const probe = `
      import { register } from "node:module";
      const seen = [];
      const { port1, port2 } = new MessageChannel();
      port1.on("message", (m) => seen.push(m));
      port1.unref();
      register("data:text/javascript," + encodeURIComponent(
        "let p; export function initialize(d) { p = d.port; }" +
        "export async function resolve(s, c, n) { p.postMessage(s); return n(s, c); }"
      ), import.meta.url, { data: { port: port2 }, transferList: [port2] });
      const { tracing } = await import("./src/instrument.ts");
      const { trace } = await import("@opentelemetry/api");
      await new Promise((r) => setTimeout(r, 50));
      const span = trace.getTracer("probe").startSpan("x");
      console.log(JSON.stringify({
        tracing: tracing === undefined ? "none" : "set",
        recording: span.isRecording(),
        sdk: seen.filter((s) => /sdk-trace|exporter|instrumentation|otel-setup/.test(s)),
      }));
    `;
    const env = { ...process.env };
    delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const r = spawnSync(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", probe],
      { cwd: DEMO, env, encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
    expect(out).toEqual({ tracing: "none", recording: false, sdk: [] });
  });
});

/**
 * The demo as a real process (`npm start`'s command line) on spare loopback ports, and a
 * protocol client that attaches one live session to it — for the tests that need the
 * process itself: signals, exit codes, stdout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { decodeServerFrame, encodeClientFrame, FrameType, PROTOCOL_VERSION } from "vango/protocol";
import { sparePort } from "vango/testing";
import WebSocket from "ws";

const DEMO = fileURLToPath(new URL("../", import.meta.url));

export interface DemoProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly base: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** SIGKILL if still running (test cleanup). */
  kill(): void;
}

/**
 * Starts `src/main.tsx` as `npm start` does and waits for its "Vango demo on" line.
 * `port` restarts an instance where a proxy expects it (default: a spare port).
 * @example const demo = await startDemo({ REDIS_URL: "redis://127.0.0.1:6390" });
 */
export async function startDemo(
  env: Record<string, string> = {},
  port?: number,
): Promise<DemoProcess> {
  port ??= await sparePort();
  const metricsPort = await sparePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  childEnv.PORT = String(port);
  childEnv.METRICS_PORT = String(metricsPort);
  for (const k of ["OTEL_EXPORTER_OTLP_ENDPOINT", "DATABASE_URL", "REDIS_URL"]) {
    if (!(k in env)) delete childEnv[k];
  }
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "--import", "./src/instrument.ts", "src/main.tsx"],
    { cwd: DEMO, env: childEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  const deadline = Date.now() + 20_000;
  while (!out.includes("Vango demo on")) {
    if (child.exitCode !== null) throw new Error(`demo exited: ${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`demo did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    output: () => out,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/**
 * GETs `/` (session cookie and boot data, as the browser does), opens the WebSocket and
 * handshakes: the returned socket carries a live, attached session.
 */
export async function attachSession(port: number): Promise<WebSocket> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  const html = await res.text();
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  const m = /id="vango-boot">(.*?)<\/script>/.exec(html);
  if (res.status !== 200 || m === null || cookie === "") throw new Error(`page: ${res.status}`);
  const boot = JSON.parse(m[1]!) as { token: string; csrf: string };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/_vango/ws`, {
    headers: { cookie, origin: `http://127.0.0.1:${port}` },
  });
  ws.on("error", () => {});
  await once(ws, "open");
  const reply = new Promise<void>((resolve, reject) => {
    ws.once("message", (data: Buffer) => {
      const f = decodeServerFrame(new Uint8Array(data));
      if (f.type === FrameType.HandshakeReply && f.status === "ok") resolve();
      else reject(new Error(`handshake refused: ${JSON.stringify(f)}`));
    });
  });
  ws.send(
    encodeClientFrame({
      type: FrameType.Handshake,
      version: PROTOCOL_VERSION,
      csrf: boot.csrf,
      resumeToken: boot.token,
      lastSeq: 0,
      viewport: { w: 800, h: 600 },
      tzOffset: 0,
      features: 3,
    }),
  );
  await reply;
  return ws;
}

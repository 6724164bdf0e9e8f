/**
 * Uploads with two demo instances behind a round-robin proxy without stickiness (the
 * same `REDIS_URL` and `VANGO_SECRET`, as `rolling-restart.e2e.test.ts` runs them): the
 * page, its scripts and its socket land on whichever instance the proxy picks, and a
 * 1 MiB upload still arrives whole, with its exact byte count — its chunks travel on the
 * page's socket, which always reaches the instance holding the session. No HTTP request
 * carries upload bytes. And when both instances restart in turn during an upload, the
 * page resumes on the other one and the file still arrives whole (started again there:
 * upload entries are not persisted).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sparePort } from "vango/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";
import { type DemoProcess, startDemo } from "./demo-process.ts";
import { type RoundRobinProxy, roundRobinProxy } from "./round-robin-proxy.ts";
import { watchUploads } from "./upload-watch.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "uploads-instances-test-secret-0123456789";

let browser: TestBrowser;
let dir = "";
const running: DemoProcess[] = [];
let proxy: RoundRobinProxy | undefined;
beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), "vango-upload-instances-"));
});
afterEach(async () => {
  for (const d of running.splice(0)) d.kill();
  await proxy?.close();
  proxy = undefined;
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

function fileOf(name: string, bytes: number): string {
  const p = join(dir, name);
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4096) data[i] = (i >> 12) & 0xff;
  writeFileSync(p, data);
  return p;
}

describe("uploads across instances", () => {
  it("uploads 1 MiB through a round-robin proxy to two instances", async () => {
    const env = { REDIS_URL, VANGO_SECRET: SECRET, VANGO_STATE_DIR: join(dir, "state") };
    const ports = [await sparePort(), await sparePort()];
    for (const port of ports) running.push(await startDemo(env, port));
    proxy = await roundRobinProxy(ports);

    const { page, problems } = await browser.page();
    const sent = watchUploads(page);
    for (const round of [1, 2]) {
      // Each page load lands its GET and its socket anew; twice covers both placements.
      await page.goto(`http://127.0.0.1:${proxy.port}/upload`);
      await waitForStatus(page, "connected");
      const name = `one-mib-${round}.bin`;
      await page.getByTestId("upload-input").setInputFiles(fileOf(name, 1024 * 1024));
      await page.getByTestId("upload-done").waitFor({ timeout: 20_000 });
      expect(await page.getByTestId("upload-done").textContent()).toBe(`${name}: 1048576 bytes`);
      expect((await page.getByTestId("upload-progress").textContent())?.trim()).toBe("100 %");
      expect(await page.getByTestId("upload-error").count()).toBe(0);
    }
    expect(sent.chunks).toHaveLength(2 * 16);
    expect(sent.http).toEqual([]);
    expect(proxy.counts.every((n) => n > 0)).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it("an upload goes on when the instance holding its socket restarts", async () => {
    const env = { REDIS_URL, VANGO_SECRET: SECRET, VANGO_STATE_DIR: join(dir, "restart") };
    const ports = [await sparePort(), await sparePort()];
    const demos = [await startDemo(env, ports[0]), await startDemo(env, ports[1])];
    running.push(...demos);
    proxy = await roundRobinProxy(ports);

    const { page, problems } = await browser.page();
    let sockets = 0;
    page.on("websocket", () => sockets++);
    await page.goto(`http://127.0.0.1:${proxy.port}/upload`);
    await waitForStatus(page, "connected");
    // A slow uplink, so the restarts come while the file is on its way.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 10,
      downloadThroughput: 8 * 1024 * 1024,
      uploadThroughput: 256 * 1024,
    });
    await page.getByTestId("upload-input").setInputFiles(fileOf("moving.bin", 4 * 1024 * 1024));
    await page.getByTestId("upload-progress").waitFor();
    const stopped: DemoProcess[] = [];
    for (const i of [0, 1]) {
      const d = demos[i]!;
      stopped.push(d);
      d.child.kill("SIGTERM");
      await d.exited;
      running.splice(running.indexOf(d), 1);
      demos[i] = await startDemo(env, d.port);
      running.push(demos[i]!);
    }
    await page
      .getByTestId("upload-done")
      .waitFor({ timeout: 60_000 })
      .catch(async (err: Error) => {
        // What the page shows and what every instance printed, to tell where it stopped.
        const shown = await page
          .locator("main")
          .innerText({ timeout: 1000 })
          .catch(() => "");
        const printed = [...stopped, ...demos].map((d) => `[${d.port}] ${d.output()}`);
        throw new Error([err.message, shown, ...problems, ...printed].join("\n"));
      });
    expect(await page.getByTestId("upload-done").textContent()).toBe("moving.bin: 4194304 bytes");
    expect((await page.getByTestId("upload-progress").textContent())?.trim()).toBe("100 %");
    // The page's socket went down with the restarted instance and came back elsewhere.
    expect(sockets).toBeGreaterThanOrEqual(2);
    await page.close();
    expect(problems.filter((p) => !/WebSocket connection to .* failed/.test(p))).toEqual([]);
  }, 120_000);
});

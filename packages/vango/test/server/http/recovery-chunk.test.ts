/**
 * The form recovery chunk: every page loads it after the core client (deferred scripts
 * run in order), it is served minified and cacheable, and `formRecovery: false` (or a
 * custom client) leaves it out; the bundled client built ahead of time (`vango start`'s)
 * keeps it, and the hook chunks, and serves them as `vango build` wrote them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, type Listening } from "../../../src/server/app.ts";
import type { AppOptions } from "../../../src/server/config/options.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import {
  defaultClientBuilder,
  prebuiltClientBuilder,
} from "../../../src/server/http/client-asset.ts";
import { h } from "../../../src/vdom/create-element.ts";

let listening: Listening | undefined;
afterEach(() => listening?.close());

async function closeApp(): Promise<void> {
  await listening?.close();
  listening = undefined;
}

async function scriptsOf(
  options: Partial<AppOptions>,
): Promise<{ base: string; srcs: string[]; runtime: unknown }> {
  listening = await createApp({
    routes: { "/": () => h("form", { method: "post" }, h("input", { name: "title" })) },
    logger: silentLogger,
    ...options,
  }).listen(0);
  const base = `http://127.0.0.1:${listening.port}`;
  const html = await (await fetch(`${base}/`)).text();
  const boot = JSON.parse(/<script[^>]*id="vango-boot"[^>]*>([^<]*)<\/script>/.exec(html)![1]!);
  return {
    base,
    srcs: [...html.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1]!),
    runtime: boot.h,
  };
}

describe("form recovery chunk", () => {
  it("is a second deferred script, served minified and immutable", async () => {
    const { base, srcs } = await scriptsOf({ minifyClient: true });
    expect(srcs).toHaveLength(2);
    expect(srcs[0]).toMatch(/^\/_vango\/client\.[0-9a-f]{16}\.js$/);
    expect(srcs[1]).toMatch(/^\/_vango\/client-recovery\.[0-9a-f]{16}\.js$/);
    const res = await fetch(base + srcs[1]);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const code = await res.text();
    expect(code.startsWith('"use strict";(()=>{')).toBe(true);
    expect(code).toContain("vango:form");
    expect(code).toContain("vango:resync");
    expect((await fetch(`${base}/_vango/client-recovery.0000000000000000.js`)).status).toBe(404);
  });

  it("is left out with formRecovery: false", async () => {
    const { base, srcs } = await scriptsOf({ formRecovery: false });
    expect(srcs).toHaveLength(1);
    expect(srcs[0]).toMatch(/^\/_vango\/client\./);
    expect((await fetch(`${base}/_vango/client-recovery.0000000000000000.js`)).status).toBe(404);
  });

  it("is kept, with the hook chunks, for the bundled client built ahead of time", async () => {
    const bundle = await defaultClientBuilder(true)();
    const { base, srcs, runtime } = await scriptsOf({
      clientBuilder: prebuiltClientBuilder({ code: bundle.code, hash: bundle.hash }),
    });
    expect(srcs[0]).toBe(`/_vango/client.${bundle.hash}.js`);
    expect(srcs[1]).toMatch(/^\/_vango\/client-recovery\.[0-9a-f]{16}\.js$/);
    expect((await fetch(base + srcs[1])).status).toBe(200);
    expect(runtime).toMatch(/^\/_vango\/chunk\/[0-9a-f]{16}\.js$/);
    expect((await fetch(base + String(runtime))).status).toBe(200);
  });

  it("built by `vango build`, is served as given, with the hook chunks built for the app's clientDir", async () => {
    const recovery = { code: "recovered();", hash: "1111111111111111" };
    const runtime = { code: "runtime();", hash: "2222222222222222" };
    const hook = { code: "tooltip();", hash: "3333333333333333" };
    const empty = mkdtempSync(join(tmpdir(), "vango-hooks-"));
    const builder = (clientDir: string | undefined) =>
      prebuiltClientBuilder(
        { code: "client();", hash: "0123456789abcdef" },
        { recovery, chunks: { clientDir, set: { runtime, hooks: new Map([["Tooltip", hook]]) } } },
      );
    // Nothing built: the page names the given files and they are served as they are.
    const given = await scriptsOf({ clientBuilder: builder(empty), clientDir: `${empty}/` });
    expect(given.srcs[1]).toBe(`/_vango/client-recovery.${recovery.hash}.js`);
    expect(given.runtime).toBe(`/_vango/chunk/${runtime.hash}.js`);
    for (const [path, code] of [
      [given.srcs[1], recovery.code],
      [given.runtime, runtime.code],
      [`/_vango/chunk/${hook.hash}.js`, hook.code],
    ] as const) {
      expect(await (await fetch(given.base + String(path))).text()).toBe(code);
    }
    await closeApp();
    // Built for another hook folder, or minified where the app is not: built as without them.
    const other = await scriptsOf({ clientBuilder: builder(undefined), clientDir: empty });
    expect(other.srcs[1]).toBe(`/_vango/client-recovery.${recovery.hash}.js`);
    expect(other.runtime).toMatch(/^\/_vango\/chunk\/[0-9a-f]{16}\.js$/);
    expect(other.runtime).not.toBe(given.runtime);
    await closeApp();
    const readable = await scriptsOf({
      clientBuilder: builder(empty),
      clientDir: empty,
      minifyClient: false,
    });
    expect(readable.srcs[1]).not.toBe(given.srcs[1]);
    expect(readable.runtime).not.toBe(given.runtime);
    rmSync(empty, { recursive: true, force: true });
  });

  it("is left out, with the hook chunks, for an app's own client builder", async () => {
    const { srcs, runtime } = await scriptsOf({
      clientBuilder: async () => ({ code: "own()", hash: "0123456789abcdef" }),
    });
    expect(srcs).toEqual(["/_vango/client.0123456789abcdef.js"]);
    expect(runtime).toBeUndefined();
  });
});

/**
 * The form recovery chunk: every page loads it after the core client (deferred scripts
 * run in order), it is served minified and cacheable, and `formRecovery: false` (or a
 * custom client) leaves it out; the bundled client built ahead of time (`vango start`'s)
 * keeps it, and the hook chunks.
 */
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

  it("is left out, with the hook chunks, for an app's own client builder", async () => {
    const { srcs, runtime } = await scriptsOf({
      clientBuilder: async () => ({ code: "own()", hash: "0123456789abcdef" }),
    });
    expect(srcs).toEqual(["/_vango/client.0123456789abcdef.js"]);
    expect(runtime).toBeUndefined();
  });
});

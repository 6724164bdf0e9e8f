/**
 * The form recovery chunk: every page loads it after the core client (deferred scripts
 * run in order), it is served minified and cacheable, and `formRecovery: false` (or a
 * custom client) leaves it out.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createApp, type Listening } from "../../../src/server/app.ts";
import type { AppOptions } from "../../../src/server/config/options.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import { h } from "../../../src/vdom/create-element.ts";

let listening: Listening | undefined;
afterEach(() => listening?.close());

async function scriptsOf(options: Partial<AppOptions>): Promise<{ base: string; srcs: string[] }> {
  listening = await createApp({
    routes: { "/": () => h("form", { method: "post" }, h("input", { name: "title" })) },
    logger: silentLogger,
    ...options,
  }).listen(0);
  const base = `http://127.0.0.1:${listening.port}`;
  const html = await (await fetch(`${base}/`)).text();
  return { base, srcs: [...html.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1]!) };
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
});

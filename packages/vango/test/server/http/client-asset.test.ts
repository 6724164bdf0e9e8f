import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { ClientAsset } from "../../../src/server/http/client-asset.ts";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(asset: ClientAsset): Promise<string> {
  server = createServer((req, res) => {
    const path = req.url!;
    if (asset.matches(path)) void asset.serve(req, res, path);
    else res.end("other");
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const a = server.address();
  return `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
}

describe("ClientAsset", () => {
  it("builds once and caches the promise", async () => {
    let builds = 0;
    const asset = new ClientAsset(async () => {
      builds++;
      return { code: "x()", hash: "h1" };
    });
    const [a, b] = await Promise.all([asset.path(), asset.path()]);
    expect(a).toBe("/_vango/client.h1.js");
    expect(b).toBe(a);
    expect(builds).toBe(1);
  });

  it("retries a failed build on the next request", async () => {
    let n = 0;
    const asset = new ClientAsset(async () => {
      if (n++ === 0) throw new Error("esbuild failed");
      return { code: "x()", hash: "h2" };
    });
    await expect(asset.path()).rejects.toThrow("esbuild failed");
    expect(await asset.path()).toBe("/_vango/client.h2.js");
  });

  it("answers HEAD without a body and accepts weak and listed ETags", async () => {
    const base = await serve(new ClientAsset(async () => ({ code: "abc", hash: "h3" })));
    const head = await fetch(base + "/_vango/client.h3.js", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("3");
    expect(await head.text()).toBe("");
    for (const inm of ['W/"h3"', '"zz", "h3"', "*"]) {
      const r = await fetch(base + "/_vango/client.h3.js", { headers: { "if-none-match": inm } });
      expect(r.status).toBe(304);
    }
    const miss = await fetch(base + "/_vango/client.h3.js", {
      headers: { "if-none-match": '"zz"' },
    });
    expect(miss.status).toBe(200);
  });
});

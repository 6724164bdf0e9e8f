import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileRoutes, scanRoutes } from "../../src/routing/file-routes.ts";
import { Router } from "../../src/routing/router.ts";
import { ConfigError } from "../../src/server/core/errors.ts";

let dir = "";
const files: Record<string, string> = {
  "index.js": "export default function Home() { return null; }",
  "about.js": 'export default function About() { return null; }\nexport const title = "About";',
  "items/[id].js":
    "export default function Item() { return null; }\nexport const params = { id: Number };",
  "items/index.js": "export default function Items() { return null; }",
  "docs/[...slug].js": "export default function Doc() { return null; }",
  "_layout.js": "export default function Shell(p) { return p.children; }",
  "admin/_middleware.js": "export const http = async (ctx, next) => next();",
  "_404.js": "export default function NotFound() { return null; }",
  "_error.js": "export default function Oops() { return null; }",
  "admin/_error.js": "export default function AdminOops() { return null; }",
  "admin/index.js": "export default function Admin() { return null; }",
  "_helpers.js": "export const notARoute = 1;",
  "items/item.test.js": "throw new Error('tests are not routes');",
  "README.md": "not code",
  ".hidden/x.js": "throw new Error('hidden');",
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vango-routes-"));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("file routes", () => {
  it("maps files to keys, skipping helpers, tests and hidden files", async () => {
    expect((await scanRoutes(dir)).map((f) => f.key)).toEqual([
      "/",
      "/_404",
      "/_error",
      "/_layout",
      "/about",
      "/admin",
      "/admin/_error",
      "/admin/_middleware",
      "/docs/*slug",
      "/items",
      "/items/:id",
    ]);
  });

  it("imports each module into a table createApp takes", async () => {
    const table = await fileRoutes(dir);
    const r = new Router(table);
    const m = r.match("/items/7");
    expect(typeof m === "object" && m.params).toEqual({ id: 7 });
    expect(typeof m === "object" && m.page.layouts.map((l) => l.name)).toEqual(["Shell"]);
    const about = r.match("/about");
    expect(typeof about === "object" && about.page.title).toBe("About");
    expect(r.tree.notFoundFor(["x"])?.page.name).toBe("NotFound");
    // The nearest `_error` file answers for a page's failures.
    expect(typeof m === "object" && m.page.errorPage?.name).toBe("Oops");
    const admin = r.match("/admin");
    expect(typeof admin === "object" && admin.page.errorPage?.name).toBe("AdminOops");
  });

  it("a missing folder is a coded configuration error", async () => {
    await expect(scanRoutes(join(dir, "nope"))).rejects.toBeInstanceOf(ConfigError);
  });
});

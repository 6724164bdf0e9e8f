/**
 * The VangoUI registry: the manifest matches the sources (every relative import is a
 * declared dependency), dependencies resolve in order, copies carry a header whose
 * checksum tells untouched files from changed ones.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  checksum,
  loadRegistry,
  parseStamped,
  REGISTRY_DIR,
  resolveItems,
  stamp,
} from "../../src/ui-registry/registry.ts";
import { UiRegistryErrorCode } from "../../src/ui-registry/registry-error.ts";

const registry = loadRegistry();

describe("manifest", () => {
  test("every file's relative imports come from its item's dependencies (or itself)", () => {
    const owner = new Map<string, string>();
    for (const item of registry.items.values()) for (const f of item.files) owner.set(f, item.name);
    for (const item of registry.items.values()) {
      const allowed = new Set(resolveItems(registry, [item.name]).flatMap((i) => i.files));
      for (const f of item.files) {
        const src = readFileSync(join(REGISTRY_DIR, f), "utf8");
        for (const m of src.matchAll(/from "\.\/([^"]+)"/g)) {
          expect(allowed.has(m[1]!), `${f} imports ${m[1]} (of ${owner.get(m[1]!)})`).toBe(true);
        }
        // Copies import only "vango" and each other: nothing the app lacks.
        for (const m of src.matchAll(/from "([^."][^"]*)"/g)) expect(m[1]).toBe("vango");
      }
    }
  });

  test("every registry source is in exactly one item", () => {
    const listed = [...registry.items.values()].flatMap((i) => i.files).sort();
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual([...registry.files.keys()].sort());
  });

  test("the version is the vango package's", () => {
    const pkg = JSON.parse(readFileSync(join(REGISTRY_DIR, "../../package.json"), "utf8"));
    expect(registry.version).toBe(pkg.version);
  });
});

describe("resolveItems", () => {
  test("dependencies first, each once", () => {
    expect(resolveItems(registry, ["data-table", "button", "switch"]).map((i) => i.name)).toEqual([
      "utils",
      "button",
      "label",
      "field",
      "input",
      "skeleton",
      "data-table",
      "checkbox",
      "switch",
    ]);
  });

  test("an unknown name is a coded error", () => {
    expect(() => resolveItems(registry, ["buton"])).toThrow(
      expect.objectContaining({ code: UiRegistryErrorCode.unknownComponent }),
    );
  });
});

describe("header", () => {
  test("stamps item, version and the body's checksum; parses back", () => {
    const body = "export const x = 1;\n";
    const text = stamp("button", "1.2.3", "button.tsx", body);
    expect(text.split("\n")[0]).toBe(`// vango-ui button 1.2.3 ${checksum(body)}`);
    expect(parseStamped(text)).toEqual({
      header: { item: "button", version: "1.2.3", checksum: checksum(body) },
      body,
    });
    const css = stamp("theme", "1.2.3", "vango-ui.css", ":root{}\n");
    expect(css.startsWith(`/* vango-ui theme 1.2.3 ${checksum(":root{}\n")} */\n/* `)).toBe(true);
    expect(parseStamped(css)?.body).toBe(":root{}\n");
  });

  test("a file without the header is not a copy", () => {
    expect(parseStamped("// some file\nexport {};\n")).toBeUndefined();
  });
});

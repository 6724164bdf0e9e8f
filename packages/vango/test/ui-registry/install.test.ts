/**
 * VangoUI in an app folder: init writes the config, the utilities and the theme; add
 * copies items with their dependencies; check tells current, outdated, modified,
 * unmanaged and missing files apart; upgrade rewrites only untouched copies. And the
 * demo's own copies are current (the registry and the demo never drift).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  addUi,
  checkUi,
  initUi,
  listUi,
  readConfig,
  upgradeUi,
} from "../../src/ui-registry/install.ts";
import { loadRegistry, type Registry } from "../../src/ui-registry/registry.ts";
import { UiRegistryErrorCode } from "../../src/ui-registry/registry-error.ts";

let app = "";
beforeEach(() => {
  app = mkdtempSync(join(tmpdir(), "vango-ui-"));
});
afterEach(() => {
  rmSync(app, { recursive: true, force: true });
});

const summary = (r: { path: string; status: string }[]) => r.map((x) => `${x.status} ${x.path}`);

/** The shipped registry with one file's content changed, as a newer release would have it. */
function newer(file: string, version = "9.9.9"): Registry {
  const r = loadRegistry();
  const files = new Map(r.files);
  files.set(file, `${files.get(file)}\n// changed upstream\n`);
  return { ...r, version, files };
}

describe("init and add", () => {
  test("init writes vango-ui.json, the utilities and the theme", () => {
    expect(summary(initUi(app))).toEqual([
      "added app/components/ui/cn.ts",
      "added app/components/ui/variants.ts",
      "added public/vango-ui.css",
    ]);
    expect(readConfig(app)).toEqual({ dir: "app/components/ui", css: "public/vango-ui.css" });
  });

  test("add resolves dependencies and leaves files already there alone", () => {
    initUi(app, { dir: "app/ui" });
    expect(summary(addUi(app, ["data-table"]))).toEqual([
      "current app/ui/cn.ts",
      "current app/ui/variants.ts",
      "added app/ui/button.tsx",
      "added app/ui/label.tsx",
      "added app/ui/field.tsx",
      "added app/ui/input.tsx",
      "added app/ui/skeleton.tsx",
      "added app/ui/data-table.tsx",
    ]);
    const copy = readFileSync(join(app, "app/ui/button.tsx"), "utf8");
    expect(copy.startsWith("// vango-ui button 0.1.0 sha256-")).toBe(true);
    expect(
      listUi(app)
        .filter((x) => x.installed)
        .map((x) => x.item.name),
    ).toEqual(["utils", "theme", "button", "data-table", "field", "input", "label", "skeleton"]);
  });

  test("without vango-ui.json: ui_not_initialised; a config leaving the app: ui_config_invalid", () => {
    expect(() => addUi(app, ["button"])).toThrow(
      expect.objectContaining({ code: UiRegistryErrorCode.notInitialised }),
    );
    writeFileSync(join(app, "vango-ui.json"), '{ "dir": "../outside" }');
    expect(() => addUi(app, ["button"])).toThrow(
      expect.objectContaining({ code: UiRegistryErrorCode.configInvalid }),
    );
    writeFileSync(join(app, "vango-ui.json"), "{ nope");
    expect(() => checkUi(app)).toThrow(
      expect.objectContaining({ code: UiRegistryErrorCode.configInvalid }),
    );
  });
});

describe("check and upgrade", () => {
  test("a local change is reported and never overwritten; untouched copies upgrade", () => {
    initUi(app);
    addUi(app, ["button", "badge"]);
    const button = join(app, "app/components/ui/button.tsx");
    writeFileSync(button, readFileSync(button, "utf8").replace("vui-btn", "my-btn"));
    expect(summary(checkUi(app)).filter((s) => !s.startsWith("current"))).toEqual([
      "modified app/components/ui/button.tsx",
    ]);

    // A newer registry changes both button and badge: badge upgrades, button is refused.
    const next = { ...newer("button.tsx") };
    const files = new Map(next.files);
    files.set("badge.tsx", `${files.get("badge.tsx")}\n// also changed\n`);
    const release = { ...next, files };
    expect(
      summary(checkUi(app, undefined, release)).filter((s) => !s.startsWith("current")),
    ).toEqual(["outdated app/components/ui/badge.tsx", "modified app/components/ui/button.tsx"]);
    const mine = readFileSync(button, "utf8");
    expect(
      summary(upgradeUi(app, undefined, release)).filter((s) => !s.startsWith("current")),
    ).toEqual(["upgraded app/components/ui/badge.tsx", "modified app/components/ui/button.tsx"]);
    expect(readFileSync(button, "utf8")).toBe(mine);
    const badge = readFileSync(join(app, "app/components/ui/badge.tsx"), "utf8");
    expect(badge.startsWith("// vango-ui badge 9.9.9 ")).toBe(true);
    expect(badge.endsWith("// also changed\n")).toBe(true);
    // add does not overwrite either.
    expect(summary(addUi(app, ["button"], release)).at(-1)).toBe(
      "modified app/components/ui/button.tsx",
    );
  });

  test("a file of the app's own where a copy would go is unmanaged and kept; a deleted copy is missing", () => {
    initUi(app);
    writeFileSync(join(app, "app/components/ui/tabs.tsx"), "export const mine = 1;\n");
    expect(summary(addUi(app, ["tabs"])).at(-1)).toBe("unmanaged app/components/ui/tabs.tsx");
    expect(readFileSync(join(app, "app/components/ui/tabs.tsx"), "utf8")).toBe(
      "export const mine = 1;\n",
    );
    rmSync(join(app, "app/components/ui/variants.ts"));
    expect(summary(checkUi(app, ["utils"]))).toEqual([
      "current app/components/ui/cn.ts",
      "missing app/components/ui/variants.ts",
    ]);
    expect(summary(upgradeUi(app, ["utils"]))).toEqual([
      "current app/components/ui/cn.ts",
      "added app/components/ui/variants.ts",
    ]);
  });
});

test("the demo's copies are the registry's, untouched", () => {
  const demo = resolve(import.meta.dirname, "../../../../examples/demo");
  const reports = checkUi(demo);
  expect(reports.length).toBe([...loadRegistry().files.keys()].length);
  expect(reports.filter((r) => r.status !== "current")).toEqual([]);
});

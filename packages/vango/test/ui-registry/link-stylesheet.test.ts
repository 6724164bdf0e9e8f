/**
 * `vango add init` links the stylesheet: in the page head of the `app/server.tsx` that
 * `vango create` writes (both templates), once; an app laid out otherwise is told the
 * tag; a stylesheet outside `public/` is reported as not served.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_CONFIG } from "../../src/ui-registry/install.ts";
import { linkStylesheet, publicHref } from "../../src/ui-registry/link-stylesheet.ts";

const TEMPLATES = resolve(import.meta.dirname, "../../templates");

let app = "";
beforeEach(() => {
  app = mkdtempSync(join(tmpdir(), "vango-ui-link-"));
  mkdirSync(join(app, "app"));
});
afterEach(() => {
  rmSync(app, { recursive: true, force: true });
});

const server = () => readFileSync(join(app, "app/server.tsx"), "utf8");

describe("publicHref", () => {
  test("a file under public/ is served at its path from there", () => {
    expect(publicHref("public/vango-ui.css")).toBe("/vango-ui.css");
    expect(publicHref("public/css/ui.css")).toBe("/css/ui.css");
  });
  test("anything else is not served", () => {
    expect(publicHref("styles/ui.css")).toBeUndefined();
    expect(publicHref("public")).toBeUndefined();
    expect(publicHref("publicity/ui.css")).toBeUndefined();
  });
});

describe("linkStylesheet", () => {
  for (const template of ["minimal", "full"]) {
    test(`${template} template: the link goes after the app's stylesheet, indented alike; once`, () => {
      const before = readFileSync(join(TEMPLATES, template, "app/server.tsx"), "utf8");
      writeFileSync(join(app, "app/server.tsx"), before);
      expect(linkStylesheet(app, DEFAULT_CONFIG)).toEqual({
        status: "linked",
        href: "/vango-ui.css",
        tag: '<link rel="stylesheet" href="/vango-ui.css" />',
        file: "app/server.tsx",
      });
      const line = before.split("\n").find((l) => l.includes('href="/style.css"'))!;
      const indent = line.slice(0, line.indexOf("<"));
      expect(server()).toBe(
        before.replace(line, `${line}\n${indent}<link rel="stylesheet" href="/vango-ui.css" />`),
      );
      const once = server();
      expect(linkStylesheet(app, DEFAULT_CONFIG).status).toBe("current");
      expect(server()).toBe(once);
    });
  }

  test("another css path under public/ is linked at its URL", () => {
    writeFileSync(
      join(app, "app/server.tsx"),
      readFileSync(join(TEMPLATES, "minimal/app/server.tsx"), "utf8"),
    );
    const r = linkStylesheet(app, { dir: "src/ui", css: "public/css/ui.css" });
    expect(r).toMatchObject({ status: "linked", href: "/css/ui.css" });
    expect(server()).toContain('<link rel="stylesheet" href="/css/ui.css" />');
  });

  test("no stylesheet link to follow, or no setup file: the tag to add, nothing written", () => {
    const plain = "export default (o: object) => o;\n";
    writeFileSync(join(app, "app/server.tsx"), plain);
    expect(linkStylesheet(app, DEFAULT_CONFIG)).toEqual({
      status: "manual",
      href: "/vango-ui.css",
      tag: '<link rel="stylesheet" href="/vango-ui.css" />',
    });
    expect(server()).toBe(plain);
    rmSync(join(app, "app/server.tsx"));
    expect(linkStylesheet(app, DEFAULT_CONFIG).status).toBe("manual");
  });

  test("a stylesheet outside public/ is not served: nothing to link", () => {
    writeFileSync(
      join(app, "app/server.tsx"),
      readFileSync(join(TEMPLATES, "minimal/app/server.tsx"), "utf8"),
    );
    const before = server();
    expect(linkStylesheet(app, { dir: "src/ui", css: "styles/ui.css" })).toEqual({
      status: "unserved",
    });
    expect(server()).toBe(before);
  });
});

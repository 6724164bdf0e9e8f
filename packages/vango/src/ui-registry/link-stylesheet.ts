/**
 * `vango add init` links the stylesheet it wrote: an app made by `vango create` names
 * its stylesheets in the page head its `app/server.tsx` returns, and `public/` is served
 * at `/`, so the link goes beside the last `<link rel="stylesheet" … />` line there. An
 * app laid out otherwise is told the tag to add instead; nothing is changed when the
 * page already links it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import type { UiConfig } from "./install.ts";

/** The app setup files `vango create` writes (`app/server.tsx`) or a user may (`.ts`). */
const SETUP_FILES = ["app/server.tsx", "app/server.ts"];
/** The folder the CLI serves at `/`. */
const PUBLIC = "public";

/**
 * - `linked`: the tag was added to `file`;
 * - `current`: `file` already links `href`;
 * - `manual`: no place found to add it: link `href` in the page head (`tag`);
 * - `unserved`: the stylesheet is outside `public/`, so nothing serves it yet.
 */
export type LinkStatus = "linked" | "current" | "manual" | "unserved";

export interface LinkReport {
  readonly status: LinkStatus;
  /** The URL the stylesheet is served at (absent when `unserved`). */
  readonly href?: string;
  /** The `<link>` tag for the page head. */
  readonly tag?: string;
  /** The setup file, relative to the app (`linked`, `current`). */
  readonly file?: string;
}

/** The URL `public/<path>` is served at, or `undefined` outside `public/`. */
export function publicHref(cssPath: string): string | undefined {
  const rel = relative(PUBLIC, cssPath);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return `/${rel.split(sep).join("/")}`;
}

/** The last stylesheet link of a head written as JSX, one tag per line. */
const LAST_LINK =
  /^([ \t]*)<link\s+rel="stylesheet"[^\n]*\/>[ \t]*$(?![\s\S]*^[ \t]*<link\s+rel="stylesheet")/m;

/**
 * Links the app's VangoUI stylesheet (`config.css`) in its page head.
 * @example linkStylesheet(process.cwd(), readConfig(process.cwd())); // { status: "linked", … }
 */
export function linkStylesheet(appDir: string, config: UiConfig): LinkReport {
  const href = publicHref(config.css);
  if (href === undefined) return { status: "unserved" };
  const tag = `<link rel="stylesheet" href="${href}" />`;
  for (const file of SETUP_FILES) {
    const abs = join(appDir, file);
    if (!existsSync(abs)) continue;
    const text = readFileSync(abs, "utf8");
    if (text.includes(`href="${href}"`)) return { status: "current", href, tag, file };
    const m = LAST_LINK.exec(text);
    if (m === null) return { status: "manual", href, tag };
    const at = m.index + m[0].length;
    writeFileSync(abs, `${text.slice(0, at)}\n${m[1]}${tag}${text.slice(at)}`);
    return { status: "linked", href, tag, file };
  }
  return { status: "manual", href, tag };
}

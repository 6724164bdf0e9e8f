/**
 * `vango add`: VangoUI components copied into the app (see `ui-registry/`) —
 * `init` (which also links the stylesheet in the page head of `app/server.tsx`, or says
 * how), `<names…>` (with their dependencies), `--check`, `upgrade [names…]`, `list`.
 * Prints one line per file; a file it would overwrite but may not (changed since it was
 * copied, or the app's own) is kept and makes the command fail (exit 1) after the rest
 * is done, as does `--check` when a copy is not current.
 */
import {
  addUi,
  checkUi,
  type FileReport,
  initUi,
  listUi,
  readConfig,
  upgradeUi,
} from "../ui-registry/install.ts";
import { type LinkReport, linkStylesheet } from "../ui-registry/link-stylesheet.ts";
import { UiRegistryError, UiRegistryErrorCode } from "../ui-registry/registry-error.ts";
import { CliError, CliErrorCode } from "./cli-error.ts";
import { dim, green, yellow } from "./term.ts";

export interface AddCommand {
  /** The app's root (where `vango-ui.json` is). */
  readonly cwd: string;
  /** `init`, `upgrade`, `list`, or item names. */
  readonly args: readonly string[];
  readonly check: boolean;
  /** `init` only: where components and the stylesheet go. */
  readonly dir?: string | undefined;
  readonly css?: string | undefined;
  readonly write: (line: string) => void;
}

const MARK: Record<FileReport["status"], (s: string) => string> = {
  added: (s) => `${green("+")} ${s}`,
  upgraded: (s) => `${green("↑")} ${s}`,
  current: (s) => `${dim("=")} ${s}`,
  outdated: (s) => `${yellow("!")} ${s} ${dim("(outdated: vango add upgrade)")}`,
  modified: (s) => `${yellow("!")} ${s} ${dim("(changed here: kept)")}`,
  unmanaged: (s) => `${yellow("!")} ${s} ${dim("(not a VangoUI copy: kept)")}`,
  missing: (s) => `${yellow("!")} ${s} ${dim("(missing: vango add restores it)")}`,
};

function report(reports: readonly FileReport[], write: (line: string) => void): void {
  for (const r of reports) write(MARK[r.status](r.path));
}

function linkLine(r: LinkReport, css: string): string {
  switch (r.status) {
    case "linked":
      return `${green("+")} ${r.file} ${dim(`(links ${r.href})`)}`;
    case "current":
      return `${dim("=")} ${r.file} ${dim(`(links ${r.href})`)}`;
    case "manual":
      return `${yellow("!")} link the stylesheet in the page head: ${r.tag}`;
    case "unserved":
      return `${yellow("!")} ${css} is outside public/: serve it, then link it in the page head`;
  }
}

/** Fails with `ui_changed_locally` when a file that should have been written was kept. */
function keptCheck(reports: readonly FileReport[]): void {
  const kept = reports.filter((r) => r.status === "modified" || r.status === "unmanaged");
  if (kept.length > 0) {
    throw new UiRegistryError(
      UiRegistryErrorCode.changedLocally,
      `kept ${kept.map((r) => r.path).join(", ")} (delete a file to take the registry's)`,
    );
  }
}

export function add(c: AddCommand): void {
  const [first, ...rest] = c.args;
  if (c.check) {
    const reports = checkUi(c.cwd, c.args.length === 0 ? undefined : c.args);
    report(reports, c.write);
    const off = reports.filter((r) => r.status !== "current");
    if (off.length > 0) {
      throw new UiRegistryError(
        UiRegistryErrorCode.notCurrent,
        `${off.length} of ${reports.length} files not current`,
      );
    }
    return;
  }
  if ((c.dir !== undefined || c.css !== undefined) && first !== "init") {
    throw new CliError(CliErrorCode.usage, "--dir and --css are for vango add init");
  }
  switch (first) {
    case undefined:
      throw new CliError(CliErrorCode.usage, "add takes init, upgrade, list or component names");
    case "init": {
      if (rest.length > 0) throw new CliError(CliErrorCode.usage, "add init takes no names");
      const reports = initUi(c.cwd, {
        ...(c.dir === undefined ? {} : { dir: c.dir }),
        ...(c.css === undefined ? {} : { css: c.css }),
      });
      report(reports, c.write);
      const config = readConfig(c.cwd);
      c.write(linkLine(linkStylesheet(c.cwd, config), config.css));
      keptCheck(reports);
      return;
    }
    case "list": {
      if (rest.length > 0) throw new CliError(CliErrorCode.usage, "add list takes no names");
      for (const { item, installed } of listUi(c.cwd)) {
        c.write(`${installed ? green("✓") : " "} ${item.name.padEnd(14)} ${dim(item.description)}`);
      }
      return;
    }
    case "upgrade": {
      const reports = upgradeUi(c.cwd, rest.length === 0 ? undefined : rest);
      report(reports, c.write);
      keptCheck(reports);
      return;
    }
    default: {
      const reports = addUi(c.cwd, c.args);
      report(reports, c.write);
      keptCheck(reports);
    }
  }
}

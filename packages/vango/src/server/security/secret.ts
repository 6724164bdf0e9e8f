/**
 * The app secret (CSRF, resume and JWT keys derive from it), resolved once at startup
 * (synchronously: `createApp` is synchronous, and this runs once):
 *
 * - `VANGO_SECRET` set: used as is (at least 16 bytes). Every instance that shares it can
 *   verify every other's tokens and resume its sessions.
 * - unset with `NODE_ENV=production`: a startup `ConfigError` — a generated secret would
 *   differ per instance and per container restart, silently breaking resumes and forms.
 * - unset otherwise: a generated secret persisted at `<dir>/secret`, beside the file
 *   session store's checkpoints, so a restart during development keeps sessions and
 *   forms valid. Created atomically, mode 0600: written to a temporary file and
 *   hard-linked into place — `link(2)` fails when the name exists, so two processes
 *   starting at once both end up with the one that was linked first (a `rename` would
 *   let the second replace the first after the first had started using it). A file
 *   readable by group or others is refused, as OpenSSH refuses such a private key.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../core/errors.ts";

export interface ResolveSecretOptions {
  /** The environment to read `VANGO_SECRET` and `NODE_ENV` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The state directory (the file session store's `dir`): the secret is `<dir>/secret`. */
  readonly dir: string;
}

export interface ResolvedSecret {
  readonly secret: string;
  /** `env`: `VANGO_SECRET`; `file`: read from `path`; `generated`: created at `path` now. */
  readonly source: "env" | "file" | "generated";
  /** The secret's file, for `file` and `generated`. */
  readonly path?: string;
}

/** The secret's least length in bytes (the CSRF signer's minimum). */
const MIN_BYTES = 16;
const FILE = "secret";

const codeOf = (e: unknown): string => {
  const c = (e as { code?: unknown }).code;
  return typeof c === "string" ? c : "error";
};

/**
 * Resolves the app secret; throws `ConfigError` (option `VANGO_SECRET`) when it cannot.
 * @example
 * const { secret, source } = resolveSecret({ dir: ".vango" });
 * if (source === "generated") log.warn("generated a development secret in .vango/secret");
 */
export function resolveSecret(options: ResolveSecretOptions): ResolvedSecret {
  const env = options.env ?? process.env;
  const set = env.VANGO_SECRET;
  if (set !== undefined && set !== "") {
    if (Buffer.byteLength(set) < MIN_BYTES) {
      throw new ConfigError("VANGO_SECRET", `must be at least ${MIN_BYTES} bytes`);
    }
    return { secret: set, source: "env" };
  }
  if (env.NODE_ENV === "production") {
    throw new ConfigError(
      "VANGO_SECRET",
      "required when NODE_ENV=production (every instance must share one secret); generate one with `openssl rand -base64 32`",
    );
  }
  if (typeof options.dir !== "string" || options.dir === "") {
    throw new ConfigError("VANGO_SECRET", "unset, and no directory to keep a generated one in");
  }
  const path = join(options.dir, FILE);
  const existing = readSecret(path);
  if (existing !== undefined) return { secret: existing, source: "file", path };
  return createSecret(options.dir, path);
}

/** The secret stored at `path`, or undefined when there is no file. */
function readSecret(path: string): string | undefined {
  let mode: number;
  try {
    const s = statSync(path);
    if (!s.isFile()) throw new ConfigError("VANGO_SECRET", `${path} is not a file`);
    mode = s.mode & 0o777;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    if (codeOf(e) === "ENOENT") return undefined;
    throw new ConfigError("VANGO_SECRET", `cannot read ${path} (${codeOf(e)})`);
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      "VANGO_SECRET",
      `${path} is readable by others (mode ${mode.toString(8).padStart(4, "0")}): chmod 600 it`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (e) {
    throw new ConfigError("VANGO_SECRET", `cannot read ${path} (${codeOf(e)})`);
  }
  if (Buffer.byteLength(text) < MIN_BYTES) {
    throw new ConfigError("VANGO_SECRET", `${path} holds fewer than ${MIN_BYTES} bytes`);
  }
  return text;
}

function createSecret(dir: string, path: string): ResolvedSecret {
  const secret = randomBytes(32).toString("base64url");
  const tmp = join(dir, `.${FILE}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let won = false;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, "wx", 0o600);
    try {
      // The umask can only take bits away from 0600, but make the mode exact anyway.
      fchmodSync(fd, 0o600);
      writeSync(fd, `${secret}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path);
      won = true;
    } catch (e) {
      if (codeOf(e) !== "EEXIST") throw e;
    }
    if (won) {
      const dfd = openSync(dir, "r");
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    }
  } catch (e) {
    throw new ConfigError("VANGO_SECRET", `unset, and cannot create ${path} (${codeOf(e)})`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {}
  }
  if (won) return { secret, source: "generated", path };
  // Another process linked its secret first: use that one.
  const theirs = readSecret(path);
  if (theirs === undefined) throw new ConfigError("VANGO_SECRET", `${path} vanished`);
  return { secret: theirs, source: "file", path };
}

import { execFile } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/server/core/errors.ts";
import { type ResolvedSecret, resolveSecret } from "../../../src/server/security/secret.ts";

const root = mkdtempSync(join(tmpdir(), "vango-secret-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${n++}`);
const child = fileURLToPath(new URL("./secret-child.ts", import.meta.url));
const run = promisify(execFile);

/** The option and code of the ConfigError `p` rejects with. */
/** The code and option of the ConfigError `fn` throws. */
async function refused(fn: () => unknown): Promise<[string, string]> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ConfigError) return [e.code, e.option];
    throw e;
  }
  throw new Error("did not throw");
}

async function inChild(dir: string): Promise<ResolvedSecret> {
  const { stdout } = await run(process.execPath, [
    "--conditions=source",
    "--import",
    "tsx",
    child,
    dir,
  ]);
  return JSON.parse(stdout) as ResolvedSecret;
}

describe("resolveSecret", () => {
  it("uses VANGO_SECRET as is and writes nothing", async () => {
    const dir = freshDir();
    const secret = "a shared secret of enough bytes";
    expect(
      await resolveSecret({ dir, env: { VANGO_SECRET: secret, NODE_ENV: "production" } }),
    ).toEqual({ secret, source: "env" });
    expect(() => statSync(dir)).toThrow();
  });

  it("refuses a VANGO_SECRET shorter than 16 bytes", async () => {
    expect(
      await refused(() => resolveSecret({ dir: freshDir(), env: { VANGO_SECRET: "short" } })),
    ).toEqual(["config_invalid", "VANGO_SECRET"]);
  });

  it("refuses to start in production without VANGO_SECRET (unset or empty)", async () => {
    for (const env of [{ NODE_ENV: "production" }, { NODE_ENV: "production", VANGO_SECRET: "" }]) {
      const dir = freshDir();
      expect(await refused(() => resolveSecret({ dir, env }))).toEqual([
        "config_invalid",
        "VANGO_SECRET",
      ]);
      expect(() => statSync(dir)).toThrow();
    }
  });

  it("outside production, generates a secret in <dir>/secret (0600, dir 0700) and reuses it", async () => {
    const dir = freshDir();
    const first = await resolveSecret({ dir, env: {} });
    expect(first).toEqual({
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      source: "generated",
      path: join(dir, "secret"),
    });
    expect(statSync(join(dir, "secret")).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(await resolveSecret({ dir, env: { NODE_ENV: "development" } })).toEqual({
      secret: first.secret,
      source: "file",
      path: join(dir, "secret"),
    });
    expect(readdirSync(dir)).toEqual(["secret"]);
  });

  it("is reused by a restarted process", async () => {
    const dir = freshDir();
    const a = await inChild(dir);
    const b = await inChild(dir);
    expect(a.source).toBe("generated");
    expect(b).toEqual({ ...a, source: "file" });
  }, 30_000);

  it("gives processes starting together one secret (created once, atomically)", async () => {
    const dir = freshDir();
    const results = await Promise.all([
      inChild(dir),
      inChild(dir),
      inChild(dir),
      resolveSecret({ dir, env: {} }),
      resolveSecret({ dir, env: {} }),
    ]);
    expect(new Set(results.map((r) => r.secret)).size).toBe(1);
    expect(results.filter((r) => r.source === "generated")).toHaveLength(1);
    expect(readdirSync(dir)).toEqual(["secret"]);
  }, 30_000);

  it("refuses a secret file others can read, or one too short to be a secret", async () => {
    const loose = freshDir();
    mkdirSync(loose);
    writeFileSync(join(loose, "secret"), "x".repeat(43));
    chmodSync(join(loose, "secret"), 0o644);
    expect(await refused(() => resolveSecret({ dir: loose, env: {} }))).toEqual([
      "config_invalid",
      "VANGO_SECRET",
    ]);
    const short = freshDir();
    mkdirSync(short);
    writeFileSync(join(short, "secret"), "tiny\n", { mode: 0o600 });
    expect(await refused(() => resolveSecret({ dir: short, env: {} }))).toEqual([
      "config_invalid",
      "VANGO_SECRET",
    ]);
  });

  it("reports a directory it cannot create as a ConfigError", async () => {
    expect(await refused(() => resolveSecret({ dir: "/sys/vango-secret", env: {} }))).toEqual([
      "config_invalid",
      "VANGO_SECRET",
    ]);
  });
});

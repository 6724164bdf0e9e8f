import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { FileSessionStore } from "../../../../src/server/session/stores/file-store.ts";
import { defaultOpenFiles, FileWriter } from "../../../../src/server/session/stores/file-writer.ts";
import { payload } from "./file-store-child.ts";
import { sessionStoreSuite } from "./store.cases.ts";

const root = mkdtempSync(join(tmpdir(), "vango-file-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${n++}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

sessionStoreSuite("file", () => FileSessionStore.open({ dir: freshDir() }));
sessionStoreSuite("file (fsync)", () => FileSessionStore.open({ dir: freshDir(), fsync: true }));

const child = fileURLToPath(new URL("./file-store-child.ts", import.meta.url));

/** Runs the child until it has acknowledged `acks` saves (plus scheduling noise), then SIGKILLs it. */
async function killAfter(
  mode: "many" | "same" | "small",
  dir: string,
  acks: number,
): Promise<number> {
  const proc = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", child, mode, dir],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let last = -1;
  let buffered = "";
  await new Promise<void>((resolve, reject) => {
    proc.on("exit", (code) => reject(new Error(`child exited early: ${code}`)));
    proc.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const l of lines) last = Number(l);
      if (last + 1 >= acks) resolve();
    });
  });
  proc.removeAllListeners("exit");
  const exited = once(proc, "exit");
  proc.kill("SIGKILL");
  await exited;
  // Lines written before the kill but read after it still count as acknowledged.
  for (const l of buffered.split("\n")) if (l !== "") last = Math.max(last, Number(l));
  return last;
}

describe("FileSessionStore", () => {
  it("keeps checkpoints across a restart (a new store on the same directory)", async () => {
    const dir = freshDir();
    const a = await FileSessionStore.open({ dir });
    await a.save("sess", Uint8Array.of(1, 2, 3), 60_000);
    await a.close();
    const b = await FileSessionStore.open({ dir });
    expect(await b.load("sess")).toEqual(Uint8Array.of(1, 2, 3));
    await b.close();
  });

  it("a SIGKILL loses no save that resolved, and leaves no torn or temporary file", async () => {
    const dir = freshDir();
    const acked = await killAfter("many", dir, 300);
    expect(acked).toBeGreaterThanOrEqual(299);
    const store = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
    for (let i = 0; i <= acked; i++) {
      expect(await store.load(`s${i}`), `s${i}`).toEqual(payload(i, 2_000));
    }
    // The save in flight at the kill either landed whole or not at all.
    const inFlight = await store.load(`s${acked + 1}`);
    if (inFlight !== undefined) expect(inFlight).toEqual(payload(acked + 1, 2_000));
    expect(readdirSync(store.directory).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    await store.close();
  }, 60_000);

  it("a SIGKILL while one 1 MiB checkpoint is rewritten leaves a whole version, never a torn one", async () => {
    for (let round = 0; round < 3; round++) {
      const dir = freshDir();
      const acked = await killAfter("same", dir, 20 + round * 7);
      const store = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
      const got = (await store.load("hot"))!;
      const version = got[0]!;
      // The last acknowledged version or the one in flight, complete.
      const candidates = [acked, acked + 1].filter((v) => v % 251 === version);
      expect(candidates.length, `round ${round}: byte ${version}, acked ${acked}`).toBe(1);
      expect(got).toEqual(payload(candidates[0]!, 1 << 20));
      await store.close();
    }
  }, 60_000);

  it("a SIGKILL while one small checkpoint is overwritten in place leaves a whole version", async () => {
    for (let round = 0; round < 3; round++) {
      const dir = freshDir();
      const acked = await killAfter("small", dir, 200 + round * 37);
      const store = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
      const got = (await store.load("hot"))!;
      const candidates = [acked, acked + 1].filter(
        (v) => payload(v, 2_000).length === got.length && v % 251 === got[0],
      );
      expect(candidates.length, `round ${round}: ${got.length} B, acked ${acked}`).toBe(1);
      expect(got).toEqual(payload(candidates[0]!, 2_000));
      await store.close();
    }
  }, 60_000);

  it("its writer thread never keeps the process alive", async () => {
    const dir = freshDir();
    const proc = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", child, "once", dir],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    proc.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    const [code, signal] = await once(proc, "exit");
    clearTimeout(timer);
    expect({ code, signal, out }).toEqual({ code: 0, signal: null, out: "saved\n" });
    const store = await FileSessionStore.open({ dir });
    expect(await store.load("one")).toEqual(payload(1, 100));
    await store.close();
  }, 30_000);

  it("fails a save into a vanished directory with store_unavailable, and recovers", async () => {
    const dir = freshDir();
    const store = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
    await store.save("a", Uint8Array.of(1), 60_000);
    rmSync(store.directory, { recursive: true });
    await expect(store.save("a", Uint8Array.of(2), 60_000)).rejects.toMatchObject({
      code: "store_unavailable",
      cause: { code: "ENOENT" },
    });
    // Every entry of a batch is attempted; the batch reports the failure.
    await expect(
      store.saveAll([
        { id: "b", data: Uint8Array.of(3), ttlMs: 60_000 },
        { id: "c", data: new Uint8Array(10_000), ttlMs: 60_000 },
      ]),
    ).rejects.toMatchObject({ code: "store_unavailable" });
    mkdirSync(store.directory, { recursive: true });
    await store.saveAll([
      { id: "b", data: Uint8Array.of(3), ttlMs: 60_000 },
      { id: "c", data: new Uint8Array(10_000).fill(5), ttlMs: 60_000 },
    ]);
    expect(await store.load("b")).toEqual(Uint8Array.of(3));
    expect(await store.load("c")).toEqual(new Uint8Array(10_000).fill(5));
    await store.close();
  });

  it("writes one 0600 file per session in <dir>/sessions, named by a hash of the id", async () => {
    const dir = freshDir();
    const store = await FileSessionStore.open({ dir });
    await store.save("../escape", Uint8Array.of(1), 60_000);
    await store.save("b", Uint8Array.of(2), 60_000);
    const files = (await readdir(store.directory)).sort();
    expect(store.directory).toBe(join(dir, "sessions"));
    expect(files).toHaveLength(2);
    // The names of earlier versions (an upgrade keeps the sessions on disk).
    const sha256 = (id: string) => createHash("sha256").update(id).digest("hex");
    expect(files).toEqual([`${sha256("../escape")}.vgs`, `${sha256("b")}.vgs`].sort());
    for (const f of files) {
      expect(f).toMatch(/^[0-9a-f]{64}\.vgs$/);
      expect(statSync(join(store.directory, f)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(store.directory).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(["sessions"]);
    await store.close();
  });

  it("reads a damaged file as absent and deletes it", async () => {
    const dir = freshDir();
    const store = await FileSessionStore.open({ dir });
    await store.save("x", new Uint8Array(100).fill(7), 60_000);
    await store.save("y", new Uint8Array(100).fill(8), 60_000);
    const [fx, fy] = await Promise.all(
      (await readdir(store.directory)).map(async (f) => {
        const path = join(store.directory, f);
        return { path, bytes: await readFile(path) };
      }),
    );
    // A flipped checkpoint byte fails the CRC; a truncated file fails the header.
    fx!.bytes[fx!.bytes.length - 1]! ^= 1;
    await writeFile(fx!.path, fx!.bytes);
    await writeFile(fy!.path, fy!.bytes.subarray(0, 10));
    expect(await store.load("x")).toBeUndefined();
    expect(await store.load("y")).toBeUndefined();
    expect(await readdir(store.directory)).toEqual([]);
    await store.close();
  });

  it("overwrites a checkpoint of one page in place and replaces a larger one by rename", async () => {
    const dir = freshDir();
    const store = await FileSessionStore.open({ dir });
    await store.save("small", new Uint8Array(3_000).fill(1), 60_000);
    await store.save("large", new Uint8Array(5_000).fill(1), 60_000);
    const files = await readdir(store.directory);
    const inode = async (id: "small" | "large") => {
      const paths = files.map((f) => join(store.directory, f));
      for (const path of paths) {
        if ((await readFile(path)).includes(Buffer.from(id))) return statSync(path).ino;
      }
      throw new Error(`no file for ${id}`);
    };
    const small = await inode("small");
    const large = await inode("large");
    // Shorter than before: the file is cut to the new length, no stale bytes are read.
    await store.save("small", new Uint8Array(10).fill(2), 60_000);
    await store.save("large", new Uint8Array(6_000).fill(2), 60_000);
    expect(await inode("small")).toBe(small);
    expect(await inode("large")).not.toBe(large);
    expect(await store.load("small")).toEqual(new Uint8Array(10).fill(2));
    expect(await store.load("large")).toEqual(new Uint8Array(6_000).fill(2));
    const smallFile = (await readdir(store.directory)).map((f) => join(store.directory, f));
    const sizes = smallFile.map((f) => statSync(f).size).sort((a, b) => a - b);
    expect(sizes[0]).toBe(26 + "small".length + 10);
    await store.close();
  });

  it("ignores bytes past the recorded length (a kill between the write and the truncate)", async () => {
    const dir = freshDir();
    const store = await FileSessionStore.open({ dir });
    await store.save("x", Uint8Array.of(4, 5, 6), 60_000);
    const [f] = await readdir(store.directory);
    const path = join(store.directory, f!);
    await writeFile(path, Buffer.concat([await readFile(path), Buffer.from("stale tail")]));
    expect(await store.load("x")).toEqual(Uint8Array.of(4, 5, 6));
    await store.close();
  });

  it("reads files of the first format (no length field), so an upgrade keeps its sessions", async () => {
    const dir = freshDir();
    const store = await FileSessionStore.open({ dir });
    await store.save("v1", Uint8Array.of(9), 60_000);
    const [f] = await readdir(store.directory);
    const path = join(store.directory, f!);
    // VGS\x01: magic, f64 expiry, u32 CRC of the rest, u16 id length, id, checkpoint.
    const id = Buffer.from("v1");
    const old = Buffer.alloc(18 + id.length + 2);
    old.writeUInt32LE(0x01534756, 0);
    old.writeDoubleLE(Date.now() + 60_000, 4);
    old.writeUInt16LE(id.length, 16);
    id.copy(old, 18);
    old.set([7, 8], 18 + id.length);
    old.writeUInt32LE(crc32(old.subarray(16)), 12);
    await writeFile(path, old);
    expect(await store.load("v1")).toEqual(Uint8Array.of(7, 8));
    expect(await store.touch("v1", 60_000)).toBe(true);
    // Saved again, it is written in the current format and still reads back.
    await store.save("v1", Uint8Array.of(1), 60_000);
    expect((await readFile(path)).readUInt32LE(0)).toBe(0x03534756);
    expect(await store.load("v1")).toEqual(Uint8Array.of(1));
    await store.close();
  });

  it("reads files of the second format (no fence) as fence 0: they load, touch, and any fence replaces them", async () => {
    const store = await FileSessionStore.open({ dir: freshDir(), sweepIntervalMs: 0 });
    const path = (id: string) => join(store.directory, sha(id));
    const live = Date.now() + 60_000;
    writeFileSync(path("a"), v2File("a", Uint8Array.of(7, 8), live));
    writeFileSync(path("b"), v2File("b", Uint8Array.of(9), live));
    writeFileSync(path("c"), v2File("c", new Uint8Array(5_000).fill(1), live));
    expect(await store.load("a")).toEqual(Uint8Array.of(7, 8));
    expect(await store.touch("a", 60_000)).toBe(true);
    expect(await store.load("a")).toEqual(Uint8Array.of(7, 8));
    expect(await store.load("c")).toEqual(new Uint8Array(5_000).fill(1));
    expect(await store.save("a", Uint8Array.of(1), 60_000)).toBe(true);
    expect(
      await store.saveAll([
        { id: "b", data: Uint8Array.of(2), ttlMs: 60_000, fence: 9 },
        { id: "c", data: new Uint8Array(5_000).fill(2), ttlMs: 60_000 },
      ]),
    ).toEqual([]);
    for (const id of ["a", "b", "c"]) {
      expect(readFileSync(path(id)).readUInt32LE(0), id).toBe(0x03534756);
    }
    expect(await store.load("a")).toEqual(Uint8Array.of(1));
    expect(await store.load("b")).toEqual(Uint8Array.of(2));
    expect(await store.load("c")).toEqual(new Uint8Array(5_000).fill(2));
    // Saved in the current format with its fence, which now holds.
    expect(await store.save("b", Uint8Array.of(3), 60_000, 8)).toBe(false);
    await store.close();
  });

  it("keeps a checkpoint with a greater fence whether its file is kept open, opened, or replaced by rename", async () => {
    const dir = freshDir();
    const small = (b: number) => new Uint8Array(100).fill(b);
    const large = (b: number) => new Uint8Array(5_000).fill(b);
    const store = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
    // Overwritten in place, the file kept open between saves.
    expect(await store.save("a", small(1), 60_000, 5)).toBe(true);
    expect(await store.save("a", small(2), 60_000, 4)).toBe(false);
    expect(await store.save("a", large(2), 60_000, 4)).toBe(false);
    expect(await store.load("a")).toEqual(small(1));
    expect(await store.save("a", small(3), 60_000, 5)).toBe(true);
    // Replaced by rename, and overwritten in place over a file that was renamed into place.
    expect(await store.save("b", large(1), 60_000, 7)).toBe(true);
    expect(await store.save("b", large(2), 60_000, 6)).toBe(false);
    expect(await store.save("b", small(2), 60_000, 6)).toBe(false);
    expect(await store.load("b")).toEqual(large(1));
    expect(await store.save("b", small(3), 60_000, 7)).toBe(true);
    await store.close();
    // After a restart the fences are read from the files.
    const again = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
    expect(
      await again.saveAll([
        { id: "a", data: small(4), ttlMs: 60_000, fence: 4 },
        { id: "b", data: large(4), ttlMs: 60_000, fence: 6 },
        { id: "c", data: small(4), ttlMs: 60_000 },
      ]),
    ).toEqual(["a", "b"]);
    expect(await again.load("a")).toEqual(small(3));
    expect(await again.load("b")).toEqual(small(3));
    expect(await again.save("a", small(5), 60_000, 6)).toBe(true);
    await again.close();
    // No file kept open: each save opens the file and reads its header.
    const closed = await FileSessionStore.open({ dir, sweepIntervalMs: 0, openFiles: 0 });
    expect(await closed.save("a", small(6), 60_000, 5)).toBe(false);
    expect(await closed.save("a", small(6), 60_000, 6)).toBe(true);
    expect(await closed.save("a", small(7), 60_000, 5)).toBe(false);
    expect(await closed.load("a")).toEqual(small(6));
    await closed.close();
  });

  it("keeps fences with fsync: true, where every save replaces its file by rename", async () => {
    const store = await FileSessionStore.open({ dir: freshDir(), sweepIntervalMs: 0, fsync: true });
    expect(await store.save("x", Uint8Array.of(1), 60_000, 2)).toBe(true);
    expect(await store.save("x", Uint8Array.of(2), 60_000, 1)).toBe(false);
    expect(
      await store.saveAll([
        { id: "x", data: Uint8Array.of(3), ttlMs: 60_000, fence: 1 },
        { id: "y", data: Uint8Array.of(3), ttlMs: 60_000 },
      ]),
    ).toEqual(["x"]);
    expect(await store.load("x")).toEqual(Uint8Array.of(1));
    expect(await store.load("y")).toEqual(Uint8Array.of(3));
    expect(await store.save("x", Uint8Array.of(4), 60_000, 2)).toBe(true);
    expect(await store.load("x")).toEqual(Uint8Array.of(4));
    expect(readdirSync(store.directory).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    await store.close();
  });

  it("a damaged checkpoint fences nothing, whatever fence its header holds", async () => {
    const store = await FileSessionStore.open({ dir: freshDir(), sweepIntervalMs: 0 });
    const damage = (id: string) => {
      const path = join(store.directory, sha(id));
      const bytes = readFileSync(path);
      bytes[bytes.length - 1]! ^= 1;
      writeFileSync(path, bytes);
    };
    await store.save("d", new Uint8Array(100).fill(1), 60_000, 9);
    await store.save("e", new Uint8Array(5_000).fill(1), 60_000, 9);
    damage("d");
    damage("e");
    expect(await store.save("d", Uint8Array.of(2), 60_000, 1)).toBe(true);
    expect(await store.save("e", new Uint8Array(5_000).fill(2), 60_000, 1)).toBe(true);
    expect(await store.load("d")).toEqual(Uint8Array.of(2));
    expect(await store.load("e")).toEqual(new Uint8Array(5_000).fill(2));
    await store.close();
  });

  it("sweeps expired checkpoints and stale temporary files, not live ones", async () => {
    const dir = freshDir();
    const store = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
    await store.save("old", Uint8Array.of(1), 100);
    await store.save("live", Uint8Array.of(2), 60_000);
    const stale = join(store.directory, "leftover.1.2.tmp");
    const fresh = join(store.directory, "inflight.1.3.tmp");
    writeFileSync(stale, "x");
    writeFileSync(fresh, "x");
    utimesSync(stale, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    await sleep(200);
    expect(await store.sweep()).toBe(1);
    const left = (await readdir(store.directory)).filter((f) => f.endsWith(".tmp"));
    expect(left).toEqual(["inflight.1.3.tmp"]);
    expect(await store.load("live")).toEqual(Uint8Array.of(2));
    expect((await readdir(store.directory)).filter((f) => f.endsWith(".vgs"))).toHaveLength(1);
    await store.close();
  });

  it("removes temporary files left by a crash when it opens", async () => {
    const dir = freshDir();
    await (await FileSessionStore.open({ dir })).close();
    writeFileSync(join(dir, "sessions", "abc.vgs.99.0.tmp"), "partial");
    const store = await FileSessionStore.open({ dir });
    expect(await readdir(store.directory)).toEqual([]);
    await store.close();
  });

  it("fails at open with store_unavailable when the directory cannot be created", async () => {
    // sysfs refuses new entries even to root (tests here may run as root, which ignores
    // file modes). Not /proc: Node 20's recursive mkdir never settles there.
    await expect(FileSessionStore.open({ dir: "/sys/vango-test" })).rejects.toMatchObject({
      code: "store_unavailable",
    });
  });

  it("fails at open with store_unavailable when the path is a file", async () => {
    const file = join(root, `plain-file-${n++}`);
    writeFileSync(file, "x");
    await expect(FileSessionStore.open({ dir: file })).rejects.toMatchObject({
      code: "store_unavailable",
    });
    await expect(FileSessionStore.open({ dir: "" })).rejects.toThrow(RangeError);
  });
});

/** A checkpoint file of the second format, `VGS\x02` (no fence), as an earlier version wrote it. */
function v2File(id: string, data: Uint8Array, expiresAt: number): Buffer {
  // Magic, f64 expiry, u32 CRC of the rest, u32 length of id and checkpoint, u16 id length.
  const idBytes = Buffer.from(id);
  const file = Buffer.alloc(22 + idBytes.length + data.length);
  file.writeUInt32LE(0x02534756, 0);
  file.writeDoubleLE(expiresAt, 4);
  file.writeUInt32LE(idBytes.length + data.length, 16);
  file.writeUInt16LE(idBytes.length, 20);
  idBytes.copy(file, 22);
  file.set(data, 22 + idBytes.length);
  file.writeUInt32LE(crc32(file.subarray(16)), 12);
  return file;
}

/** Names of the files in `dir` this process has open (the writer thread's are the process's). */
function openIn(dir: string): string[] {
  const names: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the descriptor readdir itself used
    }
    if (target.startsWith(`${dir}/`)) names.push(target.slice(dir.length + 1));
  }
  return names.sort();
}

const sha = (id: string) => `${createHash("sha256").update(id).digest("hex")}.vgs`;

describe.runIf(process.platform === "linux")("FileSessionStore's open files", () => {
  it("keeps a session's file open between its saves, and closes it with the store", async () => {
    const store = await FileSessionStore.open({ dir: freshDir(), sweepIntervalMs: 0 });
    for (let i = 0; i < 3; i++) await store.save("a", Uint8Array.of(i), 60_000);
    expect(openIn(store.directory)).toEqual([sha("a")]);
    expect(await store.load("a")).toEqual(Uint8Array.of(2));
    await store.close();
    expect(openIn(store.directory)).toEqual([]);
  });

  it("writes at the path again when the open file was deleted, by the store or anyone", async () => {
    const store = await FileSessionStore.open({ dir: freshDir(), sweepIntervalMs: 0 });
    await store.save("a", Uint8Array.of(1), 60_000);
    await store.delete("a");
    await store.save("a", Uint8Array.of(2), 60_000);
    expect(await store.load("a")).toEqual(Uint8Array.of(2));
    unlinkSync(join(store.directory, sha("a")));
    await store.save("a", Uint8Array.of(3), 60_000);
    expect(await store.load("a")).toEqual(Uint8Array.of(3));
    // Only the file at the path is open: none that was deleted.
    expect(openIn(store.directory)).toEqual([sha("a")]);
    await store.close();
  });

  it("closes the open file when a larger checkpoint replaces it by rename", async () => {
    const store = await FileSessionStore.open({ dir: freshDir(), sweepIntervalMs: 0 });
    await store.save("a", Uint8Array.of(1), 60_000);
    await store.save("a", new Uint8Array(5_000).fill(2), 60_000);
    expect(openIn(store.directory)).toEqual([]);
    await store.save("a", Uint8Array.of(3), 60_000);
    expect(await store.load("a")).toEqual(Uint8Array.of(3));
    expect(openIn(store.directory)).toEqual([sha("a")]);
    await store.close();
  });

  it("a kept file's fence holds when a touch extended it past what the thread wrote, not when one let it lapse", async () => {
    const store = await FileSessionStore.open({ dir: freshDir(), sweepIntervalMs: 0 });
    expect(await store.save("t", Uint8Array.of(1), 400, 5)).toBe(true);
    expect(await store.save("u", Uint8Array.of(1), 60_000, 5)).toBe(true);
    expect(openIn(store.directory)).toEqual([sha("t"), sha("u")].sort());
    // Touches run on the main thread: the writer thread knows only the expiries it wrote.
    expect(await store.touch("t", 60_000)).toBe(true);
    expect(await store.touch("u", 200)).toBe(true);
    await sleep(600);
    expect(await store.save("t", Uint8Array.of(2), 60_000, 4)).toBe(false);
    expect(await store.save("u", Uint8Array.of(2), 60_000, 4)).toBe(true);
    expect(await store.load("t")).toEqual(Uint8Array.of(1));
    expect(await store.load("u")).toEqual(Uint8Array.of(2));
    // Still the files kept open: a refused save leaves its file open for the next one.
    expect(openIn(store.directory)).toEqual([sha("t"), sha("u")].sort());
    expect(await store.save("t", Uint8Array.of(3), 60_000, 5)).toBe(true);
    expect(await store.load("t")).toEqual(Uint8Array.of(3));
    await store.close();
  });

  it("keeps at most openFiles, closing the least recently saved first", async () => {
    const store = await FileSessionStore.open({
      dir: freshDir(),
      sweepIntervalMs: 0,
      openFiles: 2,
    });
    for (const id of ["a", "b", "c"]) await store.save(id, Uint8Array.of(1), 60_000);
    expect(openIn(store.directory)).toEqual([sha("b"), sha("c")].sort());
    await store.save("b", Uint8Array.of(2), 60_000);
    await store.save("a", Uint8Array.of(2), 60_000);
    expect(openIn(store.directory)).toEqual([sha("a"), sha("b")].sort());
    await store.close();

    const none = await FileSessionStore.open({ dir: freshDir(), sweepIntervalMs: 0, openFiles: 0 });
    await none.saveAll([
      { id: "a", data: Uint8Array.of(1), ttlMs: 60_000 },
      { id: "b", data: Uint8Array.of(1), ttlMs: 60_000 },
    ]);
    expect(openIn(none.directory)).toEqual([]);
    expect(await none.load("b")).toEqual(Uint8Array.of(1));
    await none.close();
    await expect(FileSessionStore.open({ dir: freshDir(), openFiles: -1 })).rejects.toThrow(
      RangeError,
    );
  });

  it("keeps none open on Windows, where a deleted file may stay at its path while open", async () => {
    const platform = Object.getOwnPropertyDescriptor(process, "platform")!;
    Object.defineProperty(process, "platform", { ...platform, value: "win32" });
    let store: FileSessionStore;
    try {
      store = await FileSessionStore.open({ dir: freshDir(), sweepIntervalMs: 0, openFiles: 8 });
    } finally {
      Object.defineProperty(process, "platform", platform);
    }
    await store.save("a", Uint8Array.of(1), 60_000);
    expect(openIn(store.directory)).toEqual([]);
    expect(await store.load("a")).toEqual(Uint8Array.of(1));
    await store.close();
  });

  it("closes a kept file that no batch wrote for idleMs, batches or not", async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const writer = new FileWriter(dir, { fsync: false, openFiles: 10, idleMs: 100 });
    const write = (name: string) =>
      writer.write([{ name, start: 0, end: 1, inPlace: true, fence: 0 }], new ArrayBuffer(1));
    const written = { errors: [null], fenced: [] };
    expect(await write("a")).toMatchObject(written);
    expect(openIn(dir)).toEqual(["a"]);
    await sleep(60);
    expect(await write("b")).toMatchObject(written);
    // With no batch after it: the thread's own timer closes them.
    await expect.poll(() => openIn(dir), { timeout: 2_000 }).toEqual([]);
    expect(await write("c")).toMatchObject(written);
    expect(openIn(dir)).toEqual(["c"]);
    await writer.close();
    expect(openIn(dir)).toEqual([]);
  });

  it("keeps an eighth of the process's open-file limit open by default, at most 8,192", () => {
    const limit = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "latin1"));
    expect(defaultOpenFiles()).toBe(Math.min(8192, Math.floor(Number(limit![1]) / 8)));
  });
});

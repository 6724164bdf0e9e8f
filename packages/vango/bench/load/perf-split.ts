/**
 * Where a process's CPU goes, by Linux `perf`: the CPU clock of every thread sampled at
 * ~1 kHz over a window, split into the main thread's kernel time (syscalls, loopback
 * TCP, scheduling), its native code (V8's builtins, runtime and scavenges, Node's C++,
 * libuv, libc), its JIT-compiled JavaScript, and the other threads (the file store's
 * writer, V8's GC helpers, libuv's pool). A V8 CPU profile says where the main thread
 * *is*, so a socket write that is descheduled reads as time in `writeBuffer`; this
 * counts CPU only. `run-load.ts` runs it over the measured window with
 * `VANGO_BENCH_PERF=1`.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** CPU seconds per part over a window of `seconds`. */
export interface PerfSplit {
  readonly seconds: number;
  readonly kernel: number;
  readonly native: number;
  readonly jit: number;
  readonly otherThreads: number;
}

const HZ = 1000;

/**
 * True when `perf` is installed and may sample other processes' kernel time too: as
 * root, or with `kernel.perf_event_paranoid` ≤ 1 (above it, kernel samples would be
 * missing and the split wrong).
 */
export function perfAvailable(): boolean {
  try {
    execFileSync("perf", ["--version"], { stdio: "ignore" });
    if (process.getuid?.() === 0) return true;
    return Number(readFileSync("/proc/sys/kernel/perf_event_paranoid", "utf8")) <= 1;
  } catch {
    return false;
  }
}

/** Samples `pid` for `seconds`; throws when `perf` is missing or may not attach. */
export async function perfSplit(pid: number, seconds: number): Promise<PerfSplit> {
  const dir = mkdtempSync(join(tmpdir(), "vango-perf-"));
  const file = join(dir, "perf.data");
  try {
    const args = ["record", "-q", "-e", "cpu-clock", "-F", String(HZ), "-p", String(pid)];
    const rec = spawn("perf", [...args, "-o", file, "--", "sleep", String(seconds)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    rec.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        rec.once("error", reject);
        rec.once("exit", (c, s) => resolve([c, s]));
      },
    );
    if (code !== 0) {
      // A target that exits inside the window makes perf stop its `sleep` and end by the
      // SIGTERM it sent (exit code 143 in a shell): the window was cut short.
      if (!alive(pid)) throw new Error(`process ${pid} exited within the ${seconds} s perf window`);
      throw new Error(`perf record failed (${code ?? signal}): ${err.trim()}`);
    }
    const out = execFileSync("perf", ["script", "-i", file, "-F", "tid,ip,dso"], {
      encoding: "utf8",
      maxBuffer: 256 * 2 ** 20,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return split(out, pid, seconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sorts `perf script -F tid,ip,dso` lines (`tid  ip (dso)`) into the parts, in CPU seconds. */
export function split(script: string, pid: number, seconds: number): PerfSplit {
  let kernel = 0;
  let native = 0;
  let jit = 0;
  let other = 0;
  for (const line of script.split("\n")) {
    const m = /^\s*(\d+)\s+[0-9a-f]+\s+\((.*)\)\s*$/.exec(line);
    if (m === null) continue;
    if (Number(m[1]) !== pid) other++;
    else if (m[2]!.includes("kernel")) kernel++;
    // Code V8 compiled at run time lies in anonymous memory, which perf names after the
    // `perf-<pid>.map` file where `--perf-basic-prof` would write its symbols.
    else if (m[2]!.includes("perf-") || m[2] === "[unknown]" || m[2]!.startsWith("//anon")) jit++;
    else native++;
  }
  return {
    seconds,
    kernel: kernel / HZ,
    native: native / HZ,
    jit: jit / HZ,
    otherThreads: other / HZ,
  };
}

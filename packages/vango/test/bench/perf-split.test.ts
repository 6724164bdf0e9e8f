import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { perfAvailable, perfSplit, split } from "../../bench/load/perf-split.ts";

describe("perf split (bench/load/perf-split.ts)", () => {
  it("sorts samples into the main thread's kernel, native and JIT time and other threads", () => {
    const script = [
      "  4242  ffffffff82242009 ([kernel.kallsyms])",
      "  4242      7fe9145792bc (/usr/bin/node)",
      "  4242      7fe9145792bc (/usr/lib/x86_64-linux-gnu/libc.so.6)",
      "  4242      7fbfd01e6575 (/tmp/perf-4242.map)",
      "  4242      7fbfd01e6575 ([unknown])",
      "  4250      7fe9145792bc (/usr/bin/node)",
      "  4251  ffffffff82242009 ([kernel.kallsyms])",
      "not a sample line",
    ].join("\n");
    expect(split(script, 4242, 2)).toEqual({
      seconds: 2,
      kernel: 0.001,
      native: 0.002,
      jit: 0.002,
      otherThreads: 0.002,
    });
  });

  it.runIf(perfAvailable())("accounts for the CPU a real process spends", async () => {
    // Busy until killed, or for a minute at most (a busy machine may take seconds to
    // start perf, and a target that exits within the window cuts it short): reads of
    // /dev/zero (the kernel clears the buffer), the fs binding (native) and a loop (JIT).
    const child = spawn(
      process.execPath,
      [
        "-e",
        "const fs=require('fs');const fd=fs.openSync('/dev/zero','r');" +
          "const b=Buffer.alloc(1<<22);const end=Date.now()+60000;let x=0;" +
          "while(Date.now()<end){fs.readSync(fd,b);fs.statSync('/');for(let i=0;i<1e5;i++)x+=i;}",
      ],
      { stdio: "ignore" },
    );
    try {
      await new Promise((r) => setTimeout(r, 300));
      const s = await perfSplit(child.pid!, 2);
      const total = s.kernel + s.native + s.jit + s.otherThreads;
      // At most one core for the 2 s window (its main thread), less on a loaded machine;
      // each part seen in at least ten samples.
      expect(total).toBeGreaterThan(0.2);
      expect(total).toBeLessThan(2.4);
      expect(s.kernel).toBeGreaterThan(0.01);
      expect(s.native).toBeGreaterThan(0.01);
      expect(s.jit).toBeGreaterThan(0.01);
    } finally {
      child.kill();
    }
  });

  it.runIf(perfAvailable())("says so when the process exits within the window", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 200)"], {
      stdio: "ignore",
    });
    await expect(perfSplit(child.pid!, 3)).rejects.toThrow(/exited within the 3 s perf window/);
  });
});

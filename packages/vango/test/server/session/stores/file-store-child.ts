/**
 * Child of file-store.test.ts, killed with SIGKILL while it writes. Prints one line per
 * save that resolved, so the parent knows what must survive.
 *
 * - `many <dir>`: saves `s<i>` = {@link payload}(i) for i = 0, 1, 2, … (each awaited).
 * - `same <dir>`: saves version i of one 1 MiB checkpoint `hot` over and over (replaced by
 *   rename).
 * - `small <dir>`: the same with a checkpoint of 2–3 KB (overwritten in place).
 * - `once <dir>`: saves one checkpoint and returns without closing the store (the writer
 *   thread must not keep the process alive).
 */
import { FileSessionStore } from "../../../../src/server/session/stores/file-store.ts";

/** Checkpoint `i`: its length and every byte derive from `i`, so a torn one is evident. */
export function payload(i: number, base: number): Uint8Array {
  const b = new Uint8Array(base + (i % 997));
  b.fill(i % 251);
  return b;
}

const [mode, dir] = process.argv.slice(2);
if (mode === "once" && dir !== undefined) {
  const store = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
  await store.save("one", payload(1, 100), 600_000);
  process.stdout.write("saved\n");
}
if ((mode === "many" || mode === "same" || mode === "small") && dir !== undefined) {
  const store = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
  for (let i = 0; ; i++) {
    if (mode === "many") await store.save(`s${i}`, payload(i, 2_000), 600_000);
    else if (mode === "small") await store.save("hot", payload(i, 2_000), 600_000);
    else await store.save("hot", payload(i, 1 << 20), 600_000);
    process.stdout.write(`${i}\n`);
  }
}

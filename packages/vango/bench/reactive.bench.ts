/**
 * Vango's reactive API against alien-signals used directly, case by case in one process:
 * signal read, signal write with one effect subscribed, a chain of 10 computeds, and a
 * diamond of 100 computeds fanning out of one signal into one sum with an effect on it.
 */
import * as alien from "alien-signals";
import { computed, effect, signal } from "../src/reactive/index.ts";
import { type BenchResult, bench, median, printTable } from "./util.ts";

let sink = 0;

function middle(results: BenchResult[]): BenchResult {
  const m = median(results.map((r) => r.nsPerOp));
  return results.find((r) => r.nsPerOp === m)!;
}

function readCase(): [() => unknown, () => unknown] {
  const v = signal(1);
  const a = alien.signal(1);
  return [() => (sink += v()), () => (sink += a())];
}

function writeCase(): [() => unknown, () => unknown] {
  const v = signal(0);
  const a = alien.signal(0);
  effect(() => {
    sink += v();
  });
  alien.effect(() => {
    sink += a();
  });
  let i = 0;
  return [() => v.set(++i), () => a(++i)];
}

function chainCase(): [() => unknown, () => unknown] {
  const v = signal(0);
  let vTail: () => number = v;
  for (let k = 0; k < 10; k++) {
    const prev = vTail;
    vTail = computed(() => prev() + 1);
  }
  const a = alien.signal(0);
  let aTail: () => number = a;
  for (let k = 0; k < 10; k++) {
    const prev = aTail;
    aTail = alien.computed(() => prev() + 1);
  }
  let i = 0;
  return [
    () => {
      v.set(++i);
      sink += vTail();
    },
    () => {
      a(++i);
      sink += aTail();
    },
  ];
}

function diamondCase(): [() => unknown, () => unknown] {
  const v = signal(0);
  const vFan: (() => number)[] = [];
  for (let k = 0; k < 100; k++) vFan.push(computed(() => v() + k));
  const vSum = computed(() => {
    let s = 0;
    for (const c of vFan) s += c();
    return s;
  });
  effect(() => {
    sink += vSum();
  });
  const a = alien.signal(0);
  const aFan: (() => number)[] = [];
  for (let k = 0; k < 100; k++) aFan.push(alien.computed(() => a() + k));
  const aSum = alien.computed(() => {
    let s = 0;
    for (const c of aFan) s += c();
    return s;
  });
  alien.effect(() => {
    sink += aSum();
  });
  let i = 0;
  return [() => v.set(++i), () => a(++i)];
}

const cases: [string, () => [() => unknown, () => unknown]][] = [
  ["signal read", readCase],
  ["signal write, 1 effect", writeCase],
  ["computed chain of 10 (write + read tail)", chainCase],
  ["diamond, fanout 100 (write → 100 computeds → sum → effect)", diamondCase],
];

// Every case first goes once through `bench()` untimed, so its shared `fn()` call site is
// equally polymorphic for all of them; otherwise whichever runs first looks ~3× faster.
const built = cases.map(([name, make]) => [name, make()] as const);
for (const [, [vango, direct]] of built) {
  bench("warm-up", vango, { runs: 1, targetMs: 20 });
  bench("warm-up", direct, { runs: 1, targetMs: 20 });
}
// Three rounds, alternating which side goes first; each row is the median of its three
// per-round medians, so neither side profits from running while the machine is quieter.
const ROUNDS = 3;
const rows: BenchResult[] = [];
for (const [name, [vango, direct]] of built) {
  const ds: BenchResult[] = [];
  const vs: BenchResult[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      ds.push(bench(`${name} — alien-signals`, direct));
      vs.push(bench(`${name} — vango`, vango));
    } else {
      vs.push(bench(`${name} — vango`, vango));
      ds.push(bench(`${name} — alien-signals`, direct));
    }
  }
  const d = middle(ds);
  const v = middle(vs);
  rows.push(d, { ...v, note: `${(v.nsPerOp / d.nsPerOp).toFixed(2)}× alien` });
}
printTable("Reactive core: Vango API vs alien-signals direct", rows);
if (sink === 42) console.log("");

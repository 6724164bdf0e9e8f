/**
 * The heartbeat's sweep on a clock the test moves: silent connections are dropped, idle
 * ones closed, and a sweep that comes late (the process stalled, so the pongs that came
 * meanwhile are unread) drops no one.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Connection } from "../../../src/server/ws/connection.ts";
import { Heartbeat } from "../../../src/server/ws/heartbeat.ts";

const INTERVAL = 1_000;
const IDLE = 10_000;

let t = 0;
let hb: Heartbeat | undefined;

afterEach(() => {
  hb?.stop();
  hb = undefined;
  vi.restoreAllMocks();
});

/** A connection as the sweep sees it, recording what was done to it. */
function conn(lastEventAt = 0) {
  const c = {
    alive: true,
    pings: 0,
    ended: undefined as string | undefined,
    session: { lastEventAt },
    transport: { ping: () => c.pings++ },
    terminate: () => {
      c.ended = "terminated";
    },
    closeWith: (code: string) => {
      c.ended = code;
    },
  };
  return c;
}

/** A heartbeat over `conns` started at t = 0 (its own timer never fires in these tests). */
function start(...conns: ReturnType<typeof conn>[]): Heartbeat {
  t = 0;
  vi.spyOn(performance, "now").mockImplementation(() => t);
  const set = new Set(conns as unknown as Connection[]);
  hb = new Heartbeat(set, INTERVAL, IDLE);
  // Its sweeps are the test's: the interval would call them on the real clock.
  hb.stop();
  return hb;
}

function sweepAt(at: number): void {
  t = at;
  hb!.sweep();
}

describe("Heartbeat", () => {
  it("pings a live connection and drops it when no pong came by the next sweep", () => {
    const silent = conn();
    const answering = conn();
    start(silent, answering);
    sweepAt(INTERVAL);
    expect([silent.pings, answering.pings, silent.alive]).toEqual([1, 1, false]);
    answering.alive = true; // its pong
    sweepAt(2 * INTERVAL);
    expect(silent.ended).toBe("terminated");
    expect(answering.ended).toBeUndefined();
    expect(answering.pings).toBe(2);
  });

  it("closes a connection with no client event for idleMs", () => {
    const idle = conn(0);
    const busy = conn(IDLE);
    start(idle, busy);
    // Both answer every ping; `idle` sent its last event at 0, `busy` at IDLE.
    for (let at = INTERVAL; at <= IDLE; at += INTERVAL) {
      sweepAt(at);
      idle.alive = busy.alive = true;
    }
    expect(idle.ended).toBeUndefined();
    sweepAt(IDLE + INTERVAL);
    expect(idle.ended).toBe("idle_timeout");
    expect(busy.ended).toBeUndefined();
  });

  it("a late sweep (the process stalled) drops no one and pings again; the next one on time judges", () => {
    const silent = conn(0);
    const answered = conn(0);
    start(silent, answered);
    sweepAt(INTERVAL);
    // The process stalls for three intervals: the pong of `answered` waits unread, and
    // both look silent and idle-free to a sweep that would judge now.
    sweepAt(4 * INTERVAL);
    expect([silent.ended, answered.ended]).toEqual([undefined, undefined]);
    expect([silent.pings, answered.pings]).toEqual([2, 2]);
    answered.alive = true; // read once the stall is over
    sweepAt(5 * INTERVAL);
    expect(silent.ended).toBe("terminated");
    expect(answered.ended).toBeUndefined();
  });

  it("a late sweep also closes no idle connection: its event may be waiting unread", () => {
    const c = conn(0);
    start(c);
    sweepAt(IDLE + 2 * INTERVAL);
    expect(c.ended).toBeUndefined();
    c.alive = true;
    sweepAt(IDLE + 3 * INTERVAL);
    expect(c.ended).toBe("idle_timeout");
  });

  it("only one late sweep in a row is let off: a process stalling at every sweep still drops the dead", () => {
    const dead = conn();
    start(dead);
    sweepAt(2 * INTERVAL); // late: let off
    sweepAt(4 * INTERVAL); // late again: judged
    expect(dead.ended).toBe("terminated");
  });
});

/**
 * The one suite every `Bus` adapter must pass (memory and Redis run it unchanged): the
 * guarantees `src/state/bus.ts` lists. Each test makes its own buses (each one stands
 * for an instance) on channels of its own.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Bus } from "../../src/state/bus.ts";
import { Recorder, sleep, text, until } from "./bus-recorder.ts";

export interface BusFactory {
  /** A new bus on the shared backend (another "instance"). */
  connect(): Bus;
  /** How long to wait to be sure a message that should not arrive has not (ms). */
  readonly quietMs: number;
}

export function busSuite(name: string, factory: BusFactory): void {
  describe(`Bus contract: ${name}`, () => {
    const open: Bus[] = [];
    let n = 0;
    const channel = (): string => `c${n++}.${Math.random().toString(36).slice(2)}`;

    /** A bus opened on a recorder, once it reports up. */
    async function start(): Promise<[Bus, Recorder]> {
      const bus = factory.connect();
      const rec = new Recorder();
      bus.open(rec);
      open.push(bus);
      await until(() => rec.up, 5_000, "status(true)");
      return [bus, rec];
    }

    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });

    it("reports up once connected, and only once", async () => {
      const [, rec] = await start();
      await sleep(factory.quietMs);
      expect(rec.statuses).toEqual([true]);
    });

    it("delivers to every subscribed bus, the publisher's own included, bytes intact", async () => {
      const [a, ra] = await start();
      const [b, rb] = await start();
      const [, rc] = await start();
      const ch = channel();
      await a.subscribe(ch);
      await b.subscribe(ch);
      const binary = new Uint8Array([0, 1, 2, 0xff, 0xfe, 0x80, 0, 10, 13]);
      await a.publish(ch, binary);
      await a.publish(ch, new Uint8Array(0));
      await until(() => ra.messages.length === 2 && rb.messages.length === 2);
      for (const r of [ra, rb]) {
        expect(r.messages.map((m) => m.channel)).toEqual([ch, ch]);
        expect([...r.messages[0]!.data]).toEqual([...binary]);
        expect(r.messages[1]!.data.length).toBe(0);
      }
      await sleep(factory.quietMs);
      expect(rc.messages).toEqual([]);
    });

    it("keeps one publisher's order on a channel", async () => {
      const [a] = await start();
      const [b, rb] = await start();
      const ch = channel();
      await b.subscribe(ch);
      const sent: string[] = [];
      const publishes: Promise<void>[] = [];
      for (let i = 0; i < 300; i++) {
        sent.push(`m${i}`);
        publishes.push(a.publish(ch, text(`m${i}`)));
      }
      await Promise.all(publishes);
      await until(() => rb.messages.length === 300);
      expect(rb.texts(ch)).toEqual(sent);
    });

    it("delivers a large message whole", async () => {
      const [a] = await start();
      const [b, rb] = await start();
      const ch = channel();
      await b.subscribe(ch);
      const big = new Uint8Array(512 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      await a.publish(ch, big);
      await until(() => rb.messages.length === 1);
      expect(Buffer.compare(Buffer.from(rb.messages[0]!.data), Buffer.from(big))).toBe(0);
    });

    it("delivers nothing on channels not subscribed, nor after unsubscribe", async () => {
      const [a] = await start();
      const [b, rb] = await start();
      const ch = channel();
      const other = channel();
      await b.subscribe(ch);
      await a.publish(other, text("not for b"));
      await a.publish(ch, text("one"));
      await until(() => rb.messages.length === 1);
      await b.unsubscribe(ch);
      await a.publish(ch, text("two"));
      await sleep(factory.quietMs);
      expect(rb.texts(ch)).toEqual(["one"]);
      expect(rb.texts(other)).toEqual([]);
    });

    it("subscribes to many channels and tells them apart", async () => {
      const [a] = await start();
      const [b, rb] = await start();
      const chs = Array.from({ length: 20 }, channel);
      await Promise.all(chs.map((c) => b.subscribe(c)));
      await Promise.all(chs.map((c, i) => a.publish(c, text(String(i)))));
      await until(() => rb.messages.length === 20);
      chs.forEach((c, i) => {
        expect(rb.texts(c)).toEqual([String(i)]);
      });
    });

    it("after close: nothing arrives and publish rejects", async () => {
      const [a] = await start();
      const [b, rb] = await start();
      const ch = channel();
      await b.subscribe(ch);
      await b.close();
      await a.publish(ch, text("late"));
      await sleep(factory.quietMs);
      expect(rb.messages).toEqual([]);
      await expect(b.publish(ch, text("x"))).rejects.toThrow();
    });
  });
}

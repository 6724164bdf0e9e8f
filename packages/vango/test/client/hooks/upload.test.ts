// @vitest-environment happy-dom
/**
 * The `Upload` hook against a fake core client: what it pushes (announce, cancel,
 * abort) and which Data frames it writes on the socket — chunks in order within the
 * window, the window narrowing on slow acks, nothing while the socket is down or closing
 * and a re-announcement after it (unanswered announcements again under their numbers),
 * a cancel click that stops the file at once, the `stop` call,
 * a file that cannot be read, an announcement refused as `rate_limited`, a stall.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { HookInstance } from "../../../src/client/hooks/define.ts";
import uploadHook, { RETRY_MS, STALL_MS, TARGET_MS } from "../../../src/client/hooks/upload.ts";
import { FrameType } from "../../../src/protocol/constants.ts";
import type { DataFrame } from "../../../src/protocol/frame.ts";
import { decodeClientFrame } from "../../../src/protocol/server-codec.ts";

interface Pushed {
  readonly name: string;
  readonly payload: Record<string, unknown>;
}

let input: HTMLInputElement;
let pushed: Pushed[];
let frames: DataFrame[];
let client: {
  status: string;
  cseq: number;
  ws: { readyState: number; send(b: Uint8Array): void } | null;
};
let hook: HookInstance;
let now = 0;
const ID = "AAAAAAAAAAAAAAAAAAAAAAAA";

/** Lets the hook's reads and sends run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
}

function pick(file: File | object): void {
  Object.defineProperty(input, "files", { value: [file], configurable: true });
  input.dispatchEvent(new Event("change"));
}

function status(s: string): void {
  client.status = s;
  document.dispatchEvent(new CustomEvent("vango:status", { detail: { status: s } }));
}

const call = (name: string, payload: unknown) =>
  (hook.calls as Record<string, (p: unknown) => void>)[name]!(payload);

function accept(n: number, files: unknown[], window = 2, chunk = 4): void {
  call("accepted", { n, chunk, window, files });
}

const offsets = () => frames.map((f) => f.offset);
/** The number of the i-th thing this test pushed, an announcement (numbers are unique in the page). */
const nth = (i: number) => pushed[i]!.payload.n as number;

beforeEach(() => {
  document.body.innerHTML =
    '<input type="file" data-hid="3" data-vh-k="h1"><button data-vu-cancel="x">x</button>';
  input = document.querySelector("input")!;
  pushed = [];
  frames = [];
  now = 0;
  vi.spyOn(performance, "now").mockImplementation(() => now);
  client = {
    status: "connected",
    cseq: 0,
    ws: {
      readyState: 1,
      send: (b) => {
        const f = decodeClientFrame(b);
        if (f.type !== FrameType.Data) throw new Error("not a data frame");
        frames.push({ ...f, data: f.data.slice() });
      },
    },
  };
  Object.assign(window, { __vango: client });
  hook = mount(input);
});

function mount(el: HTMLInputElement): HookInstance {
  return uploadHook({
    el,
    options: null,
    pushEvent(name, payload) {
      client.cseq++;
      pushed.push({ name, payload: payload as Record<string, unknown> });
    },
  }) as HookInstance;
}

afterEach(() => {
  hook.destroyed?.();
  vi.useRealTimers();
  vi.restoreAllMocks();
  delete (window as { __vango?: unknown }).__vango;
});

describe("Upload hook", () => {
  it("announces, sends chunks in order within the window, and goes on with each ack", async () => {
    pick(new File(["abcdefghij"], "a.txt", { type: "text/plain" }));
    expect(pushed).toEqual([
      {
        name: "upload",
        payload: {
          op: "announce",
          n: expect.any(Number),
          files: [{ name: "a.txt", size: 10, type: "text/plain" }],
        },
      },
    ]);
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    // Two chunks of 4 bytes unacknowledged at most.
    expect(offsets()).toEqual([0, 4]);
    call("ack", { id: ID, at: 4 });
    await settle();
    expect(offsets()).toEqual([0, 4, 8]);
    call("ack", { id: ID, at: 8 });
    call("ack", { id: ID, at: 10 });
    await settle();
    expect(frames.map((f) => [f.channel, new TextDecoder().decode(f.data)])).toEqual([
      [ID, "abcd"],
      [ID, "efgh"],
      [ID, "ij"],
    ]);
    expect(pushed).toHaveLength(1);
  });

  it("announces files chosen before it mounted (its chunk was still loading), once", async () => {
    hook.destroyed?.();
    Object.defineProperty(input, "files", {
      value: [new File(["abc"], "early.txt", { type: "text/plain" })],
      configurable: true,
    });
    hook = mount(input);
    expect(pushed).toEqual([
      {
        name: "upload",
        payload: {
          op: "announce",
          n: expect.any(Number),
          files: [{ name: "early.txt", size: 3, type: "text/plain" }],
        },
      },
    ]);
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    expect(frames.map((f) => new TextDecoder().decode(f.data))).toEqual(["abc"]);
    expect(pushed).toHaveLength(1);
  });

  it("narrows the window when acks come back slowly and widens it when they are quick", async () => {
    pick(new File(["x".repeat(64)], "a.bin"));
    accept(nth(0), [{ id: ID, at: 0 }], 4);
    await settle();
    expect(offsets()).toEqual([0, 4]);
    // Slow: the ack of the first chunk took three targets.
    now += 3 * TARGET_MS;
    call("ack", { id: ID, at: 4 });
    await settle();
    expect(offsets()).toEqual([0, 4]); // one in flight is all the window allows now
    call("ack", { id: ID, at: 8 });
    await settle();
    expect(offsets()).toEqual([0, 4, 8]);
    // Quick acks widen it again, up to the server's window of 4.
    for (let at = 12; at <= 24; at += 4) {
      call("ack", { id: ID, at });
      await settle();
    }
    const inFlight = Math.max(...offsets()) + 4 - 24;
    expect(inFlight).toBe(4 * 4);
  });

  it("sends nothing while the socket is down, then re-announces and goes on from the server's offset", async () => {
    pick(new File(["abcdefghijklmnop"], "a.bin"));
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    expect(offsets()).toEqual([0, 4]);
    status("reconnecting");
    call("ack", { id: ID, at: 4 });
    await settle();
    expect(offsets()).toEqual([0, 4]);
    status("connected");
    expect(pushed[1]).toEqual({
      name: "upload",
      payload: {
        op: "announce",
        n: nth(0) + 1,
        files: [{ name: "a.bin", size: 16, type: "", id: ID }],
      },
    });
    await settle();
    expect(offsets()).toEqual([0, 4]); // paused until the answer
    accept(nth(1), [{ id: ID, at: 4 }]);
    await settle();
    expect(offsets()).toEqual([0, 4, 4, 8]);
  });

  it("sends nothing on a socket the server is closing", async () => {
    pick(new File(["abcdefghijklmnop"], "a.bin"));
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    expect(offsets()).toEqual([0, 4]);
    // The server's close frame is in: still "connected" until the socket's close event.
    client.ws!.readyState = 2;
    call("ack", { id: ID, at: 4 });
    await settle();
    expect(offsets()).toEqual([0, 4]);
    status("reconnecting");
    client.ws!.readyState = 1;
    status("connected");
    accept(nth(1), [{ id: ID, at: 4 }]);
    await settle();
    expect(offsets()).toEqual([0, 4, 4, 8]);
  });

  it("sends an announcement still unanswered when the socket drops again under its number", async () => {
    pick(new File(["abcdefgh"], "a.bin"));
    // The instance took it (its progress was rendered) and went before answering.
    status("reconnecting");
    status("connected");
    expect(pushed[1]).toEqual(pushed[0]);
    const fresh = "BBBBBBBBBBBBBBBBBBBBBBBB";
    accept(nth(0), [{ id: fresh, at: 0 }]);
    await settle();
    expect(frames.map((f) => [f.channel, f.offset])).toEqual([
      [fresh, 0],
      [fresh, 4],
    ]);
    // A second answer to the same number (the first socket's, replayed) changes nothing.
    accept(nth(0), [{ id: fresh, at: 0 }]);
    await settle();
    expect(frames).toHaveLength(2);
  });

  it("a re-announcement still unanswered is sent again, the upload not announced twice", async () => {
    pick(new File(["abcdefgh"], "a.bin"));
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    status("reconnecting");
    status("connected");
    status("reconnecting");
    status("connected");
    expect(pushed).toHaveLength(3);
    expect(pushed[2]).toEqual(pushed[1]);
    expect(pushed[1]!.payload).toMatchObject({ files: [{ id: ID }] });
  });

  it("starts over under the new id when the server no longer holds the upload", async () => {
    pick(new File(["abcdefgh"], "a.bin"));
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    status("offline");
    status("connected");
    const fresh = "BBBBBBBBBBBBBBBBBBBBBBBB";
    accept(nth(1), [{ id: fresh, at: 0 }]);
    await settle();
    expect(frames.slice(2).map((f) => [f.channel, f.offset])).toEqual([
      [fresh, 0],
      [fresh, 4],
    ]);
  });

  it("hands its uploads over to the input a full resync puts in its place", async () => {
    pick(new File(["abcdefghijkl"], "a.bin"));
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    status("reconnecting");
    status("connected");
    const resumeN = pushed[1]!.payload.n as number;
    // The rebuilt page replaces the input; the old hook goes, a new one mounts.
    document.dispatchEvent(new Event("vango:resync"));
    hook.destroyed?.();
    const fresh = document.createElement("input");
    fresh.setAttribute("data-vh-k", "h1");
    document.body.append(fresh);
    hook = mount(fresh);
    // The answer to the old hook's re-announcement reaches the new one: a new upload.
    const other = "CCCCCCCCCCCCCCCCCCCCCCCC";
    accept(resumeN, [{ id: other, at: 0 }]);
    await settle();
    expect(frames.filter((f) => f.channel === other).map((f) => f.offset)).toEqual([0, 4]);
    // A plain destroy (the page went) hands nothing over.
    hook.destroyed?.();
    hook = mount(fresh);
    expect(pushed).toHaveLength(2);
  });

  it("a cancel click stops the file at once, a read in flight included, and tells the server", async () => {
    let release: (b: ArrayBuffer) => void = () => {};
    const slow = {
      name: "slow.bin",
      size: 100,
      type: "",
      slice: () => ({ arrayBuffer: () => new Promise<ArrayBuffer>((r) => (release = r)) }),
    };
    pick(slow);
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    expect(frames).toEqual([]); // the first read waits
    // Another field's button: not ours.
    document.querySelector("button")!.click();
    expect(pushed).toHaveLength(1);
    document.querySelector("button")!.setAttribute("data-vu-cancel", ID);
    document.querySelector("button")!.click();
    expect(pushed[1]).toEqual({ name: "upload", payload: { op: "cancel", id: ID } });
    release(new ArrayBuffer(4));
    await settle();
    expect(frames).toEqual([]);
  });

  it("the server's stop call ends the file", async () => {
    pick(new File(["x".repeat(40)], "a.bin"));
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    call("stop", { id: ID, code: "upload_cancelled" });
    call("ack", { id: ID, at: 8 });
    await settle();
    expect(offsets()).toEqual([0, 4]);
    expect(pushed).toHaveLength(1);
  });

  it("a file that cannot be read is given up and the server told (upload_aborted)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    pick({
      name: "gone.bin",
      size: 10,
      type: "",
      slice: () => ({ arrayBuffer: () => Promise.reject(new Error("NotReadableError")) }),
    });
    accept(nth(0), [{ id: ID, at: 0 }]);
    await settle();
    expect(pushed[1]).toEqual({ name: "upload", payload: { op: "abort", id: ID } });
    expect(warn).toHaveBeenCalledOnce();
  });

  it("an announcement refused as rate_limited is sent again after a pause; given up after five", async () => {
    vi.useFakeTimers();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const errors: unknown[] = [];
    input.addEventListener("vango:upload-error", (e) => errors.push((e as CustomEvent).detail));
    pick(new File(["abc"], "a.bin"));
    for (let i = 0; i < 5; i++) {
      expect(pushed).toHaveLength(i + 1);
      document.dispatchEvent(
        new CustomEvent("vango:error", { detail: { code: "rate_limited", cseq: client.cseq } }),
      );
      await vi.advanceTimersByTimeAsync((RETRY_MS << i) - 1);
      expect(pushed).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(pushed).toHaveLength(5);
    expect(errors).toEqual([{ names: ["a.bin"], code: "rate_limited" }]);
    expect(pushed.every((p) => p.payload.op === "announce")).toBe(true);
  });

  it("acks that stop are a stall: re-announced twice, then given up", async () => {
    vi.useFakeTimers();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    pick(new File(["x".repeat(40)], "a.bin"));
    accept(nth(0), [{ id: ID, at: 0 }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(offsets()).toEqual([0, 4]);
    await vi.advanceTimersByTimeAsync(STALL_MS);
    expect(pushed[1]!.payload).toMatchObject({ op: "announce", files: [{ id: ID }] });
    accept(nth(1), [{ id: ID, at: 0 }]);
    await vi.advanceTimersByTimeAsync(STALL_MS);
    expect(pushed[2]!.payload).toMatchObject({ op: "announce", files: [{ id: ID }] });
    accept(nth(2), [{ id: ID, at: 0 }]);
    await vi.advanceTimersByTimeAsync(STALL_MS);
    expect(pushed[3]).toEqual({ name: "upload", payload: { op: "abort", id: ID } });
  });
});

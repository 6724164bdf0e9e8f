/**
 * What pages see of their request (`useRequest()`), and what a session keeps of it for
 * its lifetime: the header values browsers send alike are one string for all sessions
 * (issue 17: a browser's headers were ~0.8 KB of each idle session).
 */
import type { IncomingMessage } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { RequestInfo } from "../../../src/routing/page-info.ts";
import { requestInfo } from "../../../src/server/http/request-info.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** A new flat string with `s`'s text, as the HTTP parser makes one per request. */
function fresh(s: string): string {
  const codes: number[] = [];
  for (let i = 0; i < s.length; i++) codes.push(s.charCodeAt(i));
  return String.fromCharCode(...codes);
}

const BROWSER: Record<string, string> = {
  host: "example.com",
  "sec-ch-ua": '"Chromium";v="131", "Not_A Brand";v="24"',
  "sec-ch-ua-platform": '"Linux"',
  "user-agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  accept:
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8",
  "accept-encoding": "gzip, deflate, br, zstd",
  "accept-language": "en-US,en;q=0.9",
};

function fakeRequest(headers: Record<string, string | string[]>): IncomingMessage {
  return { method: "GET", headers } as unknown as IncomingMessage;
}

function browserRequest(cookie: string): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(BROWSER)) headers[k] = fresh(v);
  headers.cookie = cookie;
  return fakeRequest(headers);
}

describe("requestInfo", () => {
  it("copies the headers, frozen, and the app's cookies without Vango's own", () => {
    const info = requestInfo(
      fakeRequest({
        ...BROWSER,
        cookie: "vango_sid=abc; theme=dark",
        authorization: "Bearer secret",
        "x-many": ["a", "b"],
      }),
    );
    expect(info.method).toBe("GET");
    expect(info.headers).toEqual({
      ...BROWSER,
      cookie: "vango_sid=abc; theme=dark",
      authorization: "Bearer secret",
      "x-many": ["a", "b"],
    });
    expect(Object.isFrozen(info.headers)).toBe(true);
    expect([...info.cookies]).toEqual([["theme", "dark"]]);
  });

  it("keeps one string for the values many requests share", () => {
    const N = 5_000;
    const keep: unknown[] = new Array(N);
    // Warm-up, so the code is compiled (and the shared strings made) before the baseline.
    for (let i = 0; i < N; i++) keep[i] = requestInfo(browserRequest(`theme=${i}`)).headers;
    keep.fill(undefined);
    const before = heapAfterGc();
    for (let i = 0; i < N; i++) keep[i] = requestInfo(browserRequest(`theme=${i}`)).headers;
    const perRequest = (heapAfterGc() - before) / N;
    // Copied, each request's headers read ~900 B here; shared, ~150 B (the object, its cookie).
    expect(perRequest).toBeLessThan(400);
    expect(keep.every((h) => h !== undefined)).toBe(true);
  });

  it("parses the cookies when first asked for, not before", () => {
    const N = 5_000;
    const cookie = (i: number) =>
      fresh(
        `_ga=GA1.1.${1408207125 + i}.1733481632; _gid=GA1.2.871220345.1733481632; ` +
          `_fbp=fb.1.1733481632418.${937215064 + i}; consent=necessary%2Canalytics; theme=dark`,
      );
    const keep: RequestInfo[] = new Array(N);
    for (let i = 0; i < N; i++) keep[i] = requestInfo(browserRequest(cookie(i)));
    keep.fill(undefined as unknown as RequestInfo);
    const before = heapAfterGc();
    for (let i = 0; i < N; i++) keep[i] = requestInfo(browserRequest(cookie(i)));
    const perRequest = (heapAfterGc() - before) / N;
    // The header (~150 B) and the request's objects; parsed up front, its five cookies
    // in a Map added ~0.5 KB more.
    expect(perRequest).toBeLessThan(650);
    expect(keep[7]!.cookies.get("theme")).toBe("dark");
    expect(keep[7]!.cookies.get("_fbp")).toBe("fb.1.1733481632418.937215071");
    expect(keep[7]!.cookies).toBe(keep[7]!.cookies); // parsed once
  });

  it("a flood of distinct values never grows what it keeps", () => {
    const flood = (n: number, from: number) => {
      for (let i = from; i < from + n; i++) {
        requestInfo(fakeRequest({ "x-request-id": `${"r".repeat(200)}${i}` }));
      }
    };
    flood(5_000, 0); // code compiled, the table full
    const before = heapAfterGc();
    flood(50_000, 5_000);
    // 50,000 values of 200 B each would be ~10 MB; the table holds at most 1,024 of them.
    expect(heapAfterGc() - before).toBeLessThan(2_000_000);
  });
});

// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHidMap } from "../../src/client/hid-map.ts";
import { byHid, mountRoot } from "./fixtures.ts";

afterEach(() => vi.restoreAllMocks());

describe("createHidMap", () => {
  it("queries once on a miss, then serves from the cache", () => {
    mountRoot('<p data-hid="2"><b data-hid="3"></b></p>');
    const b = byHid(3);
    const q = vi.spyOn(document, "querySelector");
    const hids = createHidMap(document);
    expect(hids.get(3)).toBe(b);
    expect(hids.get(3)).toBe(b);
    expect(hids.get(9)).toBeNull();
    expect(q.mock.calls).toEqual([['[data-hid="3"]'], ['[data-hid="9"]']]);
  });

  it("forget drops an element and its descendants; a detached cached element is re-queried", () => {
    mountRoot('<p data-hid="2"><b data-hid="3"></b></p>');
    const hids = createHidMap(document);
    const b = byHid(3);
    hids.get(2);
    hids.get(3);
    hids.forget(byHid(2));
    const q = vi.spyOn(document, "querySelector");
    expect(hids.get(3)).toBe(b);
    expect(q).toHaveBeenCalledTimes(1);
    b.remove();
    expect(hids.get(3)).toBeNull();
    mountRoot('<i data-hid="3"></i>');
    expect(hids.get(3)).toBe(byHid(3));
  });

  it("set registers without a query; clear empties", () => {
    mountRoot("");
    const hids = createHidMap(document);
    const el = document.createElement("div");
    document.body.append(el);
    hids.set(5, el);
    const q = vi.spyOn(document, "querySelector");
    expect(hids.get(5)).toBe(el);
    hids.clear();
    expect(hids.get(5)).toBeNull();
    expect(q).toHaveBeenCalledTimes(1);
  });
});

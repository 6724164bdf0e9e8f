import { describe, expect, it } from "vitest";
import * as server from "../../src/server.ts";
import * as testing from "../../src/testing.ts";

describe("public entry points", () => {
  it("vango/server exports exactly these runtime names", () => {
    expect(Object.keys(server).sort()).toEqual([
      "DEFAULT_SERVER_LIMITS",
      "DEFAULT_TIMEOUTS",
      "createApp",
      "defaultLogger",
      "silentLogger",
    ]);
  });

  it("vango/testing exports exactly these runtime names", () => {
    expect(Object.keys(testing).sort()).toEqual(["mountTest", "parseSelector", "selectAll"]);
  });
});

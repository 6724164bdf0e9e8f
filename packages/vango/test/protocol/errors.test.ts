import { describe, expect, it } from "vitest";
import {
  ErrorCode,
  errorFromId,
  errorId,
  isWireCode,
  ProtocolError,
} from "../../src/protocol/error-code.ts";
import { ERRORS } from "../../src/protocol/errors.ts";

describe("error registry", () => {
  it("has an entry for every code and no other", () => {
    expect(Object.keys(ERRORS).sort()).toEqual(Object.values(ErrorCode).sort());
    for (const [name, code] of Object.entries(ErrorCode)) expect(name).toBe(code);
  });

  it("includes the codes the framework relies on", () => {
    for (const code of [
      "frame_malformed",
      "limit_exceeded",
      "depth_exceeded",
      "unknown_type",
      "frame_too_large",
      "payload_too_large",
      "version_unsupported",
      "handshake_timeout",
      "handshake_invalid",
      "csrf_invalid",
      "origin_forbidden",
      "rate_limited",
      "too_many_connections",
      "session_expired",
      "session_not_found",
      "resume_invalid",
      "slow_consumer",
      "handler_error",
      "internal_error",
      "unauthorized",
      "forbidden",
      "not_found",
      "server_shutdown",
      "idle_timeout",
    ]) {
      expect(Object.hasOwn(ERRORS, code), code).toBe(true);
    }
  });

  it("maps ids and codes both ways, 1-based", () => {
    expect(errorId(ErrorCode.frame_malformed)).toBe(1);
    const wire = Object.values(ErrorCode).filter(isWireCode);
    for (const code of wire) expect(errorFromId(errorId(code))).toBe(code);
    expect(errorFromId(0)).toBeUndefined();
    expect(errorFromId(wire.length + 1)).toBeUndefined();
    // A server-only code in a frame says internal_error: nothing it names leaves the server.
    expect(isWireCode(ErrorCode.migration_failed)).toBe(false);
    expect(errorFromId(errorId(ErrorCode.migration_failed))).toBe(ErrorCode.internal_error);
  });

  it("uses standard statuses and close codes in range", () => {
    for (const info of Object.values(ERRORS)) {
      expect(info.status >= 400 && info.status <= 599).toBe(true);
      expect(info.close >= 1000 && info.close <= 4999).toBe(true);
      expect(info.message.length).toBeGreaterThan(0);
    }
    expect(ERRORS.rate_limited).toMatchObject({ status: 429, close: 1008 });
    expect(ERRORS.frame_too_large.close).toBe(1009);
    expect(ERRORS.internal_error.close).toBe(1011);
  });

  it("ProtocolError carries its code", () => {
    const e = new ProtocolError(ErrorCode.limit_exceeded, "x");
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(ErrorCode.limit_exceeded);
    expect(e.name).toBe("ProtocolError");
  });
});

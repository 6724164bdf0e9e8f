/**
 * Coded errors of `mountTest`: a test that targets nothing, fires at an element with no
 * listener, or drives the connection out of order. Match on `code`, never the message.
 */
import { createError } from "../errors/create-error.ts";

/** Codes a {@link TestingError} can carry. */
export const TestingErrorCode = {
  /** No element matches the selector or hid. */
  targetNotFound: "target_not_found",
  /** Neither the target nor any ancestor listens for the event. */
  noListener: "no_listener",
  /** An event was fired while the test session is disconnected. */
  disconnected: "disconnected",
  /** `reconnect()` was called while still connected. */
  stillConnected: "still_connected",
  /** The in-process handshake was refused (the reply status is in the message). */
  handshakeRefused: "handshake_refused",
  /** The session cap (`limits.maxSessions`) left no room for the test session. */
  sessionCapReached: "session_cap_reached",
  /** The component called `redirect()` while being set up. */
  redirected: "redirected",
} as const;
export type TestingErrorCode = (typeof TestingErrorCode)[keyof typeof TestingErrorCode];

/**
 * @example
 * await expect(t.click("table")).rejects.toMatchObject({ code: TestingErrorCode.targetNotFound });
 */
export const TestingError = createError<TestingErrorCode>("TestingError");
export type TestingError = InstanceType<typeof TestingError>;

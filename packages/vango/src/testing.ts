/**
 * `vango/testing`: mount components in in-process live sessions and assert HTML and
 * exact patches, without a browser or a socket; and a spare port for the tests that
 * start a server process.
 */
export {
  type MountPageOptions,
  type MountTestOptions,
  mountPage,
  mountTest,
  type ReconnectResult,
  type Target,
  type TestSession,
} from "./testing/mount-test.ts";
export { parseSelector, selectAll } from "./testing/selector.ts";
export { sparePort } from "./testing/spare-port.ts";
export { TestingError, TestingErrorCode } from "./testing/testing-error.ts";

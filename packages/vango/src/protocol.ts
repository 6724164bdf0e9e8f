/**
 * `vango/protocol`: the wire codec, constants and error registry, for tools, load
 * clients and custom transports.
 */
export * from "./protocol/index.ts";

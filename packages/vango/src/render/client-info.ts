/**
 * What the browser told the server in its handshake — viewport size and time-zone
 * offset — readable from any component of a live session.
 *
 * The first, server-rendered page is produced before the browser has connected, so the
 * value is `undefined` there; it becomes known when the WebSocket handshake arrives, and
 * renders that read it re-run then (and again after a resume from a resized window).
 */
import { type ReadonlySignal, signal } from "../reactive/index.ts";
import { createContext, useContext } from "./context.ts";

export interface ClientInfo {
  readonly viewport: { readonly width: number; readonly height: number };
  /** Minutes to add to local time to get UTC, as `Date.prototype.getTimezoneOffset()`. */
  readonly tzOffset: number;
}

const NONE: ReadonlySignal<ClientInfo | undefined> = signal<ClientInfo | undefined>(undefined);

/** @internal Provided by the server runtime around each session's root. */
export const ClientInfoContext = createContext<ReadonlySignal<ClientInfo | undefined>>(
  NONE,
  "ClientInfo",
);

/**
 * The connected browser's viewport and time-zone offset; `undefined` until the
 * WebSocket handshake (and always outside a live session). Call in setup, read in render.
 * @example
 * function LocalTime(props: { at: Date }) {
 *   const client = useClientInfo();
 *   return () => {
 *     const tz = client()?.tzOffset ?? 0;
 *     return <time>{new Date(props.at.getTime() - tz * 60_000).toISOString().slice(11, 16)}</time>;
 *   };
 * }
 */
export function useClientInfo(): ReadonlySignal<ClientInfo | undefined> {
  return useContext(ClientInfoContext);
}

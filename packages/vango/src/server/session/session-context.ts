/**
 * The session a component is mounted in, for the features that belong to one browser tab
 * or one browser session (uploads, streams, flash messages, session signals). The page
 * view provides it around the whole tree.
 */
import { ErrorCode } from "../../protocol/errors.ts";
import { createContext, useContext } from "../../render/context.ts";
import { ServerError } from "../core/errors.ts";
import type { Session } from "./session.ts";

/** @internal Provided by the page view. */
export const SessionContext = createContext<Session | null>(null, "Session");

/**
 * @internal The live session of the calling component (setup code); throws
 * `internal_error` outside a live page (plain `renderToString`).
 */
export function useSession(what: string): Session {
  const s = useContext(SessionContext);
  if (s === null) throw new ServerError(ErrorCode.internal_error, `${what} outside a live page`);
  return s;
}

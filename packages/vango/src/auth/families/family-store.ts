/**
 * Sign-ins ("families") and their revocation: the port every store implements (memory
 * for one instance, Redis for many), with one conformance suite.
 *
 * A family is one sign-in: the refresh tokens issued from it form a chain in which only
 * the newest (`cur`) may be used. Refreshing rotates it: the presented token becomes
 * `prev` and a new one `cur`. Presenting `prev` again within `graceMs` of its rotation is
 * a benign race (two tabs refreshing at once with the same cookie, or an answer that
 * never reached the browser) and is answered `grace` with the current token's id: the
 * caller re-issues that one, so whichever answer the browser keeps holds a current
 * token. Any other older token is a reuse: a stolen token was used by someone, so the
 * whole family is revoked at once (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
 *
 * Revocation is a list: a family is revoked until it would have expired anyway. Every
 * revocation, made on any instance, is announced to every subscriber, so instances keep
 * a local view and never ask the store per request or per event.
 */

/** How a refresh went. */
export const Rotation = {
  /** The current token: rotated, a new refresh token is issued. */
  Rotated: "rotated",
  /** The token rotated just before (within `graceMs`): an access token only. */
  Grace: "grace",
  /** An older token: the family is now revoked. */
  Reused: "reused",
  /** The family was revoked before. */
  Revoked: "revoked",
  /** No such family (expired, or never created here). */
  Unknown: "unknown",
} as const;
export type Rotation = (typeof Rotation)[keyof typeof Rotation];

/** A rotation's outcome and, for `rotated` and `grace`, the id of the token now current. */
export interface RotateResult {
  readonly outcome: Rotation;
  readonly current: string | undefined;
}

/** Told about revocations made on any instance. */
export interface RevocationListener {
  revoked(fam: string): void;
  /**
   * The feed was interrupted and is back: announcements may have been missed, so
   * whatever was concluded from their absence must be checked again.
   */
  resync(): void;
  /** The feed is interrupted: the absence of announcements means nothing until `resync`. */
  lost(): void;
}

export interface FamilyStore {
  /** Records a new sign-in of `sub` whose current refresh token is `jti`, until `expMs`. */
  create(fam: string, sub: string, jti: string, expMs: number): Promise<void>;
  /** Rotates `fam` from `presented` to `next` (atomically), or says why not. */
  rotate(fam: string, presented: string, next: string, graceMs: number): Promise<RotateResult>;
  /** Revokes `fam`; true when it was open. Announced to every subscriber. */
  revoke(fam: string): Promise<boolean>;
  /** Revokes every open family of `sub` ("sign out everywhere"); their ids. */
  revokeUser(sub: string): Promise<string[]>;
  /** Whether each of `fams` is revoked (an unknown family is not: this is a revocation list). */
  revoked(fams: readonly string[]): Promise<boolean[]>;
  /** Marks the one-time id `id` used for `ttlMs`; false when it was used already. */
  useOnce(id: string, ttlMs: number): Promise<boolean>;
  /** Subscribes to revocations from every instance; returns the unsubscribe. */
  subscribe(listener: RevocationListener): () => void;
  /** Stops timers and subscriptions (clients passed in are not closed). */
  close(): Promise<void>;
}

/** Throws `RangeError` for ids no store can hold. */
export function checkId(what: string, id: string): void {
  if (typeof id !== "string" || id.length === 0 || id.length > 256) {
    throw new RangeError(`${what}: 1 to 256 characters`);
  }
}

/**
 * Why auth refused something. These codes stay inside the server — logs, the
 * `vango_auth_refusals_total{reason}` metric, audit rows, `AuthError` from
 * `auth.verify()` — and never reach a client: every refused token answers the same way
 * (anonymous: the login redirect, or 401 `unauthorized`), so a caller cannot learn which
 * check failed. A live session whose sign-in ends gets the one wire code `auth_expired`.
 */
import { createError } from "../errors/create-error.ts";

/** Codes an {@link AuthError} carries (docs/errors.md, "Auth refusals", lists them). */
export const AuthErrorCode = {
  /** Not a compact JWS, or its header or claims are not what Vango issues. */
  tokenMalformed: "token_malformed",
  /** The signature does not match (a tampered header or payload, another key). */
  tokenSignatureInvalid: "token_signature_invalid",
  /** An algorithm the key ring does not allow (`alg: none`, HS256 against a public key). */
  tokenAlgorithmRefused: "token_algorithm_refused",
  /** A `kid` naming no key of the ring (or none where one is required). */
  tokenKidUnknown: "token_kid_unknown",
  /** `exp` has passed. */
  tokenExpired: "token_expired",
  /** `nbf` is still ahead (beyond the clock tolerance). */
  tokenNotYetValid: "token_not_yet_valid",
  /** `aud` is not this app's audience. */
  tokenAudienceInvalid: "token_audience_invalid",
  /** `iss` is not this app's issuer. */
  tokenIssuerInvalid: "token_issuer_invalid",
  /** The header `typ` is another kind of token (a refresh token used as an access token, …). */
  tokenTypeInvalid: "token_type_invalid",
  /** The token's sign-in (its family) was revoked: logout, reuse, an admin. */
  tokenRevoked: "token_revoked",
  /** A refresh token that was already rotated was presented again: its family is revoked. */
  refreshReused: "refresh_reused",
  /** A refresh token of a family the store does not know (expired, or another store's). */
  refreshUnknown: "refresh_unknown",
  /** A sign-in grant that was used already or is bound to another browser session. */
  grantInvalid: "grant_invalid",
  /** Unknown user name or wrong password (the same refusal for both). */
  credentialsInvalid: "credentials_invalid",
  /** Too many failed logins for this user name or from this address. */
  loginThrottled: "login_throttled",
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/**
 * A coded auth refusal (status 429 for `login_throttled`, else 401).
 * @example
 * try { await auth.verify(token) } catch (e) { if (e instanceof AuthError) log.debug({ reason: e.code }) }
 */
export const AuthError = createError<AuthErrorCode>("AuthError", (code) =>
  code === AuthErrorCode.loginThrottled ? 429 : 401,
);
export type AuthError = InstanceType<typeof AuthError>;

/**
 * The one secret an app derives its tokens from (CSRF, resume, and auth's when it has no
 * keys of its own), settled the same way wherever it is needed: `options.secret`, else
 * `VANGO_SECRET`, else — outside production, with persistence on — a secret generated
 * once and kept in the state directory, so a restarted single instance still verifies
 * the tokens it issued.
 */
import { resolveSecret } from "../security/secret.ts";
import { type AppOptions, DEFAULT_PERSISTENCE } from "./options.ts";

/**
 * `undefined` when there is none to be had (persistence off and `VANGO_SECRET` unset):
 * the caller falls back to a random per-process secret, and `validateOptions` warns.
 * @example const secret = appSecret(options) ?? randomBytes(32);
 */
export function appSecret(
  options: Pick<AppOptions, "secret" | "persistence">,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | Uint8Array | undefined {
  if (options.secret !== undefined) return options.secret;
  const p = options.persistence;
  if (p === false) {
    // No state directory: only the environment can supply one.
    return env.VANGO_SECRET ? resolveSecret({ env, dir: "" }).secret : undefined;
  }
  return resolveSecret({ env, dir: p?.dir ?? DEFAULT_PERSISTENCE.dir }).secret;
}

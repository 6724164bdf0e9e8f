/**
 * Where auth finds users: a narrow port the app implements over its own table, and an
 * in-memory directory for demos and tests. Auth owns the password check (so unknown
 * names and wrong passwords cost the same time); the directory only finds records and
 * says what its hashes cost.
 */
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams } from "./password.ts";

/** A signed-in user as pages see it (`useUser()`), and as the access token carries it. */
export interface AuthUser {
  /** Stable id (the token's `sub`). */
  readonly id: string;
  /** Display and login name. */
  readonly name: string;
  readonly roles: readonly string[];
}

/** A user record with its password hash (from `hashPassword`). */
export interface StoredUser extends AuthUser {
  readonly passwordHash: string;
}

/** What auth needs from the app's users. */
export interface UserDirectory {
  /** The user who logs in as `name` (already trimmed), or `undefined`. */
  findByName(name: string): Promise<StoredUser | undefined>;
  /**
   * The user with `id`, or `undefined`: read again when a sign-in is refreshed, so a
   * deleted user cannot refresh and changed roles take effect.
   */
  findById(id: string): Promise<StoredUser | undefined>;
  /**
   * The scrypt parameters of the directory's password hashes (default `DEFAULT_SCRYPT`):
   * an unknown name is checked against a dummy hash of the same cost, so it is refused
   * in the time a wrong password takes.
   */
  readonly passwordParams?: ScryptParams;
}

/** A user for {@link memoryUsers}: a plain password (hashed at start) or a hash. */
export interface MemoryUserInput {
  readonly id?: string;
  readonly name: string;
  readonly roles?: readonly string[];
  readonly password?: string;
  readonly passwordHash?: string;
}

/**
 * A fixed in-memory directory; plain passwords are hashed once, here. Names match
 * case-insensitively.
 * @example const users = await memoryUsers([{ name: "demo", password: "demo-password" }]);
 */
export async function memoryUsers(
  list: readonly MemoryUserInput[],
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<UserDirectory> {
  const byName = new Map<string, StoredUser>();
  const byId = new Map<string, StoredUser>();
  for (const u of list) {
    const hash =
      u.passwordHash ??
      (u.password === undefined ? undefined : await hashPassword(u.password, params));
    if (hash === undefined) throw new RangeError(`memoryUsers: ${u.name} needs a password`);
    const user: StoredUser = {
      id: u.id ?? u.name,
      name: u.name,
      roles: Object.freeze([...(u.roles ?? [])]),
      passwordHash: hash,
    };
    const key = u.name.toLowerCase();
    if (byName.has(key) || byId.has(user.id)) throw new RangeError(`memoryUsers: ${u.name} twice`);
    byName.set(key, user);
    byId.set(user.id, user);
  }
  return {
    passwordParams: params,
    findByName: (name) => Promise.resolve(byName.get(name.toLowerCase())),
    findById: (id) => Promise.resolve(byId.get(id)),
  };
}

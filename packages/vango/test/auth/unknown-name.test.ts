/**
 * An unknown name is refused in the time a wrong password takes: it is checked against a
 * dummy hash of the directory's cost (`UserDirectory.passwordParams`), not of the default
 * cost. A dummy at N = 2^15 behind users hashed at 2^10 made unknown names ~10 times
 * slower than wrong passwords — telling which names exist — and a directory at 2^17 the
 * other way round.
 */
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_SCRYPT, hashPassword } from "../../src/auth/password.ts";
import type { UserDirectory } from "../../src/auth/users.ts";
import { FAST, formLogin, Jar, startAuthApp, usersForTests } from "./fixtures.tsx";

vi.mock("../../src/auth/password.ts", async (load) => {
  const m = await load<typeof import("../../src/auth/password.ts")>();
  return { ...m, hashPassword: vi.fn(m.hashPassword) };
});

/** The parameters of the hashes made while `f` runs. */
async function hashedDuring(f: () => Promise<unknown>): Promise<unknown[]> {
  const spy = vi.mocked(hashPassword);
  spy.mockClear();
  await f();
  return spy.mock.calls.map((c) => c[1]);
}

describe("unknown names", () => {
  it("are checked against a dummy hash of the directory's parameters", async () => {
    const users = await usersForTests();
    expect(users.passwordParams).toEqual(FAST);
    const a = await startAuthApp({ users });
    try {
      const made = await hashedDuring(async () => {
        expect((await formLogin(a, new Jar(), "nobody", "x")).status).toBe(422);
        expect((await formLogin(a, new Jar(), "someone", "y")).status).toBe(422);
      });
      // One dummy, made once.
      expect(made).toEqual([FAST]);
    } finally {
      await a.close();
    }
  });

  it("cost the default when the directory does not say", async () => {
    const inner = await usersForTests();
    const users: UserDirectory = {
      findByName: (n) => inner.findByName(n),
      findById: (id) => inner.findById(id),
    };
    const a = await startAuthApp({ users });
    try {
      const made = await hashedDuring(async () => {
        expect((await formLogin(a, new Jar(), "nobody", "x")).status).toBe(422);
      });
      expect(made).toEqual([DEFAULT_SCRYPT]);
    } finally {
      await a.close();
    }
  });
});

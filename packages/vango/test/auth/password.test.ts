/** scrypt password hashes: PHC format, per-password salt, parameters kept, NFKC, limits. */
import { describe, expect, it } from "vitest";
import { hashPassword, MAX_PASSWORD_BYTES, verifyPassword } from "../../src/auth/password.ts";
import { memoryUsers } from "../../src/auth/users.ts";

const FAST = { ln: 10, r: 8, p: 1 };

describe("hashPassword / verifyPassword", () => {
  it("hashes with a fresh salt into a PHC string that verifies only the same password", async () => {
    const a = await hashPassword("hunter2");
    const b = await hashPassword("hunter2");
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("hunter2", a)).toBe(true);
    expect(await verifyPassword("hunter3", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("keeps its parameters in the hash, so raised costs verify old hashes", async () => {
    const cheap = await hashPassword("pw", FAST);
    expect(cheap).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(await verifyPassword("pw", cheap)).toBe(true);
  });

  it("normalises to NFKC: the composed and decomposed forms are one password", async () => {
    const h = await hashPassword("caf\u00e9", FAST);
    expect(await verifyPassword("cafe\u0301", h)).toBe(true);
  });

  it("refuses over-long passwords, corrupt hashes and silly parameters", async () => {
    const h = await hashPassword("pw", FAST);
    const long = "x".repeat(MAX_PASSWORD_BYTES + 1);
    await expect(hashPassword(long, FAST)).rejects.toThrow(RangeError);
    expect(await verifyPassword(long, h)).toBe(false);
    await expect(verifyPassword("pw", "$2b$10$bcrypt")).rejects.toThrow(RangeError);
    await expect(verifyPassword("pw", h.replace("ln=10", "ln=40"))).rejects.toThrow(RangeError);
    await expect(hashPassword("pw", { ln: 8, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });
});

describe("memoryUsers", () => {
  it("finds users by name (any case) and id, with hashed passwords", async () => {
    const users = await memoryUsers(
      [
        { id: "u1", name: "Demo", password: "demo-password", roles: ["user"] },
        { name: "ops", passwordHash: await hashPassword("x", FAST) },
      ],
      FAST,
    );
    const demo = await users.findByName("demo");
    expect(demo).toMatchObject({ id: "u1", name: "Demo", roles: ["user"] });
    expect(await verifyPassword("demo-password", demo!.passwordHash)).toBe(true);
    expect(await users.findById("ops")).toMatchObject({ name: "ops", roles: [] });
    expect(await users.findByName("nobody")).toBeUndefined();
    await expect(memoryUsers([{ name: "a" }])).rejects.toThrow(RangeError);
    await expect(
      memoryUsers(
        [
          { name: "a", password: "x" },
          { name: "A", password: "y" },
        ],
        FAST,
      ),
    ).rejects.toThrow(RangeError);
  });
});

/**
 * Sign-in: users in memory (outside production mode, `demo` / `demo-password`; add your
 * own directory for real users), tokens signed with the app's secret, audit events
 * written to Postgres.
 */
import {
  AuditLog,
  createAuth,
  memoryUsers,
  postgresAuditSink,
  runAuditMigrations,
} from "vango/server";
import { pool } from "./db.ts";

export const DEMO_USER = { name: "demo", password: "demo-password" } as const;

export async function appAuth() {
  const production = process.env.NODE_ENV === "production";
  const users = await memoryUsers(
    production ? [] : [{ id: "demo", ...DEMO_USER, roles: ["user"] }],
  );
  await runAuditMigrations(pool);
  return createAuth({
    users,
    audit: new AuditLog({ sink: postgresAuditSink(pool) }),
    paths: { afterLogin: "/notes", afterLogout: "/login" },
  });
}

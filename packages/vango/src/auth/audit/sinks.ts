/**
 * Where audit batches go: `audit_events` in Postgres (one multi-row INSERT per batch,
 * through `unnest` of one array per column — a single prepared statement whatever the
 * batch size), or a logger when there is no database (development; the default).
 */
import type { SqlClient } from "../../data/migrations.ts";
import type { Logger } from "../../server/core/logger.ts";
import type { AuditSink } from "./audit-log.ts";
import { AUDIT_TABLE } from "./migrations.ts";

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;

/**
 * Writes batches into `table` (default `audit_events`, created by `runAuditMigrations`).
 * @example const audit = new AuditLog({ sink: postgresAuditSink(pool) });
 */
export function postgresAuditSink(db: SqlClient, table: string = AUDIT_TABLE): AuditSink {
  if (!TABLE_NAME.test(table)) throw new RangeError(`audit table name ${JSON.stringify(table)}`);
  const text = `INSERT INTO ${table}
  (ts, request_id, trace_id, session_id, user_id, action, target, ip, user_agent, metadata)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[],
    $6::text[], $7::text[], $8::inet[], $9::text[], $10::jsonb[])`;
  const name = `vango_audit_insert_${table}`.slice(0, 63);
  return {
    async write(rows) {
      const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
      for (const r of rows) {
        cols[0]!.push(r.ts);
        cols[1]!.push(r.requestId);
        cols[2]!.push(r.traceId);
        cols[3]!.push(r.sessionId);
        cols[4]!.push(r.userId);
        cols[5]!.push(r.action);
        cols[6]!.push(r.target);
        cols[7]!.push(inet(r.ip));
        cols[8]!.push(r.userAgent);
        cols[9]!.push(r.metadata);
      }
      await db.query({ name, text, values: cols });
    },
  };
}

/**
 * Writes each event as an `info` line (`audit: { … }`): for development without a
 * database. The logger's own redaction applies on top.
 * @example const audit = new AuditLog({ sink: logAuditSink(logger) });
 */
export function logAuditSink(logger: Pick<Logger, "info">): AuditSink {
  return {
    write(rows) {
      for (const r of rows) {
        logger.info(
          { audit: { ...r, metadata: r.metadata === null ? null : JSON.parse(r.metadata) } },
          `audit ${r.action}`,
        );
      }
      return Promise.resolve();
    },
  };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

/** An address Postgres' `inet` accepts, else null (a row is never lost to a bad address). */
function inet(ip: string | null): string | null {
  if (ip === null) return null;
  return IPV4.test(ip) || (ip.includes(":") && IPV6.test(ip)) ? ip : null;
}

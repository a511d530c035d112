import { sql, type Kysely } from 'kysely';
import pg from 'pg';

/**
 * Least privilege for the server's requests. The schema belongs to an owner role (migrations, the
 * job schema); requests run as `calmdesk_app`, which is no superuser, owns nothing (so it cannot
 * ALTER a table or switch a trigger off) and may only read and append to the access log.
 */
export const APP_ROLE = 'calmdesk_app';

/** Tables the application role may read and append to, never change. */
const APPEND_ONLY = ['audit_log', 'audit_seals'];
/** Written only by SECURITY DEFINER functions (the linker); readable for verification. */
const READ_ONLY = ['audit_links', 'audit_chain_heads', 'audit_link_cursor'];
/** Not the application's business at all. */
const NONE = ['schema_migrations', 'schema_migrations_lock'];

/**
 * (Re)grants the application role its rights on everything that exists now; run as the owner after
 * every migration run and job-schema install, so tables added later are covered the same way.
 */
// Migrations and grants run before the schema is typed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function grantAppRole(ownerDb: Kysely<any>): Promise<void> {
  const list = (names: string[]) => sql.raw(names.join(', '));
  await sql`GRANT USAGE ON SCHEMA public TO ${sql.raw(APP_ROLE)}`.execute(ownerDb);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${sql.raw(APP_ROLE)}`.execute(ownerDb);
  await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${sql.raw(APP_ROLE)}`.execute(ownerDb);
  await sql`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ${list(APPEND_ONLY)} FROM ${sql.raw(APP_ROLE)}`.execute(ownerDb);
  await sql`REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ${list(READ_ONLY)} FROM ${sql.raw(APP_ROLE)}`.execute(ownerDb);
  await sql`REVOKE ALL ON ${list(NONE)} FROM ${sql.raw(APP_ROLE)}`.execute(ownerDb);
  const boss = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'pgboss'`.execute(ownerDb);
  if (boss.rows[0]?.n) {
    await sql`GRANT USAGE ON SCHEMA pgboss TO ${sql.raw(APP_ROLE)}`.execute(ownerDb);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO ${sql.raw(APP_ROLE)}`.execute(ownerDb);
    await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA pgboss TO ${sql.raw(APP_ROLE)}`.execute(ownerDb);
  }
}

export interface AppConnection {
  /** The URL the server's pool uses. */
  url: string;
  /** The login role of DATABASE_URL. */
  loginRole: string;
  superuser: boolean;
  /** True when the login owns the schema or is a superuser, so requests switch to the application role. */
  switched: boolean;
}

/**
 * Decides how the server's requests connect. A login that is a superuser or owns the access log
 * could switch its protections off; such a URL still works, but every connection then runs
 * `SET ROLE calmdesk_app` at start (`options=-c role=…`), so the requests have the application's
 * rights only — though a superuser login could reset that, which is why production refuses it.
 */
export async function appConnection(url: string): Promise<AppConnection> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ login: string; superuser: boolean; owns: boolean }>(
      `SELECT current_user AS login,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
              coalesce((SELECT pg_has_role(current_user, tableowner, 'MEMBER') FROM pg_tables
                         WHERE schemaname = 'public' AND tablename = 'audit_log'), false) AS owns`,
    );
    const row = r.rows[0];
    if (!row) throw new Error('could not read the database role');
    const switched = row.login !== APP_ROLE && (row.superuser || row.owns);
    return { url: switched ? withRole(url, APP_ROLE) : url, loginRole: row.login, superuser: row.superuser, switched };
  } finally {
    await client.end();
  }
}

/** The same URL with `SET ROLE role` applied to every connection at start-up. */
export function withRole(url: string, role: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c role=${role}`);
  return u.toString();
}

/**
 * The application's PostgreSQL role (ADR 0002): it reads and writes the data, but owns nothing,
 * so it can neither alter a table nor disable a trigger, and it has no UPDATE, DELETE or
 * TRUNCATE on the append-only tables. DATABASE_URL connects as it; the owner
 * (DATABASE_OWNER_URL) runs migrations and these grants.
 */

/** Tables the application only ever appends to. */
export const APPEND_ONLY_TABLES = ['timeline_event', 'sceau', 'sceau_tete', 'rgpd_journal'] as const;

type Run = (sql: string) => Promise<unknown>;

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The role DATABASE_URL connects as, or null when it is the owner's own (nothing to restrict). */
export function applicationRoleOf(databaseUrl: string, ownerUrl: string): string | null {
  const app = decodeURIComponent(new URL(databaseUrl).username) || 'postgres';
  const owner = decodeURIComponent(new URL(ownerUrl).username) || 'postgres';
  if (app === owner) return null;
  if (!ROLE_NAME.test(app)) throw new Error(`Le rôle « ${app} » de DATABASE_URL doit s’écrire en minuscules, chiffres et _.`);
  return app;
}

/**
 * Creates the role (LOGIN, no other attribute) when missing; development and tests only, where
 * trust authentication needs no password. Roles are global to the cluster and several
 * checkouts may race here: losing the race is success.
 */
export async function ensureApplicationRole(run: Run, role: string): Promise<void> {
  if (!ROLE_NAME.test(role)) throw new Error(`Nom de rôle invalide : ${role}`);
  await run(`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
        CREATE ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
}

/**
 * Grants the role what the application needs on the current database, now and for tables that
 * later migrations create (default privileges of the owner), then takes back what it must not
 * have. Idempotent: `migrate` runs it after every migration.
 */
export async function grantApplicationRole(run: Run, role: string, database: string): Promise<void> {
  if (!ROLE_NAME.test(role)) throw new Error(`Nom de rôle invalide : ${role}`);
  const r = `"${role}"`;
  await run(`GRANT CONNECT, TEMPORARY ON DATABASE "${database.replace(/"/g, '""')}" TO ${r}`);
  await run(`GRANT USAGE ON SCHEMA public TO ${r}`);
  await run(`REVOKE CREATE ON SCHEMA public FROM ${r}`);
  await run(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
  await run(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
  await run(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`);
  await run(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${r}`);
  await run(`REVOKE UPDATE, DELETE, TRUNCATE ON ${APPEND_ONLY_TABLES.join(', ')} FROM ${r}`);
  await run(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON migrations FROM ${r}`);
  // Its one way to anonymise a timeline's free texts (ADR 0023), checked by the table's trigger.
  await run(`GRANT EXECUTE ON FUNCTION fil_anonymiser_evenement(uuid, jsonb) TO ${r}`);
}

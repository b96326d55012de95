import { AppConfig, loadConfig } from '@app/core';

/** The e2e database: never the development one (the name must contain "test"). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The role the e2e application connects as (ADR 0002): no UPDATE or DELETE on the timeline, no
 * ALTER, no trigger switch. TEST_DATABASE_URL (the superuser) stays for raw-SQL helpers and
 * for migrations (DATABASE_OWNER_URL's default).
 */
export const TEST_APP_ROLE = 'relais_app';

/** The same database, connected as the application's role. */
export function asAppRole(url: string): string {
  return Object.assign(new URL(url), { username: TEST_APP_ROLE, password: '' }).toString();
}

/** Logical database `db` of the test Redis (TEST_REDIS_URL's server), for suites that FLUSHDB. */
export function testRedisUrl(db: number): string {
  return Object.assign(new URL(TEST_REDIS_URL), { pathname: `/${db}` }).toString();
}

/**
 * The name of a suite's own database: `relais_test_<suffix>` by default; when TEST_DATABASE_URL
 * names another test database (two checkouts testing at once), its name replaces `relais_test`.
 */
export function scratchDatabaseName(name: string): string {
  const base = new URL(TEST_DATABASE_URL).pathname.replace(/^\//, '');
  return name.startsWith('relais_test') ? base + name.slice('relais_test'.length) : name;
}

export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!name.includes('test')) {
    throw new Error(`Refus : la base « ${name} » ne contient pas « test » dans son nom ; les tests l’effaceraient.`);
  }
}

/** A validated config for tests; overrides win. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  assertTestDatabase(overrides.DATABASE_URL ?? TEST_DATABASE_URL);
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: asAppRole(TEST_DATABASE_URL),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `relais-test-${process.env.JEST_WORKER_ID ?? '0'}`,
    // As `npm start`: the development login, except where the API refuses it (production, OIDC).
    AUTH_DEV_LOGIN: overrides.NODE_ENV === 'production' || overrides.OIDC_ISSUER ? 'false' : 'true',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOGIN_RATE_LIMIT: '1000',
    // The invitation à capitaliser (ADR 0017) reacts to every similar escalation in the database:
    // on the shared test database, other suites' Ec'Eau questions would get its fil event at
    // random. Off here (the highest threshold); the suites that test it set the real one.
    CAPITALISATION_SEUIL: '50',
    ...overrides,
  });
}

import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { SafeTypeOrmLogger } from '../logging/typeorm-logger';
import { MIGRATIONS } from './migrations';
import { preparingClient } from './prepared-statements';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Where dataSourceOptions puts the timeline's keys on a DataSource's options. */
export const TIMELINE_KEYRING = Symbol.for('relais.timelineKeyring');

/**
 * One place for the PostgreSQL settings. Schema changes only ever come from the explicit
 * migrations list: never `synchronize`; extensions are created by migrations, not at boot.
 */
export function dataSourceOptions(config: AppConfig, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    // Read by the timeline (libs/timeline, keyringOf): every DataSource made here chains and
    // verifies with the configured keys, without each writer having to pass them along.
    [TIMELINE_KEYRING]: config.timelineKeyring,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: 'relais',
    // Parameterised statements as named prepared statements (ADR 0029).
    extra: poolOptions(config, config.DATABASE_STATEMENT_CACHE),
    // Failed statements are logged without their parameters (personal data): see SafeTypeOrmLogger.
    logging: ['error', 'warn'],
    logger: new SafeTypeOrmLogger(),
  } as DataSourceOptions;
}

/** The same, connected as the schema's owner (DATABASE_OWNER_URL): migrations, setup, grants. */
export function ownerDataSourceOptions(config: AppConfig, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  return {
    ...dataSourceOptions(config, entities),
    url: config.databaseOwnerUrl,
    applicationName: 'relais-owner',
    // Without named statements: this connection alters tables, and a statement prepared before an
    // ALTER that changes what it returns fails ("cached plan must not change result type").
    extra: poolOptions(config, 0),
  } as DataSourceOptions;
}

/** pg's pool settings; `statements` > 0: its connections keep that many named statements (ADR 0029). */
function poolOptions(config: AppConfig, statements: number): Record<string, unknown> {
  return {
    max: config.DATABASE_POOL_MAX,
    connectionTimeoutMillis: 5000,
    ...(statements > 0 ? { Client: preparingClient(statements) } : {}),
  };
}

import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { SafeTypeOrmLogger } from '../logging/typeorm-logger';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * One place for the PostgreSQL settings. Schema changes only ever come from the explicit
 * migrations list: never `synchronize`; extensions are created by migrations, not at boot.
 */
export function dataSourceOptions(config: AppConfig, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
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
    extra: { max: config.DATABASE_POOL_MAX, connectionTimeoutMillis: 5000 },
    // Failed statements are logged without their parameters (personal data): see SafeTypeOrmLogger.
    logging: ['error', 'warn'],
    logger: new SafeTypeOrmLogger(),
  } as DataSourceOptions;
}

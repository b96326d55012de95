import { loadConfig } from '../config/app-config';
import { QUEUE_SCHEMA, queueConnection, queuesOnPostgres } from './queue-backend';

describe('queue backend selection (FILES_ATTENTE)', () => {
  it('on Redis by default: ioredis options from REDIS_URL, fail-fast for producers', () => {
    const config = loadConfig({ REDIS_URL: 'redis://cache:6390/2' });
    expect(queuesOnPostgres(config)).toBe(false);
    expect(queueConnection(config, 'producer')).toMatchObject({ host: 'cache', port: 6390, db: 2, maxRetriesPerRequest: 1 });
    expect(queueConnection(config, 'worker')).toMatchObject({ maxRetriesPerRequest: null });
  });

  it('on PostgreSQL: the application role’s DATABASE_URL and BullMQ’s schema, never REDIS_URL', () => {
    const config = loadConfig({ FILES_ATTENTE: 'postgres', DATABASE_URL: 'postgres://relais_app@db:5432/relais', REDIS_URL: 'redis://cache:6390' });
    expect(queuesOnPostgres(config)).toBe(true);
    const connection = queueConnection(config, 'worker') as unknown as Record<string, unknown>;
    expect(connection).toMatchObject({ connectionString: 'postgres://relais_app@db:5432/relais', schema: QUEUE_SCHEMA });
    expect(connection.migrate).toBeUndefined();
    expect(JSON.stringify(connection)).not.toContain('cache');
  });
});

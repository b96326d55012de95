import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigError, CoreModule, dataSourceOptions, loadConfig } from '@app/core';
import { seedDemoData } from '@app/directory';
import { SlaModule, SlaRebuilder } from '@app/sla';

/**
 * Administration commands, run from the compiled worker:
 *   node dist/apps/worker/apps/worker/src/cli.js migrate|seed|setup|sla:rebuild
 * `setup` creates the database when it is missing, then migrates and seeds (what `npm start` does).
 */
async function main(command: string | undefined): Promise<void> {
  const config = loadConfig();
  if (command === 'setup' || command === 'createdb') await createDatabaseIfMissing(config.DATABASE_URL);
  if (command === 'createdb') return;
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  try {
    if (command === 'migrate' || command === 'setup') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      console.log(applied.length ? `Migrations appliquées : ${applied.map((m) => m.name).join(', ')}` : 'Schéma à jour.');
    }
    if (command === 'seed' || command === 'setup') {
      const report = await seedDemoData(dataSource);
      console.log(`Données de démonstration : ${JSON.stringify(report)}`);
    }
    if (command === 'sla:rebuild') {
      const report = await rebuildSla(config);
      console.log(`Horloges SLA recalculées : ${JSON.stringify(report)}`);
    }
    if (!['migrate', 'seed', 'setup', 'sla:rebuild'].includes(command ?? '')) {
      console.error('usage : cli.js migrate | seed | setup | createdb | sla:rebuild');
      process.exitCode = 2;
    }
  } finally {
    await dataSource.destroy();
  }
}

/** Creates the configured database when the server has none of that name (fresh machine). */
async function createDatabaseIfMissing(databaseUrl: string): Promise<void> {
  const { Client } = await import('pg');
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      console.log(`Base « ${name} » créée.`);
    }
  } finally {
    await admin.end();
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

/** Recomputes every SLA clock from the timelines, in an application context of its own. */
async function rebuildSla(config: AppConfig) {
  @Module({ imports: [CoreModule.forRoot({ config, redisRole: 'producer' }), SlaModule] })
  class RebuildModule {}
  const app = await NestFactory.createApplicationContext(RebuildModule, { logger: ['error', 'warn'] });
  try {
    return await app.get(SlaRebuilder).rebuild();
  } finally {
    await app.close();
  }
}

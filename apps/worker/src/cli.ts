import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  applicationRoleOf,
  ConfigError,
  CoreModule,
  dataSourceOptions,
  DependencyUnreachable,
  ensureApplicationRole,
  grantApplicationRole,
  loadConfig,
  migrateQueueSchema,
  QUEUE_SCHEMA,
  queuesOnPostgres,
  ownerDataSourceOptions,
  preflight,
  safeError,
} from '@app/core';
import { rebuildDashboardAggregates } from '@app/dashboards';
import { seedDemoData } from '@app/directory';
import { SlaModule, SlaRebuilder } from '@app/sla';
import { anchorLegacyHeads, sealTimelines, verifyAllTimelines } from '@app/timeline';
import { DEFAULT_SEED_VOLUME_OPTIONS, seedVolume, SeedVolumeOptions, SeedVolumeRefused } from './volume/seed-volume';

/**
 * Administration commands, run from the compiled worker:
 *   node dist/apps/worker/apps/worker/src/cli.js migrate|seed|setup|sla:rebuild|tdb:rebuild|seed:volume
 * `setup` creates the database and (development) the application's role when missing, then
 * migrates and seeds (what `npm start` does). `migrate` and `setup` connect as the owner
 * (DATABASE_OWNER_URL), grant the application's role (DATABASE_URL's user) what it needs and
 * anchor the heads of timelines older than the MAC (ADR 0002).
 * `fil:verifier` checks every timeline and every seal, exit 1 on any anomaly; `fil:sceller`
 * writes today's seal now (the worker does it every night).
 * Every command first checks that PostgreSQL (and, for `setup`, Redis) answer, so that `npm start`
 * stops with one line if not. With FILES_ATTENTE=postgres, `migrate` and `setup` also create or
 * upgrade BullMQ's schema (ADR 0022) and grant the application's role its rows.
 * `tdb:rebuild` recomputes the dashboards' roll-up for every day (`sla:rebuild` runs it too).
 * `seed:volume [--questions N] [--seed S] [--now ISO] [--batch N] [--append | --if-empty]`
 * loads generated questions for dashboards and benchmarks (docs/operations.md, "Volume data").
 */
async function main(command: string | undefined, args: string[]): Promise<void> {
  const config = loadConfig();
  const COMMANDS = ['migrate', 'seed', 'setup', 'createdb', 'sla:rebuild', 'tdb:rebuild', 'seed:volume', 'fil:verifier', 'fil:sceller'];
  if (!COMMANDS.includes(command ?? '')) {
    console.error('usage : cli.js migrate | seed | setup | createdb | sla:rebuild | tdb:rebuild | fil:verifier | fil:sceller | seed:volume [--questions N] [--seed S] [--now ISO] [--append | --if-empty]');
    process.exitCode = 2;
    return;
  }
  // Every command below connects as the schema's owner (DATABASE_OWNER_URL, by default
  // DATABASE_URL's server as postgres): that is the connection to check.
  if (command === 'setup') await preflight(config, ['postgres-server', 'redis'], { owner: true });
  else if (command === 'createdb') await preflight(config, ['postgres-server'], { owner: true });
  else await preflight(config, ['postgres'], { owner: true });
  if (command === 'setup' || command === 'createdb') await createDatabaseIfMissing(config.databaseOwnerUrl);
  if (command === 'createdb') return;
  const appRole = applicationRoleOf(config.DATABASE_URL, config.databaseOwnerUrl);
  const owner = new DataSource(ownerDataSourceOptions(config));
  await owner.initialize();
  try {
    if (command === 'migrate' || command === 'setup') {
      const applied = await owner.runMigrations({ transaction: 'each' });
      console.log(applied.length ? `Migrations appliquées : ${applied.map((m) => m.name).join(', ')}` : 'Schéma à jour.');
      if (appRole) {
        if (command === 'setup' && config.NODE_ENV !== 'production') await ensureApplicationRole((sql) => owner.query(sql), appRole);
        await grantApplicationRole((sql) => owner.query(sql), appRole, decodeURIComponent(new URL(config.databaseOwnerUrl).pathname.slice(1)));
        console.log(`Droits du rôle applicatif « ${appRole} » à jour (pas d’UPDATE ni de DELETE sur le fil).`);
      } else {
        console.warn('DATABASE_URL se connecte comme le propriétaire du schéma : donnez-lui un rôle à part (README, « Configuration »).');
      }
      if (queuesOnPostgres(config)) {
        // BullMQ's own tables and functions (ADR 0022), in their schema, created as the owner.
        const version = await migrateQueueSchema(config.databaseOwnerUrl, appRole);
        console.log(`Files d’attente sur PostgreSQL : schéma « ${QUEUE_SCHEMA} » de BullMQ à jour (version ${version}).`);
      }
      const anchored = await anchorLegacyHeads(owner);
      if (anchored > 0) console.log(`Têtes de fil ancrées (fils antérieurs au MAC) : ${anchored}`);
    }
    if (command === 'seed' || command === 'setup') {
      const report = await seedDemoData(owner);
      console.log(`Données de démonstration : ${JSON.stringify(report)}`);
    }
    if (command === 'seed:volume') {
      const options = parseSeedVolumeArgs(args);
      // The generator drops and restores indexes around its load: the owner's work.
      const report = await seedVolume(config.databaseOwnerUrl, { ...options, keyring: config.timelineKeyring });
      if (report) {
        console.log(`Questions générées : ${JSON.stringify(report)}`);
        await rebuildTableaux(owner);
      } else {
        console.log('La base contient déjà des questions : rien n’est ajouté.');
      }
    }
  } finally {
    await owner.destroy();
  }
  if (!['sla:rebuild', 'tdb:rebuild', 'fil:verifier', 'fil:sceller'].includes(command!)) return;

  // The rest runs as the application does, with its role.
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  try {
    if (command === 'sla:rebuild') {
      const report = await rebuildSla(config);
      console.log(`Horloges SLA recalculées : ${JSON.stringify(report)}`);
    }
    if (command === 'sla:rebuild' || command === 'tdb:rebuild') await rebuildTableaux(dataSource);
    if (command === 'fil:sceller') {
      const report = await sealTimelines(dataSource, new Date());
      console.log(`${report.cree ? 'Sceau écrit' : 'Sceau du jour déjà écrit'} : ${JSON.stringify(report)}`);
    }
    if (command === 'fil:verifier') {
      const started = Date.now();
      const report = await verifyAllTimelines(dataSource, (a) =>
        console.error(`ANOMALIE ${a.ticketType}${a.ticketId ? ` ${a.ticketId}` : ''}${a.seq !== null ? ` n° ${a.seq}` : ''} : ${a.raison}`),
      );
      const { anomalies, ...counts } = report;
      console.log(
        `Fils vérifiés en ${((Date.now() - started) / 1000).toFixed(1)} s : ${JSON.stringify({ ...counts, anomalies: anomalies.length })}` +
          (anomalies.length ? '' : ' — aucune anomalie.'),
      );
      if (anomalies.length > 0) process.exitCode = 1;
    }
  } finally {
    await dataSource.destroy();
  }
}

/** The dashboards' roll-up, every day again (ADR 0007). */
async function rebuildTableaux(dataSource: DataSource): Promise<void> {
  const started = Date.now();
  const aggregates = await rebuildDashboardAggregates(dataSource);
  console.log(`Agrégats des tableaux de bord recalculés en ${((Date.now() - started) / 1000).toFixed(1)} s : ${JSON.stringify(aggregates)}`);
}

/** Creates the configured database when the server has none of that name (fresh machine). */
async function createDatabaseIfMissing(databaseUrl: string): Promise<void> {
  // databaseUrl: the owner's connection, which may create databases.
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

/** `--questions 1000000 --seed 7 --now 2026-11-25T12:00:00Z --batch 1000 --append` (or `--if-empty`) */
function parseSeedVolumeArgs(args: string[]): SeedVolumeOptions {
  const options: SeedVolumeOptions = { ...DEFAULT_SEED_VOLUME_OPTIONS, now: new Date(), log: (line) => console.log(line) };
  const integer = (name: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new SeedVolumeRefused(`seed:volume : --${name} attend un entier ≥ ${min}, reçu « ${value ?? ''} ».`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].replace(/^--/, '').split('=', 2);
    const value = () => inline ?? args[++i];
    if (name === 'questions') options.questions = integer(name, value(), 0);
    else if (name === 'seed') options.seed = integer(name, value(), 0);
    else if (name === 'batch') options.batchSize = integer(name, value(), 1);
    else if (name === 'append') options.append = true;
    else if (name === 'if-empty') options.ifEmpty = true;
    else if (name === 'now') {
      const raw = value();
      options.now = new Date(raw ?? '');
      if (Number.isNaN(options.now.getTime())) throw new SeedVolumeRefused(`seed:volume : --now attend une date ISO 8601, reçu « ${raw ?? ''} ».`);
    } else throw new SeedVolumeRefused(`seed:volume : option inconnue « ${args[i]} ».`);
  }
  return options;
}

main(process.argv[2], process.argv.slice(3)).catch((err) => {
  // A failed statement's parameters may be personal data: only allow-listed fields are printed.
  console.error(err instanceof ConfigError || err instanceof SeedVolumeRefused || err instanceof DependencyUnreachable ? err.message : { ...(safeError(err) as object) });
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

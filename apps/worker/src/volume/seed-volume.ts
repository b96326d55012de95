import { DEV_TIMELINE_KEYS, parseTimelineKeys, TimelineKeyring } from '@app/core';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { CANAUX, Canal, Priorite } from '@app/questions';
import { CALENDRIER_RESEAU } from '@app/sla';
import { PrecomputedBusinessTime } from './precomputed-business-time';
import { Prng, WeightedPicker } from './prng';
import { LifeStats, QuestionLife, QuestionSeed } from './question-life';
import { dropIndexesFor } from './deferred-indexes';
import { VOLUME_TABLES, VolumeBatch, VolumeTable } from './volume-batch';
import { MaisonInfo, Subject, VolumeSetup, loadVolumeSetup } from './volume-setup';

/*
 * Volume data for the SLA dashboards and their benchmarks (issue #6). It lives in the worker app,
 * beside the CLI that runs it (`cli.js seed:volume`): a tool across several contexts (questions,
 * SLA, timeline, directory) that uses their public doors, not a bounded context of its own, and
 * nothing in the API or the workers needs it.
 */

/** A refusal with a message for the operator (bad option, database not fresh, directory missing). */
export class SeedVolumeRefused extends Error {}

export interface SeedVolumeOptions {
  questions: number;
  /** PRNG seed: same seed, same `now`, same directory → the same rows, ids and hashes included. */
  seed: number;
  /** The present of the generated history (default: the real now). */
  now: Date;
  /** Questions per transaction (each with all its rows). */
  batchSize: number;
  /** Add to a database that already has questions (default: refuse). */
  append: boolean;
  /** On a database that already has questions, do nothing (`npm start`'s demo questions, loaded once). */
  ifEmpty?: boolean;
  log: (line: string) => void;
  /** The timeline's keys (AppConfig.timelineKeyring); default: the development key. */
  keyring?: TimelineKeyring;
}

export interface SeedVolumeReport {
  questions: number;
  secondes: number;
  questionsParSeconde: number;
  lignes: Record<VolumeTable, number>;
  statuts: Record<string, number>;
  /** Fresh database: one transaction, indexes and constraints rebuilt at the end (seconds spent there). */
  reconstructionIndexSecondes: number | null;
  /** Share of questions with at least one breached clock (a sla.depassement). */
  depassementPct: number;
  references: { premiere: string | null; derniere: string | null };
}

export const DEFAULT_SEED_VOLUME_OPTIONS: Omit<SeedVolumeOptions, 'now' | 'log'> = {
  questions: 10_000,
  seed: 1,
  batchSize: 1_000,
  append: false,
};

/** History covered: creation times over the 24 months before `now`. */
const MONTHS = 24;

/**
 * Loads `questions` generated questions with their whole life (usager, holder history,
 * hash-chained timeline, SLA clocks with their holders, fires and cursor) into the database at
 * `databaseUrl`, which must be migrated and seeded with the demo directory. Rows are streamed in
 * batches of complete questions, one INSERT … SELECT FROM unnest per table and batch, sent while
 * the next batch is generated: memory stays flat.
 *
 * On a fresh database (no question yet) the whole load is one transaction in which the loaded
 * tables' indexes, keys and foreign keys are dropped first and rebuilt at the end (pg_restore's
 * way, several times faster than maintaining random-uuid trees row by row; the rebuilt foreign
 * keys validate every row; a failure leaves the database as it was). With `append`, each batch
 * commits on its own with every index and check in place, on two connections.
 *
 * No outbox rows: they carry events to consumers that already applied them (the SLA cursor is
 * at each ticket's last seq), and a relay would otherwise publish millions of stale jobs.
 */
export async function seedVolume(databaseUrl: string, options: SeedVolumeOptions & { ifEmpty?: false }): Promise<SeedVolumeReport>;
/** With `ifEmpty`: null when the database already had questions (nothing done). */
export async function seedVolume(databaseUrl: string, options: SeedVolumeOptions): Promise<SeedVolumeReport | null>;
export async function seedVolume(databaseUrl: string, options: SeedVolumeOptions): Promise<SeedVolumeReport | null> {
  const keyring = options.keyring ?? (parseTimelineKeys(DEV_TIMELINE_KEYS, undefined) as TimelineKeyring);
  const started = process.hrtime.bigint();
  const { questions: total, now, log } = options;
  if (!Number.isInteger(total) || total < 0) throw new SeedVolumeRefused('--questions : un entier positif ou nul est attendu.');
  if (options.append && options.ifEmpty) throw new SeedVolumeRefused('seed:volume : --append et --if-empty s’excluent.');
  const clients: Client[] = [];
  try {
    const connect = async () => {
      const client = new Client({ connectionString: databaseUrl, application_name: 'relais-seed-volume' });
      await client.connect();
      // Generated history, reproducible from the seed: no need to wait for each commit's flush.
      await client.query(`SET synchronous_commit = off`);
      clients.push(client);
      return client;
    };
    const main = await connect();
    const [{ existing }] = (await main.query(`SELECT EXISTS (SELECT 1 FROM question) AS existing`)).rows;
    if (existing && options.ifEmpty) return null;
    if (existing && !options.append) {
      throw new SeedVolumeRefused(
        'La base contient déjà des questions : seed:volume se lance sur une base neuve (createdb puis setup), ou avec --append pour en ajouter.',
      );
    }
    log(`Génération de ${total.toLocaleString('fr-FR')} questions (graine ${options.seed}, maintenant = ${now.toISOString()})…`);
    const bulk = !existing;
    if (!bulk) await connect();

    const from = DateTime.fromJSDate(now, { zone: 'Europe/Paris' }).minus({ months: MONTHS }).startOf('day').toJSDate();
    // Lives go on after their creation (late answers, reopenings): calendars cover a year past now.
    const setup = await loadVolumeSetup(main, new Date(from.getTime() - 7 * 86_400_000), new Date(now.getTime() + 366 * 86_400_000));
    if (setup.maisons.length === 0 || setup.routable.length === 0 || setup.coordinators.length === 0) {
      throw new SeedVolumeRefused('Annuaire incomplet : chargez d’abord l’annuaire de démonstration (cli.js seed).');
    }

    // References: a block of the sequence reserved up front, so that later real inserts continue after it.
    let firstNumber = 0;
    if (total > 0) {
      const [{ n }] = (await main.query(`SELECT nextval('question_reference_seq')::bigint AS n`)).rows;
      firstNumber = Number(n);
      await main.query(`SELECT setval('question_reference_seq', $1::bigint)`, [firstNumber + total - 1]);
    }
    const yearOf = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric' });
    const reference = (i: number, at: Date) => `Q-${yearOf.format(at)}-${String(firstNumber + i).padStart(6, '0')}`;

    // The first reference joins the seed: a run appended to a database draws other ids than the first run did.
    const rng = new Prng((options.seed ^ Math.imul(firstNumber, 0x9e3779b1)) >>> 0);
    const draw = drawers(rng, setup);
    const stats: LifeStats = { statuts: {} };
    const rows = {} as Record<VolumeTable, number>;
    let breached = 0;
    let batch = new VolumeBatch();
    const inflight: Array<Promise<void> | null> = clients.map(() => null);
    let flushes = 0;
    let done = 0;
    let lastLog = Date.now();

    let restore: string[] = [];
    if (bulk) {
      await main.query('BEGIN');
      await main.query(`SET LOCAL maintenance_work_mem = '1GB'`);
      restore = await dropIndexesFor(main, Object.keys(VOLUME_TABLES));
    }

    const flush = async () => {
      if (batch.questions === 0) return;
      for (const [t, n] of Object.entries(batch.rowCounts())) rows[t as VolumeTable] = (rows[t as VolumeTable] ?? 0) + n;
      const slot = flushes++ % clients.length;
      await inflight[slot];
      // In bulk mode one connection, one transaction: the next batch is built while this one is written.
      inflight[slot] = batch.flush(clients[slot], !bulk);
      done += batch.questions;
      batch = new VolumeBatch();
      if (Date.now() - lastLog > 5_000 || done === total) {
        lastLog = Date.now();
        const s = Number(process.hrtime.bigint() - started) / 1e9;
        log(`  ${done.toLocaleString('fr-FR')} / ${total.toLocaleString('fr-FR')} questions générées (${Math.round(done / s)} questions/s, ${s.toFixed(0)} s)`);
      }
    };

    const reseau = setup.calendar(CALENDRIER_RESEAU).time as PrecomputedBusinessTime;
    let i = 0;
    try {
      for (const createdAt of creationTimes(rng, reseau, from, now, total)) {
        const seed: QuestionSeed = {
          id: rng.uuid(),
          reference: reference(i, createdAt),
          createdAt,
          maison: draw.maison(),
          subject: draw.subject(),
          priorite: draw.priorite(),
          canal: draw.canal(),
        };
        const life = new QuestionLife(setup, rng, seed, now, keyring);
        if (life.play(batch, stats)) breached++;
        i++;
        if (batch.questions >= options.batchSize) await flush();
        // Let the socket drain while a batch is being built.
        else if (i % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await flush();
      await Promise.all(inflight);
      if (i !== total) throw new Error(`seed:volume: ${i} questions générées au lieu de ${total}`);
    } catch (error) {
      await Promise.allSettled(inflight);
      if (bulk) await main.query('ROLLBACK').catch(() => undefined);
      throw error;
    }

    let reconstructionIndexSecondes: number | null = null;
    if (bulk) {
      const t = process.hrtime.bigint();
      log(`  index et contraintes reconstruits (${restore.length} instructions)…`);
      try {
        for (const statement of restore) await main.query(statement);
        await main.query('COMMIT');
      } catch (error) {
        await main.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      reconstructionIndexSecondes = Math.round(Number(process.hrtime.bigint() - t) / 1e8) / 10;
    }
    // Statistics and visibility map now, as autovacuum would later: plans and index-only scans as in production.
    const v = process.hrtime.bigint();
    for (const table of Object.keys(VOLUME_TABLES)) await main.query(`VACUUM (ANALYZE) ${table}`);
    log(`  VACUUM ANALYZE en ${(Number(process.hrtime.bigint() - v) / 1e9).toFixed(1)} s`);

    const secondes = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      questions: total,
      secondes: Math.round(secondes * 10) / 10,
      questionsParSeconde: Math.round(total / secondes),
      lignes: rows,
      statuts: stats.statuts,
      reconstructionIndexSecondes,
      depassementPct: total ? Math.round((1000 * breached) / total) / 10 : 0,
      references: { premiere: total ? `…-${String(firstNumber).padStart(6, '0')}` : null, derniere: total ? `…-${String(firstNumber + total - 1).padStart(6, '0')}` : null },
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}

/**
 * Creation instants, in order: `total` questions spread over the MdRs' opening hours (the
 * network calendar: weekdays, no public holidays) between `from` and `now`. A day's share grows
 * with adoption (×0.55 two years ago → ×1 now), dips in summer and at Christmas, peaks in
 * September and January, and is higher on Mondays than on Fridays; inside a window, uniform.
 */
export function* creationTimes(rng: Prng, reseau: PrecomputedBusinessTime, from: Date, now: Date, total: number): Generator<Date> {
  const windows = reseau.openingWindows(from, now);
  if (windows.length === 0 || total === 0) return;
  const span = now.getTime() - from.getTime();
  const season = [1.1, 1.0, 1.0, 1.0, 0.95, 0.95, 0.8, 0.45, 1.15, 1.05, 1.0, 0.75];
  const weekday = [0, 1.15, 1.05, 0.9, 1.0, 0.8, 0, 0];
  const weights = windows.map((w) => {
    const local = DateTime.fromMillis(w.start, { zone: 'Europe/Paris' });
    const growth = 0.55 + 0.45 * ((w.start - from.getTime()) / span);
    return (w.end - w.start) * growth * season[local.month - 1] * weekday[local.weekday];
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let emitted = 0;
  for (let k = 0; k < windows.length; k++) {
    cumulative += weights[k];
    const upTo = k === windows.length - 1 ? total : Math.round((cumulative / sum) * total);
    const count = upTo - emitted;
    emitted = upTo;
    if (count <= 0) continue;
    const { start, end } = windows[k];
    const times: number[] = [];
    for (let j = 0; j < count; j++) times.push(start + Math.floor(rng.next() * (end - start)));
    times.sort((a, b) => a - b);
    for (const t of times) yield new Date(t);
  }
}

/**
 * The per-question draws. MdRs: a log-normal weight each (σ 0.5, drawn from the seed), so a few
 * are two to three times busier than others; a bureau territorial half as busy. Subjects: 75 %
 * a dispositif (popularity decreasing along a seeded order, Zipf-like), 17 % a thème only, 8 %
 * neither (the coordination queue). Priority: 12 % haute. Canal: guichet 45 %, téléphone 35 %,
 * e-mail 20 %.
 */
function drawers(rng: Prng, setup: VolumeSetup) {
  const maisons = new WeightedPicker<MaisonInfo>(
    setup.maisons,
    setup.maisons.map((m) => Math.exp(0.5 * rng.gaussian()) * (m.type === 'bureau_territorial' ? 0.5 : 1)),
  );
  const order = [...setup.dispositifs].map((d) => ({ d, k: rng.next() })).sort((a, b) => a.k - b.k);
  const dispositifs = order.length ? new WeightedPicker<Subject>(order.map((o) => o.d), order.map((_, r) => 1 / (r + 1) ** 0.8)) : null;
  const canaux = new WeightedPicker<Canal>(CANAUX, [0.45, 0.35, 0.2]);
  return {
    maison: () => maisons.pick(rng),
    subject: (): Subject | null => {
      const r = rng.next();
      if (r < 0.75 && dispositifs) return dispositifs.pick(rng);
      if (r < 0.92 && setup.themes.length) return rng.pick(setup.themes);
      return null;
    },
    priorite: (): Priorite => (rng.chance(0.12) ? 'haute' : 'normale'),
    canal: () => canaux.pick(rng),
  };
}

import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { CalendarRegistry, SLA_ENTITIES, SlaConsumer, SlaEngine, SlaTimers } from '@app/sla';
import { verifyTimeline } from '@app/timeline';
import { seedVolume, SeedVolumeOptions, SeedVolumeReport } from '../../apps/worker/src/volume/seed-volume';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { testConfig } from '../setup/test-env';

const NOW = new Date('2026-11-20T14:30:00Z');
const QUESTIONS = 2_000;
const options = (seed: number): SeedVolumeOptions & { ifEmpty?: false } => ({ questions: QUESTIONS, seed, now: NOW, batchSize: 700, append: false, log: () => undefined });

/** Everything generated, as text, in a stable order (ids and hashes included): equal digests, equal data. */
const DIGEST = `
  SELECT md5(coalesce((SELECT string_agg(q::text, '|' ORDER BY q.id) FROM question q), '')) AS question,
         md5(coalesce((SELECT string_agg(e.id || e.hash, '|' ORDER BY e.ticket_id, e.seq) FROM timeline_event e), '')) AS timeline,
         md5(coalesce((SELECT string_agg(h::text, '|' ORDER BY h.id) FROM (SELECT id, etat, consomme_minutes, echeance, avertissement_a, depassee_a, atteinte_a, generation, version FROM sla_horloge) h), '')) AS horloges,
         md5(coalesce((SELECT string_agg(u::text, '|' ORDER BY u.question_id) FROM question_usager u), '')) AS usagers`;

/** The seeded directory and policies of one database into another, ids included (seedDemoData draws new ids). */
async function copyDirectory(from: DataSource, to: DataSource): Promise<void> {
  await to.query(`DELETE FROM sla_politique`);
  for (const table of ['maison', 'direction', 'theme', 'dispositif', 'users', 'referent', 'referent_dispositif', 'referent_theme', 'specialisation', 'sla_politique']) {
    const rows = await from.query(`SELECT coalesce(json_agg(t), '[]') AS rows FROM ${table} t`);
    await to.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(rows[0].rows)]);
  }
}

describe('seed:volume (generated questions, 2,000 on a scratch database)', () => {
  let db: ScratchDatabase;
  let report: SeedVolumeReport;
  let digest: Record<string, string>;
  const q = <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => db.dataSource.query(sql, params);

  beforeAll(async () => {
    db = await createScratchDatabase('relais_test_volume');
    await seedDemoData(db.dataSource);
    report = await seedVolume(db.ownerUrl, options(7));
    [digest] = await q(DIGEST);
  }, 180_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('writes every question with its usager row, unique references, and keeps the sequence ahead', async () => {
    const [c] = await q(`SELECT count(*)::int AS n, count(DISTINCT reference)::int AS refs, max(substring(reference from 8)::int) AS last FROM question`);
    expect(c).toEqual({ n: QUESTIONS, refs: QUESTIONS, last: QUESTIONS });
    expect(await q(`SELECT count(*)::int AS n FROM question_usager`)).toEqual([{ n: QUESTIONS }]);
    expect(await q(`SELECT count(*)::int AS n FROM question WHERE reference !~ '^Q-20[0-9]{2}-[0-9]{6}$'`)).toEqual([{ n: 0 }]);
    // The year of the reference is the year of creation, in Paris.
    expect(await q(`SELECT count(*)::int AS n FROM question WHERE substring(reference from 3 for 4)::int <> extract(year FROM created_at AT TIME ZONE 'Europe/Paris')`)).toEqual([{ n: 0 }]);
    const [{ next }] = await q(`SELECT nextval('question_reference_seq')::int AS next`);
    expect(next).toBe(QUESTIONS + 1);
    expect(report.lignes.question).toBe(QUESTIONS);
  });

  it('writes timelines whose hash chains verify, each with its SLA cursor at the last seq', async () => {
    const ids: Array<{ id: string }> = await q(`SELECT id FROM question ORDER BY id`);
    for (const { id } of ids) {
      const v = await verifyTimeline(db.dataSource, 'question', id);
      if (!v.valide) throw new Error(`timeline of ${id} broken at seq ${v.premiereAnomalie}`);
    }
    expect(
      await q(`SELECT count(*)::int AS n FROM question x
                 LEFT JOIN sla_curseur c ON c.ticket_type = 'question' AND c.ticket_id = x.id
                WHERE c.seq IS DISTINCT FROM (SELECT max(seq) FROM timeline_event e WHERE e.ticket_type = 'question' AND e.ticket_id = x.id)`),
    ).toEqual([{ n: 0 }]);
    // Times never go backwards along a timeline, and nothing happens after now.
    expect(await q(`SELECT count(*)::int AS n FROM timeline_event a JOIN timeline_event b ON b.ticket_id = a.ticket_id AND b.seq = a.seq + 1 WHERE b.at < a.at`)).toEqual([{ n: 0 }]);
    expect(await q(`SELECT count(*)::int AS n FROM timeline_event WHERE at > $1`, [NOW])).toEqual([{ n: 0 }]);
  });

  it('leaves clocks that agree with the question states', async () => {
    const open = `h.etat IN ('running', 'paused', 'breached')`;
    // A closed question (or one answered locally, or reopened and waiting) has no open clock.
    expect(await q(`SELECT count(*)::int AS n FROM sla_horloge h JOIN question x ON x.id = h.ticket_id WHERE ${open} AND x.statut IN ('close', 'repondue_localement', 'recue', 'rouverte')`)).toEqual([{ n: 0 }]);
    // Paused clocks: only the réponse clock of a question waiting for information.
    expect(await q(`SELECT count(*)::int AS n FROM sla_horloge h JOIN question x ON x.id = h.ticket_id WHERE h.etat = 'paused' AND (x.statut <> 'en_attente_info' OR h.horloge <> 'reponse')`)).toEqual([{ n: 0 }]);
    // At the siège: the réponse clock is open; once answered, only the relais clock may be.
    expect(await q(`SELECT count(*)::int AS n FROM question x WHERE x.statut IN ('escaladee', 'prise_en_charge', 'en_attente_info') AND NOT EXISTS (SELECT 1 FROM sla_horloge h WHERE h.ticket_id = x.id AND h.horloge = 'reponse' AND ${open})`)).toEqual([{ n: 0 }]);
    expect(await q(`SELECT count(*)::int AS n FROM sla_horloge h JOIN question x ON x.id = h.ticket_id WHERE ${open} AND x.statut = 'repondue' AND h.horloge <> 'relais'`)).toEqual([{ n: 0 }]);
    // A breach fired once: its key in sla_declenchement and its sla.depassement on the timeline.
    expect(
      await q(`SELECT count(*)::int AS n FROM sla_horloge h WHERE h.depassee_a IS NOT NULL AND (
                 NOT EXISTS (SELECT 1 FROM sla_declenchement d WHERE d.horloge_id = h.id AND d.type = 'depassement' AND d.at = h.depassee_a)
                 OR NOT EXISTS (SELECT 1 FROM timeline_event e WHERE e.ticket_type = 'question' AND e.ticket_id = h.ticket_id AND e.type = 'sla.depassement' AND e.data->>'horlogeId' = h.id::text))`),
    ).toEqual([{ n: 0 }]);
    expect(await q(`SELECT count(*)::int AS n FROM sla_declenchement d LEFT JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.id IS NULL`)).toEqual([{ n: 0 }]);
    // Holder time: one open holding per open clock, none on a finished one.
    expect(
      await q(`SELECT count(*)::int AS n FROM sla_horloge h
                WHERE (SELECT count(*) FROM sla_detention d WHERE d.horloge_id = h.id AND d.jusqu_a IS NULL) <> (CASE WHEN ${open} THEN 1 ELSE 0 END)`),
    ).toEqual([{ n: 0 }]);
  });

  it('spreads the questions as documented', async () => {
    const [s] = await q(`
      SELECT avg((escaladee_at IS NOT NULL)::int)::float AS escaladees,
             min(created_at) AS first, max(created_at) AS last
        FROM question x`);
    expect(s.escaladees).toBeGreaterThan(0.62);
    expect(s.escaladees).toBeLessThan(0.78);
    expect(new Date(s.first).getTime()).toBeLessThan(NOW.getTime() - 700 * 86_400_000);
    expect(report.depassementPct).toBeGreaterThan(8);
    expect(report.depassementPct).toBeLessThan(25);
    // Recent questions are still open at the siège, their clocks running.
    expect(report.statuts.escaladee + report.statuts.prise_en_charge).toBeGreaterThan(0);
    expect(await q(`SELECT count(*)::int AS n FROM sla_horloge WHERE etat = 'running' AND echeance > $1`, [NOW])).not.toEqual([{ n: 0 }]);
  });

  it('writes the clocks the real SLA consumer derives from those timelines', async () => {
    const slaSource = new DataSource({ ...dataSourceOptions(testConfig({ DATABASE_URL: db.url }), SLA_ENTITIES), logging: false } as any);
    await slaSource.initialize();
    try {
      // A sample (the real engine takes ~60 ms a question here): every question whose life went
      // off the straight path (reoriented, paused, reopened or breached), one in sixteen of the others.
      const sample: string[] = (
        await q(`SELECT x.id FROM question x
                  WHERE right(x.id::text, 1) = '0'
                     OR EXISTS (SELECT 1 FROM timeline_event e WHERE e.ticket_type = 'question' AND e.ticket_id = x.id
                                   AND e.type IN ('question.reorientee', 'question.information_demandee', 'question.rouverte', 'sla.depassement'))
                  ORDER BY x.id`)
      ).map((r: { id: string }) => r.id);
      expect(sample.length).toBeGreaterThan(200);
      const snapshot = async () => ({
        horloges: await q(
          `SELECT ticket_id, horloge, cycle, etat, cible_minutes, seuil_pct, politique_id, politique_version, calendrier_id, consomme_minutes,
                  segment_depuis, echeance, avertissement_a, generation, demarree_a, avertie_a, depassee_a, atteinte_a, version
             FROM sla_horloge WHERE ticket_id = ANY($1::uuid[]) ORDER BY ticket_id, horloge, cycle`,
          [sample],
        ),
        detentions: await q(
          `SELECT h.ticket_id, h.horloge, h.cycle, d.detenteur_type, d.detenteur_id, d.depuis, d.jusqu_a, d.minutes
             FROM sla_detention d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = ANY($1::uuid[]) ORDER BY 1, 2, 3, d.depuis`,
          [sample],
        ),
        declenchements: await q(
          `SELECT h.ticket_id, h.horloge, h.cycle, d.generation, d.type, d.at
             FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = ANY($1::uuid[]) ORDER BY 1, 2, 3, d.type, d.generation`,
          [sample],
        ),
        curseurs: await q(`SELECT ticket_id, seq FROM sla_curseur WHERE ticket_id = ANY($1::uuid[]) ORDER BY 1`, [sample]),
      });
      const generated = await snapshot();
      // What sla:rebuild does, for the sample: clear its SLA rows, replay its timelines through the consumer.
      const clocks = `SELECT id FROM sla_horloge WHERE ticket_id = ANY($1::uuid[])`;
      await q(`DELETE FROM sla_declenchement WHERE horloge_id IN (${clocks})`, [sample]);
      await q(`DELETE FROM sla_detention WHERE horloge_id IN (${clocks})`, [sample]);
      await q(`DELETE FROM sla_horloge WHERE ticket_id = ANY($1::uuid[])`, [sample]);
      await q(`DELETE FROM sla_curseur WHERE ticket_id = ANY($1::uuid[])`, [sample]);
      const consumer = new SlaConsumer(new SlaEngine(new CalendarRegistry()), {} as SlaTimers);
      for (const id of sample) await slaSource.transaction((manager) => consumer.apply(manager, 'question', id));
      const replayed = await snapshot();
      expect(replayed.horloges.length).toBe(generated.horloges.length);
      expect(replayed.horloges).toEqual(generated.horloges);
      expect(replayed.detentions).toEqual(generated.detentions);
      expect(replayed.declenchements).toEqual(generated.declenchements);
      expect(replayed.curseurs).toEqual(generated.curseurs);
    } finally {
      await slaSource.destroy();
    }
  }, 300_000);

  it('generates the same rows, ids and hashes included, from the same seed', async () => {
    const again = await createScratchDatabase('relais_test_volume_again');
    try {
      await copyDirectory(db.dataSource, again.dataSource);
      await seedVolume(again.ownerUrl, options(7));
      const [second] = await again.dataSource.query(DIGEST);
      expect(second).toEqual(digest);
    } finally {
      await again.drop();
    }
  }, 180_000);

  it('with ifEmpty (npm start\'s demo questions), leaves a database that has questions as it is', async () => {
    const before = await q(DIGEST);
    expect(await seedVolume(db.ownerUrl, { ...options(8), ifEmpty: true })).toBeNull();
    expect(await q(DIGEST)).toEqual(before);
    await expect(seedVolume(db.ownerUrl, { ...options(8), ifEmpty: true, append: true })).rejects.toThrow(/s’excluent/);
  });

  it('refuses a database that already has questions, unless appending', async () => {
    await expect(seedVolume(db.ownerUrl, options(7))).rejects.toThrow(/déjà des questions/);
    const appended = await seedVolume(db.ownerUrl, { ...options(7), questions: 300, append: true });
    expect(appended.reconstructionIndexSecondes).toBeNull();
    // References go on from the sequence (the first test took one number: gaps are allowed, duplicates never).
    expect(await q(`SELECT count(*)::int AS n, max(substring(reference from 8)::int) AS last FROM question`)).toEqual([{ n: QUESTIONS + 300, last: QUESTIONS + 301 }]);
    const [{ id }] = await q(`SELECT id FROM question WHERE reference LIKE '%-002301'`);
    expect((await verifyTimeline(db.dataSource, 'question', id)).valide).toBe(true);
  }, 60_000);
});

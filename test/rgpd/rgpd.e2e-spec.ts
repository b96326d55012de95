import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ManualClock, QueueName, redisOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { QUESTIONS_PAR_EMAIL, QUESTIONS_PAR_TELEPHONE } from '@app/questions';
import { sealTimelines, verifyAllTimelines } from '@app/timeline';
import { RGPD_RETENTION_JOB } from '../../apps/worker/src/maintenance.processor';
import { createWorkerApp } from '../../apps/worker/src/worker.factory';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { testConfig, TEST_REDIS_URL } from '../setup/test-env';
import { EMAILS, questionBody } from '../questions/fixtures';

const MOIS = 30.5 * 24 * 3600_000;

/** An usager whose identifiers the test then looks for in every row of the database. */
interface Usager {
  nom: string;
  email: string;
  telephone: string;
  /** The forms the phone may take elsewhere (digits only). */
  chiffres: string;
}

const ANCIEN: Usager = { nom: 'Hortense Vidalou', email: 'hortense.vidalou@example.org', telephone: '06 12 34 56 78', chiffres: '0612345678' };
const RECENT: Usager = { nom: 'Jeanne Roquefeuil', email: 'jeanne.roquefeuil@example.org', telephone: '06 98 76 54 32', chiffres: '0698765432' };
const EFFACE: Usager = { nom: 'Arnaud Escarguel', email: 'arnaud.escarguel@example.org', telephone: '05 61 00 00 01', chiffres: '0561000001' };
const OUVERT: Usager = { nom: 'Lucie Sabatier', email: 'lucie.sabatier@example.org', telephone: '04 67 22 33 44', chiffres: '0467223344' };

/**
 * Data protection (issue 16, ADR 0023) on a built history: questions closed 13 and 2 months ago
 * (the API's clock set back), their usager's data in the usager fields, the free texts, the
 * messages, notes, answers, the idempotent answers, the outbox and webhook payloads. The worker's
 * retention job anonymises the old one everywhere and nothing else; the timelines and seals still
 * verify; a second run changes nothing; the dashboards' counts do not move. Then an
 * administrator's access export and erasure, each journaled. The API and the worker connect as
 * the application's role, whose only way to touch the timeline is fil_anonymiser_evenement().
 */
describe('RGPD: retention, access and erasure', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  let worker: INestApplicationContext | null = null;
  let queue: Queue;
  const clock = new ManualClock();
  const now = new Date();
  const env = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: 'relais-rgpd-e2e', WEBHOOK_HTTP_AUTORISE: 'true', OUTBOX_POLL_MS: '200' };
  let tokens: Record<'agent' | 'referent' | 'admin' | 'manager', string>;
  const ids: Record<'ancien' | 'recent' | 'efface' | 'ouvert', { id: string; reference: string }> = {} as never;

  const post = (path: string, token: string, body: unknown = {}, headers?: Record<string, string>) => api.post(`/api/v1${path}`, body, { token, headers });
  const owner = <T = any>(sql: string, params: unknown[] = []) => scratch.ownerQuery<T>(sql, params);

  /** Rows of every table of the schema whose text holds one of the usager's identifiers. */
  async function rowsHolding(u: Usager): Promise<Record<string, number>> {
    const tables: Array<{ t: string }> = await owner(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
    const out: Record<string, number> = {};
    const needles = [u.nom.split(' ')[1], u.email, u.telephone, u.chiffres].map((s) => `%${s.toLowerCase()}%`);
    for (const { t } of tables) {
      const [{ n }] = await owner(`SELECT count(*)::int AS n FROM "${t}" x WHERE lower(x::text) LIKE ANY($1::text[])`, [needles]);
      if (n > 0) out[t] = n;
    }
    return out;
  }

  /** A whole life: recorded (with an Idempotency-Key), tracked, escalated, a note, information asked and given, answered, closed. */
  async function vie(u: Usager, closed: boolean): Promise<{ id: string; reference: string }> {
    const nom = u.nom.split(' ')[1];
    const created = await post(
      '/questions',
      tokens.agent,
      questionBody({
        dispositifId: dispositifId,
        objet: `Demande de Mme ou M. ${nom}`,
        description: `${u.nom} (${u.email}, ${u.telephone}) veut financer une cuve de récupération des eaux de pluie.`,
        usager: { nom: u.nom, organisation: `Camping ${nom}`, email: u.email, telephone: u.telephone, consentement: true },
      }),
      { 'idempotency-key': `rgpd-${nom}` },
    );
    expect(created.status).toBe(201);
    const q = created.body;
    expect((await post(`/questions/${q.id}/lien-suivi`, tokens.agent)).status).toBe(201);
    expect((await post(`/questions/${q.id}/escalader`, tokens.agent, { message: `Rappeler ${nom} au ${u.telephone}.` })).status).toBe(200);
    expect((await post(`/questions/${q.id}/messages`, tokens.agent, { texte: `Note : ${u.email} préfère le courriel.`, visibilite: 'interne' }, { 'idempotency-key': `note-${nom}` })).status).toBe(201);
    expect((await post(`/questions/${q.id}/prendre-en-charge`, tokens.referent)).status).toBe(200);
    expect((await post(`/questions/${q.id}/demander-info`, tokens.referent, { message: `Combien d’emplacements au camping de ${nom} ?` })).status).toBe(200);
    expect((await post(`/questions/${q.id}/fournir-info`, tokens.agent, { message: `120, dit ${u.nom}.` })).status).toBe(200);
    expect((await post(`/questions/${q.id}/repondre`, tokens.referent, { reponse: `Éligible : ${nom} dépose son dossier avant le 31 mars.` })).status).toBe(200);
    if (closed) expect((await post(`/questions/${q.id}/clore`, tokens.agent, { issue: `Réponse donnée par téléphone au ${u.chiffres}.` })).status).toBe(200);
    return { id: q.id, reference: q.reference };
  }

  let dispositifId: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_rgpd');
    await seedDemoData(scratch.dataSource);
    dispositifId = (await owner(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`))[0].id;
    api = await TestApi.start({ config: { DATABASE_URL: scratch.url, ...env }, clock });
    tokens = {
      agent: await api.login(EMAILS.agentCarcassonne),
      referent: await api.login(EMAILS.referentTourisme),
      admin: await api.login(EMAILS.admin),
      manager: await api.login(EMAILS.managerReseau),
    };
    const hook = await post('/webhooks', tokens.admin, { url: 'http://127.0.0.1:1/relais', types: ['question.recue', 'question.escaladee', 'question.information_demandee', 'question.repondue', 'question.close', 'question.message'] });
    expect(hook.status).toBe(201);

    clock.set(new Date(now.getTime() - 13 * MOIS));
    ids.ancien = await vie(ANCIEN, true);
    clock.set(new Date(now.getTime() - 2 * MOIS));
    ids.recent = await vie(RECENT, true);
    ids.efface = await vie(EFFACE, true);
    clock.set(now);
    ids.ouvert = await vie(OUVERT, false);

    worker = await createWorkerApp(testConfig({ DATABASE_URL: scratch.url, ...env }));
    queue = new Queue(QueueName.Maintenance, { connection: redisOptions(TEST_REDIS_URL, 'producer') as never, prefix: env.QUEUE_PREFIX });
    // The outbox relayed and consumed: notifications and webhook deliveries exist, payloads included.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [{ pending, livraisons, notifications }] = await owner(
        `SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS pending,
                (SELECT count(*) FROM webhook_livraison)::int AS livraisons,
                (SELECT count(*) FROM notification)::int AS notifications`,
      );
      if (pending === 0 && livraisons >= 10 && notifications > 0) break;
      if (Date.now() > deadline) throw new Error(`outbox not drained: ${pending} pending, ${livraisons} deliveries`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await worker?.close();
    await api?.close();
    await scratch?.drop();
  });

  async function runRetention(jobId: string): Promise<{ questions: number; evenements: number; nonAnonymisables: number }> {
    await queue.add(RGPD_RETENTION_JOB, {}, { jobId });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const job = await queue.getJob(jobId);
      if (job?.finishedOn) {
        if (job.failedReason) throw new Error(job.failedReason);
        return job.returnvalue;
      }
      if (Date.now() > deadline) throw new Error('retention job did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('anonymises the question closed 13 months ago everywhere, keeps the recent ones, and the chain still verifies', async () => {
    expect(await queue.getJobScheduler(RGPD_RETENTION_JOB)).toMatchObject({ pattern: '30 2 * * *', tz: 'Europe/Paris' });
    // Every usager's data is there to begin with, in the usager row, the texts, the timeline, payloads and stored answers.
    const before = await rowsHolding(ANCIEN);
    // (Webhook deliveries carry a whitelist of ids and codes, ADR 0011: none of it to begin with.)
    expect(Object.keys(before).sort()).toEqual(['idempotency_key', 'outbox', 'question', 'question_usager', 'timeline_event']);
    const recentBefore = await rowsHolding(RECENT);
    const jauge = (token: string) => api.get(`/api/v1/autonomie/jauge?perimetre=reseau&du=${mois(now, -14)}&au=${mois(now, 0)}`, { token });
    const gaugeBefore = (await jauge(tokens.manager)).body;
    // A seal first: the anonymised heads must still verify against it.
    await sealTimelines(scratch.dataSource, now);

    const report = await runRetention('rgpd-1');
    expect(report).toMatchObject({ questions: 1, nonAnonymisables: 0 });
    expect(report.evenements).toBeGreaterThanOrEqual(6);

    expect(await rowsHolding(ANCIEN)).toEqual({});
    expect(await rowsHolding(RECENT)).toEqual(recentBefore);
    expect(Object.keys(await rowsHolding(EFFACE))).toContain('question_usager');

    // What counts stays: states, dates, Maison, dispositif; the texts read « [anonymisé] ».
    const [q] = await owner(`SELECT statut, objet, description, reponse, issue, dispositif_id, closed_at, anonymisee_le FROM question WHERE id = $1`, [ids.ancien.id]);
    expect(q).toMatchObject({ statut: 'close', objet: '[anonymisé]', description: '[anonymisé]', reponse: '[anonymisé]', issue: '[anonymisé]', dispositif_id: dispositifId });
    expect(q.anonymisee_le).not.toBeNull();
    const [u] = await owner(`SELECT nom, organisation, email, telephone, consentement, anonymise_le FROM question_usager WHERE question_id = $1`, [ids.ancien.id]);
    expect(u).toMatchObject({ nom: '[anonymisé]', organisation: '[anonymisé]', email: null, telephone: null, consentement: true });
    expect(await owner(`SELECT count(*)::int AS n FROM question_lien_suivi WHERE question_id = $1`, [ids.ancien.id])).toEqual([{ n: 0 }]);

    // The timeline: same events, texts replaced, each with its digest; GET …/fil/verification and the full check pass, seal included.
    const fil = await api.get(`/api/v1/questions/${ids.ancien.id}/fil`, { token: tokens.agent });
    const textes = fil.body.flatMap((e: { data: Record<string, unknown> }) => ['objet', 'message', 'reponse', 'issue', 'texte'].filter((k) => typeof e.data[k] === 'string').map((k) => e.data[k]));
    expect(textes.length).toBeGreaterThanOrEqual(6);
    expect(new Set(textes)).toEqual(new Set(['[anonymisé]']));
    const verification = await api.get(`/api/v1/questions/${ids.ancien.id}/fil/verification`, { token: tokens.agent });
    expect(verification.body).toMatchObject({ valide: true, tete: { valide: true }, sceau: { valide: true } });
    const all = await verifyAllTimelines(scratch.dataSource);
    expect(all.anomalies).toEqual([]);

    // The dashboards count the same questions.
    expect((await jauge(tokens.manager)).body).toEqual(gaugeBefore);

    // A second run finds nothing and changes nothing.
    const snapshot = async () => owner(`SELECT id, data, empreintes FROM timeline_event ORDER BY id`);
    const events = await snapshot();
    const journal = await owner(`SELECT count(*)::int AS n FROM rgpd_journal`);
    expect(await runRetention('rgpd-2')).toMatchObject({ questions: 0, evenements: 0 });
    expect(await snapshot()).toEqual(events);
    expect(await owner(`SELECT count(*)::int AS n FROM rgpd_journal`)).toEqual(journal);
    expect(await owner(`SELECT acte, acteur_id, motif, identifiant_empreinte, questions FROM rgpd_journal`)).toEqual([
      { acte: 'retention', acteur_id: null, motif: null, identifiant_empreinte: null, questions: [ids.ancien.id] },
    ]);
  }, 60_000);

  it('refuses an anonymisation that would change anything but free texts, or with a wrong digest the chain then exposes', async () => {
    const [e] = await owner(`SELECT id FROM timeline_event WHERE ticket_id = $1 AND type = 'question.repondue'`, [ids.recent.id]);
    // The application's role cannot UPDATE the timeline; through the function, only free texts.
    await expect(scratch.dataSource.query(`UPDATE timeline_event SET data = '{}'::jsonb WHERE id = $1`, [e.id])).rejects.toThrow(/permission denied/);
    await expect(scratch.dataSource.query(`SELECT fil_anonymiser_evenement($1, '{"directionId": "x"}'::jsonb)`, [e.id])).rejects.toThrow(/ajout seul/);
    // A digest that is not the text's: accepted by the database (it has no key), caught by the MAC.
    await scratch.dataSource.query(`SELECT fil_anonymiser_evenement($1, '{"reponse": "00"}'::jsonb)`, [e.id]);
    const v = await api.get(`/api/v1/questions/${ids.recent.id}/fil/verification`, { token: tokens.agent });
    expect(v.body).toMatchObject({ valide: false, anomalie: { raison: expect.stringContaining('MAC invalide') } });
  });

  it('finds an usager by the expression indexes on the normalised e-mail and phone', async () => {
    const client = await scratch.connect();
    try {
      await client.query('BEGIN');
      // A handful of rows: without this the planner rightly prefers reading the table.
      await client.query('SET LOCAL enable_seqscan = off');
      for (const [sql, value, index] of [
        [QUESTIONS_PAR_EMAIL, RECENT.email, 'idx_question_usager_email'],
        [QUESTIONS_PAR_TELEPHONE, RECENT.chiffres, 'idx_question_usager_telephone'],
      ]) {
        const plan = JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, [value])).rows[0]['QUERY PLAN']);
        expect(plan).toContain(index);
        expect((await client.query(sql, [value])).rows).toEqual([{ id: ids.recent.id }]);
      }
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });

  it('exports everything held on an usager to an administrator, and journals it', async () => {
    // The API's clock back to real time: its journal entries come after the worker's.
    clock.set(new Date());
    expect((await post('/rgpd/acces', tokens.agent, { email: RECENT.email })).status).toBe(403);
    expect((await post('/rgpd/acces', tokens.manager, { email: RECENT.email })).status).toBe(403);
    const both = await post('/rgpd/acces', tokens.admin, { email: RECENT.email, telephone: RECENT.telephone });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([{ field: 'telephone', message: expect.any(String) }]);
    expect((await post('/rgpd/acces', tokens.admin, {})).body.errors).toEqual([{ field: 'email', message: expect.any(String) }]);

    const res = await post('/rgpd/acces', tokens.admin, { telephone: '+33 6 98 76 54 32' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="relais-rgpd-acces-\d{4}-\d{2}-\d{2}\.json"/);
    expect(res.body.questions).toHaveLength(1);
    const [q] = res.body.questions;
    expect(q).toMatchObject({ id: ids.recent.id, reference: ids.recent.reference, statut: 'close', usager: { nom: RECENT.nom, email: RECENT.email, telephone: RECENT.telephone } });
    expect(q.description).toContain(RECENT.email);
    expect(q.fil.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['question.recue', 'question.escaladee', 'question.message', 'question.repondue', 'question.close']));
    expect(JSON.stringify(q.fil)).toContain(`préfère le courriel`);
    expect(q.liensSuivi).toHaveLength(1);
    // The old usager's data is gone: nothing held any more.
    clock.advance(1000);
    expect((await post('/rgpd/acces', tokens.admin, { email: ANCIEN.email })).body.questions).toEqual([]);

    const [entry] = (await api.get('/api/v1/rgpd/journal?limit=1', { token: tokens.admin })).body.items;
    expect(entry).toMatchObject({ acte: 'acces', acteur: { displayName: expect.any(String) }, questions: [] });
    const rows = await owner(`SELECT identifiant_empreinte FROM rgpd_journal WHERE acte = 'acces' ORDER BY at`);
    expect(rows).toHaveLength(2);
    expect(rows[0].identifiant_empreinte).toMatch(/^[0-9a-f]{64}$/);
  });

  it('erases on request: refused while a question is open (409 naming it), else the retention’s anonymisation, journaled with its motif', async () => {
    const refused = await post('/rgpd/effacements', tokens.admin, { email: OUVERT.email, motif: 'Demande reçue par courrier le 2 décembre.' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'RGPD_QUESTIONS_OUVERTES', questionsOuvertes: [{ id: ids.ouvert.id, reference: ids.ouvert.reference }] });
    expect(refused.body.detail).toContain(ids.ouvert.reference);
    const sansMotif = await post('/rgpd/effacements', tokens.admin, { email: OUVERT.email });
    expect(sansMotif.status).toBe(400);
    expect(new Set(sansMotif.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['motif']));
    expect((await post('/rgpd/effacements', tokens.referent, { email: EFFACE.email, motif: 'x' })).status).toBe(403);

    clock.advance(60_000);
    const res = await post('/rgpd/effacements', tokens.admin, { telephone: '0033561000001', motif: 'Demande d’effacement reçue au guichet de Carcassonne.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ questions: [{ id: ids.efface.id, reference: ids.efface.reference }] });
    expect(await rowsHolding(EFFACE)).toEqual({});
    expect(Object.keys(await rowsHolding(RECENT)).length).toBeGreaterThan(0);
    const v = await api.get(`/api/v1/questions/${ids.efface.id}/fil/verification`, { token: tokens.agent });
    expect(v.body).toMatchObject({ valide: true });

    const page1 = await api.get('/api/v1/rgpd/journal?limit=2', { token: tokens.admin });
    expect(page1.body.items.map((e: { acte: string }) => e.acte)).toEqual(['effacement', 'acces']);
    expect(page1.body.retentionMois).toBe(12);
    expect(page1.body.items[0]).toMatchObject({ motif: 'Demande d’effacement reçue au guichet de Carcassonne.', questions: [ids.efface.id] });
    const page2 = await api.get(`/api/v1/rgpd/journal?limit=2&cursor=${page1.body.nextCursor}`, { token: tokens.admin });
    expect(page2.body.items.map((e: { acte: string }) => e.acte)).toEqual(['acces', 'retention']);
    expect(page2.body.nextCursor).toBeNull();
    expect((await api.get('/api/v1/rgpd/journal', { token: tokens.manager })).status).toBe(403);
    // The register is append-only.
    await expect(scratch.dataSource.query(`DELETE FROM rgpd_journal`)).rejects.toThrow(/permission denied/);
  });
});

/** The month `offset` months from `at`, as AAAA-MM (UTC). */
function mois(at: Date, offset: number): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
  return d.toISOString().slice(0, 7);
}

import { randomUUID } from 'node:crypto';
import { ManualClock } from '@app/core';
import { seedDemoData } from '@app/directory';
import { TestDb } from '../setup/db';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { TestApi } from '../setup/e2e-app';
import { EMAILS, questionBody } from '../questions/fixtures';

const PROBLEM = /^application\/problem\+json/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-09-01T08:00:00Z');

/**
 * The directory from history (ADR 0014), on a history built through the API with a manual
 * clock: a direction of its own with three référents, so the expected counts and medians are
 * known exactly whatever the other suites wrote.
 */
describe('Annuaire from history (referents-historique, suggestion-referent, orphelins)', () => {
  const clock = new ManualClock(T0);
  let api: TestApi;
  let db: TestDb;
  let scratch: ScratchDatabase;
  const sfx = randomUUID().slice(0, 8);
  const ids: Record<string, string> = {};
  const email = (who: string) => `${who}.${sfx}@hist.test`;

  const as = (who: string) => api.login(who.includes('@') ? who : email(who));
  const get = async (path: string, who = EMAILS.agentCarcassonne) => api.get(`/api/v1${path}`, { token: await as(who) });
  const post = async (path: string, body: unknown, who: string) => {
    const res = await api.post(`/api/v1${path}`, body, { token: await as(who) });
    if (res.status >= 300) throw new Error(`POST ${path} → ${res.status} ${res.text}`);
    return res.body;
  };

  async function insertDirection(key: string) {
    ids[key] = (await db.one(`INSERT INTO direction (code, nom, type) VALUES ($1, $2, 'direction') RETURNING id`, [`${key}-${sfx}`, `Direction ${key} ${sfx}`])).id;
    ids[`disp-${key}`] = (
      await db.one(`INSERT INTO dispositif (code, nom, direction_id) VALUES ($1, $2, $3) RETURNING id`, [`disp-${key}-${sfx}`, `Aide ${key} ${sfx}`, ids[key]])
    ).id;
  }
  async function insertReferent(who: string, nom: string, direction: string, dispositif?: string) {
    const user = await db.one(
      `INSERT INTO users (email, display_name, role, perimetre, direction_id, telephone) VALUES ($1, $2, 'referent', 'direction', $3, '05 00 00 00 00') RETURNING id`,
      [email(who), nom, ids[direction]],
    );
    ids[`u-${who}`] = user.id;
    ids[`r-${who}`] = (await db.one(`INSERT INTO referent (user_id, direction_id) VALUES ($1, $2) RETURNING id`, [user.id, ids[direction]])).id;
    if (dispositif) await db.query(`INSERT INTO referent_dispositif (referent_id, dispositif_id) VALUES ($1, $2)`, [ids[`r-${who}`], ids[dispositif]]);
  }

  /** A question on the dispositif, escalated to `who` at `at` and answered by `who` `heures` later. */
  async function answered(dispositif: string, who: string, at: Date, heures: number) {
    clock.set(at);
    const q = await post('/questions', questionBody({ dispositifId: ids[dispositif] }), EMAILS.agentCarcassonne);
    await post(`/questions/${q.id}/escalader`, { referentId: ids[`r-${who}`] }, EMAILS.agentCarcassonne);
    await post(`/questions/${q.id}/prendre-en-charge`, {}, email(who));
    clock.set(new Date(at.getTime() + heures * HOUR));
    await post(`/questions/${q.id}/repondre`, { reponse: 'Voici la réponse.' }, email(who));
    return q.id as string;
  }

  beforeAll(async () => {
    // A database of its own: the orphan case leaves a dispositif without an active référent,
    // which the shared database's directory suite rightly refuses.
    scratch = await createScratchDatabase('relais_test_annuaire_historique');
    await seedDemoData(scratch.dataSource);
    api = await TestApi.start({ clock, config: { DATABASE_URL: scratch.url } });
    db = new TestDb(scratch.ownerUrl);
    await insertDirection('hist');
    await insertDirection('orph');
    await insertReferent('alice', 'Alice Aubert', 'hist');
    await insertReferent('bruno', 'Bruno Bastide', 'hist');
    await insertReferent('chloe', 'Chloé Cazals', 'hist', 'disp-hist');
    await insertReferent('zoe', 'Zoé Zabal', 'orph');
    // Outside the 12-month window: must not count.
    await answered('disp-hist', 'alice', new Date(T0.getTime() - 400 * DAY), 1);
    // Bruno: 3 answers, median 2 h; Alice: 3 answers, median 6 h; Chloé: 1 answer in 0.5 h.
    let at = T0.getTime();
    for (const [who, h] of [['bruno', 1], ['alice', 5], ['bruno', 30], ['alice', 6], ['bruno', 2], ['alice', 7], ['chloe', 0.5]] as const) {
      await answered('disp-hist', who, new Date(at), h);
      at += 2 * DAY;
    }
    // Zoé answers on the other direction's dispositif, then leaves.
    await answered('disp-orph', 'zoe', new Date(at), 3);
    ids.openQuestion = (await post('/questions', questionBody({ dispositifId: ids['disp-hist'] }), EMAILS.agentCarcassonne)).id;
    clock.set(new Date(at + 7 * DAY));
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await db?.close();
    await scratch?.drop();
  });

  it('lists who actually answered on the dispositif, with counts and medians, most answers first', async () => {
    const res = await get(`/dispositifs/${ids['disp-hist']}/referents-historique`);
    expect(res.status).toBe(200);
    expect(res.body.mois).toBe(12);
    expect(res.body.dispositif).toMatchObject({ id: ids['disp-hist'], direction: { id: ids.hist } });
    expect(res.body.referents.map((r: any) => [r.displayName, r.reponses, r.delaiMedianHeures, r.actif])).toEqual([
      ['Bruno Bastide', 3, 2, true],
      ['Alice Aubert', 3, 6, true],
      ['Chloé Cazals', 1, 0.5, true],
    ]);
    expect(res.body.referents[0]).toMatchObject({ referentId: ids['r-bruno'], userId: ids['u-bruno'], direction: { id: ids.hist } });
  });

  it('widens the window on request: the old answer counts over 24 months', async () => {
    const res = await get(`/dispositifs/${ids['disp-hist']}/referents-historique?mois=24`);
    const alice = res.body.referents.find((r: any) => r.userId === ids['u-alice']);
    expect(alice.reponses).toBe(4);
  });

  it('suggests the best référent and a backup at escalation, and escalating to the suggestion routes it', async () => {
    const res = await get(`/questions/${ids.openQuestion}/suggestion-referent`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      directionId: ids.hist,
      dispositifId: ids['disp-hist'],
      suggere: { referentId: ids['r-bruno'], displayName: 'Bruno Bastide', reponses: 3, delaiMedianHeures: 2, motif: 'historique' },
      renfort: { referentId: ids['r-alice'], reponses: 3, delaiMedianHeures: 6, motif: 'historique' },
    });
    const escalated = await post(`/questions/${ids.openQuestion}/escalader`, { referentId: res.body.suggere.referentId }, EMAILS.agentCarcassonne);
    expect(escalated.statut).toBe('escaladee');
    expect(await db.one(`SELECT referent_id FROM question WHERE id = $1`, [ids.openQuestion])).toEqual({ referent_id: ids['u-bruno'] });
  });

  it('skips inactive référents and falls back to the directory when nobody answered', async () => {
    await db.query(`UPDATE users SET actif = false WHERE id = $1`, [ids['u-bruno']]);
    try {
      const res = await get(`/questions/${ids.openQuestion}/suggestion-referent`);
      expect(res.body.suggere.referentId).toBe(ids['r-alice']);
      expect(res.body.renfort.referentId).toBe(ids['r-chloe']);
      const hist = await get(`/dispositifs/${ids['disp-hist']}/referents-historique`);
      expect(hist.body.referents.find((r: any) => r.userId === ids['u-bruno']).actif).toBe(false);
    } finally {
      await db.query(`UPDATE users SET actif = true WHERE id = $1`, [ids['u-bruno']]);
    }
    // A window with no answer at all: the référent the directory names for the dispositif first.
    clock.set(new Date(T0.getTime() + 800 * DAY));
    try {
      const res = await get(`/questions/${ids.openQuestion}/suggestion-referent?mois=1`);
      expect(res.body.suggere).toMatchObject({ referentId: ids['r-chloe'], reponses: 0, delaiMedianHeures: null, motif: 'annuaire' });
      expect(res.body.renfort).toMatchObject({ displayName: 'Alice Aubert', motif: 'annuaire' });
    } finally {
      clock.set(new Date(T0.getTime() + 30 * DAY));
    }
  });

  it('does not suggest for a question out of the caller’s scope (404)', async () => {
    const res = await get(`/questions/${ids.openQuestion}/suggestion-referent`, EMAILS.agentPerpignan);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
  });

  it('flags a dispositif orphan once its direction has had no active référent and no answer for 4 weeks', async () => {
    const orphelins = async () => {
      const res = await get('/dispositifs?orphelins=true&limit=200', EMAILS.managerReseau);
      expect(res.status).toBe(200);
      return res.body.items.map((d: any) => d.id);
    };
    const answeredAt = T0.getTime() + 14 * DAY + 3 * HOUR;
    clock.set(new Date(answeredAt + 7 * DAY));
    expect(await orphelins()).not.toContain(ids['disp-orph']); // Zoé is active
    await db.query(`UPDATE users SET actif = false WHERE id = $1`, [ids['u-zoe']]);
    expect(await orphelins()).not.toContain(ids['disp-orph']); // she answered a week ago
    clock.set(new Date(answeredAt + 29 * DAY));
    const items = await orphelins();
    expect(items).toContain(ids['disp-orph']);
    expect(items).not.toContain(ids['disp-hist']);
    const one = await get(`/dispositifs?orphelins=true&directionId=${ids.orph}`, EMAILS.admin);
    expect(one.body.items).toEqual([expect.objectContaining({ id: ids['disp-orph'], derniereReponseDirection: new Date(answeredAt).toISOString() })]);
  });

  it('keeps the orphan list to the network manager and admins', async () => {
    for (const who of [EMAILS.agentCarcassonne, EMAILS.referentTourisme, EMAILS.managerTourisme]) {
      const res = await get('/dispositifs?orphelins=true', who);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
    }
    expect((await get('/dispositifs?orphelins=false')).status).toBe(200);
  });

  it('names each Maison’s active responsables for the Annuaire', async () => {
    const res = await get('/maisons?limit=200');
    const carcassonne = res.body.items.find((m: any) => m.code === 'carcassonne');
    expect(carcassonne.responsables.map((r: any) => r.email)).toContain(EMAILS.responsableCarcassonne);
    expect(carcassonne.responsables.map((r: any) => r.email)).not.toContain(EMAILS.agentCarcassonne);
  });

  it('refuses bad input with a problem naming the field', async () => {
    const bad = await get(`/dispositifs/${ids['disp-hist']}/referents-historique?mois=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'mois' })]);
    expect((await get(`/questions/${ids.openQuestion}/suggestion-referent?mois=abc`)).body.errors[0].field).toBe('mois');
    expect((await get('/dispositifs?orphelins=oui', EMAILS.managerReseau)).body.errors[0].field).toBe('orphelins');
    expect((await get('/dispositifs/not-a-uuid/referents-historique')).status).toBe(400);
    expect((await get(`/dispositifs/${randomUUID()}/referents-historique`)).status).toBe(404);
  });
});

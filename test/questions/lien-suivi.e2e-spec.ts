import { createHash } from 'node:crypto';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { directoryFixture, EMAILS, questionBody } from './fixtures';

/**
 * The usager's tracking link: handed by the Maison (POST /questions/{id}/lien-suivi), opened by
 * anyone holding it (GET /suivi/{token}), a French HTML page that never shows a person, a note,
 * a message or an answer; tokens that open nothing all get the same 404 page.
 */
describe('usager tracking link (/suivi)', () => {
  let api: TestApi;
  let db: TestDb;
  let ids: Awaited<ReturnType<typeof directoryFixture>>;
  let agent: string;
  let referent: string;
  let ip = 0;
  const RATE_LIMIT = 5;

  beforeAll(async () => {
    // Behind a trusted proxy, each page request below comes from its own address (X-Forwarded-For),
    // so that only the rate-limit test reaches the (low) limit.
    api = await TestApi.start({ config: { TRUST_PROXY: 'true', SUIVI_RATE_LIMIT: String(RATE_LIMIT) } });
    db = new TestDb();
    ids = await directoryFixture(db);
    agent = await api.login(EMAILS.agentCarcassonne);
    referent = await api.login(EMAILS.referentTourisme);
  });

  afterAll(async () => {
    await api.close();
    await db.close();
  });

  const post = (path: string, token: string, body: unknown = {}) => api.post(`/api/v1${path}`, body, { token });
  const page = (token: string, from = `10.13.${++ip >> 8}.${ip & 255}`) => api.get(`/suivi/${token}`, { headers: { 'x-forwarded-for': from } });
  const lien = async (questionId: string, token = agent) => {
    const res = await post(`/questions/${questionId}/lien-suivi`, token);
    expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: expect.objectContaining({ token: expect.any(String) }) });
    return res.body as { url: string; token: string; expireLe?: string };
  };
  const record = async (overrides: Record<string, unknown> = {}) => {
    const res = await post('/questions', agent, questionBody({ dispositifId: ids.eceau, ...overrides }));
    expect(res.status).toBe(201);
    return res.body;
  };
  const today = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());

  it('shows the reference, the step and its dates at every step of the flow, and never a person, a note, a message or the answer', async () => {
    const secrets = [
      'Zéphyrin Quastelbaum',
      'Brasserie Ornithorynque',
      'zephyrin.quastelbaum@exemple-unique.fr',
      '04 99 87 65 43',
      'Objet Xylophage Vermeil',
      'Description Tamarin Cobalt',
      'Note Pangolin Indigo',
      'Message Axolotl Safran',
      'Escalade Narval Ocre',
      'Demande Okapi Rubis',
      'Complément Lynx Ambre',
      'Réponse Capybara Émeraude',
      'Issue Wombat Carmin',
      'Direction du Tourisme',
      "Ec'Eau Tourisme",
      (await api.get('/api/v1/me', { token: agent })).body.displayName,
      (await api.get('/api/v1/me', { token: referent })).body.displayName,
    ];
    const q = await record({
      objet: 'Objet Xylophage Vermeil',
      description: 'Description Tamarin Cobalt',
      usager: { nom: 'Zéphyrin Quastelbaum', organisation: 'Brasserie Ornithorynque', email: 'zephyrin.quastelbaum@exemple-unique.fr', telephone: '04 99 87 65 43', consentement: true },
    });
    expect((await api.get(`/api/v1/questions/${q.id}`, { token: agent })).body.lienSuiviPossible).toBe(true);
    const { url, token, expireLe } = await lien(q.id);
    expect(url).toBe(`${api.baseUrl}/suivi/${token}`);
    expect(expireLe).toBeUndefined();
    await post(`/questions/${q.id}/messages`, agent, { texte: 'Note Pangolin Indigo', visibilite: 'interne' });
    await post(`/questions/${q.id}/messages`, agent, { texte: 'Message Axolotl Safran', visibilite: 'partage' });

    /** The page now: 200, its headers, the step's words, the milestones so far, and no secret. */
    const expectPage = async (step: string, milestones: string[]) => {
      const res = await page(token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = res.text;
      expect(html).toContain('<html lang="fr">');
      expect(html).toContain(q.reference);
      expect(html).toContain(step);
      expect(html).toContain('Maison de Ma Région – Carcassonne');
      const listed = [...html.matchAll(/<li>(.*?) : <time datetime="[\d-]+">(.*?)<\/time><\/li>/g)].map((m) => `${m[1]} : ${m[2]}`);
      expect(listed).toEqual(milestones.map((m) => `${m} : ${today}`));
      expect(secrets.filter((s) => html.includes(s) || html.includes(s.replace(/'/g, '&#39;')))).toEqual([]);
      return html;
    };

    await expectPage('Votre demande a été enregistrée par la Maison de la Région.', ['Demande enregistrée']);
    await post(`/questions/${q.id}/escalader`, agent, { message: 'Escalade Narval Ocre' });
    await expectPage('Votre demande a été transmise au service compétent de la Région', ['Demande enregistrée', 'Transmise au service compétent']);
    await post(`/questions/${q.id}/prendre-en-charge`, referent);
    await post(`/questions/${q.id}/messages`, referent, { texte: 'Note Pangolin Indigo', visibilite: 'interne' });
    const etude = ['Demande enregistrée', 'Transmise au service compétent', 'Étude commencée par le service compétent'];
    await expectPage('Votre demande est en cours d’étude par le service compétent de la Région.', etude);
    expect((await post(`/questions/${q.id}/demander-info`, referent, { message: 'Demande Okapi Rubis' })).body.statut).toBe('en_attente_info');
    // The exchange between the siège and the Maison is theirs: the usager reads "being studied".
    const attente = await expectPage('Votre demande est en cours d’étude par le service compétent de la Région.', etude);
    expect(attente).not.toMatch(/information|attente/i);
    await post(`/questions/${q.id}/fournir-info`, agent, { message: 'Complément Lynx Ambre' });
    expect((await post(`/questions/${q.id}/repondre`, referent, { reponse: 'Réponse Capybara Émeraude' })).body.statut).toBe('repondue');
    await expectPage('La réponse du service compétent est arrivée à la Maison de la Région, qui va vous recontacter.', [...etude, 'Réponse reçue par la Maison']);
    expect((await post(`/questions/${q.id}/clore`, agent, { issue: 'Issue Wombat Carmin' })).body.statut).toBe('close');
    const close = await expectPage('Votre demande est close.', [...etude, 'Réponse reçue par la Maison', 'Demande close']);
    expect(close).toMatch(/consultable jusqu’au <time datetime="\d{4}-\d{2}-\d{2}">/);

    // The headers of a page nobody may keep, index or leak, and a CSP that allows its one stylesheet only.
    const res = await page(token);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-robots-tag')).toMatch(/noindex/);
    const csp = res.headers.get('content-security-policy')!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)![1];
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|script-src/);
    expect(res.text).not.toMatch(/<script|<img|<link rel="stylesheet"/);

    // The handing is on the Maison's fil, as an internal event without the token; the référent does not see it.
    const fil = (await api.get(`/api/v1/questions/${q.id}/fil`, { token: agent })).body;
    const remis = fil.filter((e: any) => e.type === 'question.lien_suivi_remis');
    expect(remis).toEqual([expect.objectContaining({ visibilite: 'interne', data: { lienId: expect.any(String), remplace: false } })]);
    expect(JSON.stringify(fil)).not.toContain(token);
    const filReferent = (await api.get(`/api/v1/questions/${q.id}/fil`, { token: referent })).body;
    expect(filReferent.some((e: any) => e.type === 'question.lien_suivi_remis')).toBe(false);
  }, 30_000);

  it('tokens: 256 random bits, distinct, only their hash stored; wrong, replaced and expired ones get the same 404 page; a reopened question’s link works again', async () => {
    const q = await record();
    const first = await lien(q.id);
    const second = await lien(q.id);
    const fil = (await api.get(`/api/v1/questions/${q.id}/fil`, { token: agent })).body;
    expect(fil.filter((e: any) => e.type === 'question.lien_suivi_remis').map((e: any) => e.data.remplace)).toEqual([false, true]);
    for (const t of [first.token, second.token]) expect(Buffer.from(t, 'base64url').length).toBe(32);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.token).not.toBe(first.token);

    const rows = await db.query(`SELECT l.*, l::text AS texte FROM question_lien_suivi l WHERE question_id = $1 ORDER BY cree_le, revoque_le NULLS LAST`, [q.id]);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.jeton_hash).sort()).toEqual([first.token, second.token].map((t) => createHash('sha256').update(t).digest('hex')).sort());
    expect(rows.filter((r) => r.revoque_le === null)).toHaveLength(1);
    const everything = JSON.stringify(await db.query(`SELECT (SELECT json_agg(l) FROM question_lien_suivi l) AS liens, (SELECT json_agg(e.data) FROM timeline_event e WHERE ticket_id = $1) AS fil, (SELECT json_agg(o.payload) FROM outbox o WHERE aggregate_id = $1) AS outbox, (SELECT json_agg(k) FROM idempotency_key k) AS cles`, [q.id]));
    expect(everything).not.toContain(first.token);
    expect(everything).not.toContain(second.token);

    const wrong = await page('A'.repeat(43));
    const malformed = await page('pas-un-jeton');
    const replaced = await page(first.token);
    expect((await page(second.token)).status).toBe(200);
    await post(`/questions/${q.id}/clore`, agent, { issue: 'Usager informé' });
    expect((await page(second.token)).status).toBe(200);
    // Closed longer ago than SUIVI_VALIDITE_MOIS (6 by default).
    await db.query(`UPDATE question SET closed_at = closed_at - interval '6 months 1 day' WHERE id = $1`, [q.id]);
    const expired = await page(second.token);
    for (const res of [wrong, malformed, replaced, expired]) {
      expect({ status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control') }).toEqual({
        status: 404,
        type: 'text/html; charset=utf-8',
        cache: 'no-store',
      });
      expect(res.text).toBe(wrong.text);
    }
    expect(wrong.text).toContain('<html lang="fr">');
    expect(wrong.text).toContain('Lien de suivi introuvable');

    // An expired question gets no new link (it would not open), and the Maison is not offered one.
    expect((await api.get(`/api/v1/questions/${q.id}`, { token: agent })).body.lienSuiviPossible).toBe(false);
    const refused = await post(`/questions/${q.id}/lien-suivi`, agent);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'QUESTION_SUIVI_EXPIRE' });
    // Reopened: the link the usager holds works again.
    expect((await post(`/questions/${q.id}/rouvrir`, agent, { motif: 'L’usager revient avec un devis.' })).body.statut).toBe('rouverte');
    const reopened = await page(second.token);
    expect(reopened.status).toBe(200);
    expect(reopened.text).toContain('Votre demande a été rouverte');
  }, 30_000);

  it('two links asked at once leave exactly one working', async () => {
    const q = await record();
    const [a, b] = await Promise.all([lien(q.id), lien(q.id)]);
    const active = await db.query(`SELECT jeton_hash FROM question_lien_suivi WHERE question_id = $1 AND revoque_le IS NULL`, [q.id]);
    expect(active).toHaveLength(1);
    const statuses = [(await page(a.token)).status, (await page(b.token)).status].sort();
    expect(statuses).toEqual([200, 404]);
  });

  it('only the question’s Maison hands a link: 404 out of scope, 403 in scope without the right, 401 without a token', async () => {
    const q = await record();
    await post(`/questions/${q.id}/escalader`, agent);
    const before = await db.count('question_lien_suivi');
    const as = async (email: string) => (await post(`/questions/${q.id}/lien-suivi`, await api.login(email))).status;
    expect(await as(EMAILS.agentPerpignan)).toBe(404);
    expect(await as(EMAILS.cabinet)).toBe(404);
    expect(await as(EMAILS.referentTourisme)).toBe(403);
    expect(await as(EMAILS.managerReseau)).toBe(403);
    expect((await api.post(`/api/v1/questions/${q.id}/lien-suivi`, {})).status).toBe(401);
    expect((await api.get(`/api/v1/questions/${q.id}`, { token: referent })).body.lienSuiviPossible).toBe(false);
    expect(await db.count('question_lien_suivi')).toBe(before);
    await lien(q.id, await api.login(EMAILS.responsableCarcassonne));
  });

  it('rate-limits the page per client address, with a French HTML page', async () => {
    const from = '10.99.0.1';
    const answers = [];
    for (let i = 0; i <= RATE_LIMIT; i++) answers.push(await page('B'.repeat(43), from));
    expect(answers.map((r) => r.status)).toEqual([...Array(RATE_LIMIT).fill(404), 429]);
    const limited = answers[RATE_LIMIT];
    expect(limited.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.text).toContain('Trop de consultations');
    // Another address is not held back.
    expect((await page('B'.repeat(43))).status).toBe(404);
  });
});

import { WebhookConsumer, WebhookSender } from '@app/notifications';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';
import { WebhookReceiver } from './receiver';

/**
 * Signed webhooks end to end (ADR 0011): the API registers endpoints, the worker turns ticket
 * events into deliveries and sends them to a real HTTP receiver on loopback, which verifies each
 * signature with the `standardwebhooks` library. The retry schedule is compressed (200 ms).
 */
describe('webhooks', () => {
  let f: SlaFixture;
  const receiver = new WebhookReceiver();
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    await receiver.start();
    f = await SlaFixture.start('relais_test_webhooks', 2, {
      WEBHOOK_HTTP_AUTORISE: 'true',
      WEBHOOK_RETRY_SCHEDULE: '200ms,200ms',
      WEBHOOK_TIMEOUT_MS: '30000',
      WEBHOOK_CONCURRENCY_PER_ENDPOINT: '2',
    });
    admin = await f.api.login(EMAILS.admin);
    agent = await f.api.login(EMAILS.agentCarcassonne);
  }, 60_000);

  afterAll(async () => {
    await receiver.close();
    await f?.close();
  });

  async function register(path: string, types: string[], behaviour: Parameters<WebhookReceiver['on']>[1]) {
    const res = await f.api.post('/api/v1/webhooks', { url: receiver.baseUrl + path, description: `Récepteur ${path}`, types }, { token: admin });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    receiver.on(path, behaviour, res.body.secret);
    return res.body as { id: string; version: number; secret: string };
  }

  async function livraisons(endpointId: string, statut?: string): Promise<any[]> {
    const res = await f.api.get(`/api/v1/webhooks/${endpointId}/livraisons${statut ? `?statut=${statut}` : ''}`, { token: admin });
    expect(res.status).toBe(200);
    return res.body.items;
  }

  async function newQuestion(body = questionBody()): Promise<string> {
    const res = await f.api.post('/api/v1/questions', body, { token: agent });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('is for administrators only, and refuses bad input naming the field', async () => {
    const referent = await f.api.login(EMAILS.referentTourisme);
    expect((await f.api.get('/api/v1/webhooks', { token: agent })).status).toBe(403);
    const refused = await f.api.post('/api/v1/webhooks', { url: 'https://exemple.fr/h', types: ['question.recue'] }, { token: referent });
    expect(refused.status).toBe(403);
    expect((await f.api.post('/api/v1/webhooks/livraisons/00000000-0000-4000-8000-000000000001/rejouer', {}, { token: referent })).status).toBe(403);
    const badUrl = await f.api.post('/api/v1/webhooks', { url: 'ftp://exemple.fr/h', types: ['question.recue'] }, { token: admin });
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(badUrl.body.errors.map((e: any) => e.field)).toEqual(['url']);
    const badType = await f.api.post('/api/v1/webhooks', { url: 'https://exemple.fr/h', types: ['question.inventee'] }, { token: admin });
    expect(badType.status).toBe(400);
    expect(badType.body.errors[0].field).toMatch(/^types/);
    expect((await f.query(`SELECT count(*)::int n FROM webhook_endpoint`))[0].n).toBe(0);
    expect((await f.api.get('/api/v1/webhooks/00000000-0000-4000-8000-000000000001/livraisons', { token: admin })).status).toBe(404);
  });

  it('delivers each event once in effect, signed, after the receiver’s failures; internal notes and personal data never leave', async () => {
    const endpoint = await register('/instable', ['question.recue', 'question.escaladee', 'question.message'], { failFirst: 2 });
    const [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const usager = { nom: 'Zébulon Quichotte', organisation: 'Gîte du Moulin', email: 'zebulon.quichotte@exemple.fr', telephone: '04 68 99 88 77', consentement: true };
    const id = await newQuestion(questionBody({ dispositifId: eceau, objet: 'Objet très particulier', usager }));
    expect((await f.api.post(`/api/v1/questions/${id}/escalader`, { message: 'Message d’escalade confidentiel' }, { token: agent })).status).toBe(200);
    expect((await f.api.post(`/api/v1/questions/${id}/messages`, { texte: 'NOTE-INTERNE-SECRETE', visibilite: 'interne' }, { token: agent })).status).toBe(201);
    expect((await f.api.post(`/api/v1/questions/${id}/messages`, { texte: 'MESSAGE-PARTAGE-TEXTE', visibilite: 'partage' }, { token: agent })).status).toBe(201);

    const delivered = await f.waitFor(async () => {
      const items = await livraisons(endpoint.id, 'livree');
      return items.length === 3 ? items : null;
    }, 30_000, 'three deliveries');
    expect(delivered.map((l) => l.type).sort()).toEqual(['question.escaladee', 'question.message', 'question.recue']);
    expect(delivered.every((l) => l.tentatives === 3 && l.dernierStatutHttp === 204 && l.derniereErreur === null)).toBe(true);

    const requests = receiver.at('/instable');
    expect(requests).toHaveLength(9);
    expect(requests.every((r) => r.verified)).toBe(true);
    for (const l of delivered) {
      const attempts = requests.filter((r) => r.id === l.id);
      // Every attempt carries the same webhook-id and body; one succeeded.
      expect(attempts.map((r) => r.status)).toEqual([500, 500, 204]);
      expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    }
    const bodies = requests.map((r) => JSON.parse(r.body));
    const recue = bodies.find((b) => b.type === 'question.recue');
    expect(recue).toEqual({
      type: 'question.recue',
      timestamp: expect.any(String),
      data: expect.objectContaining({ evenementId: delivered.find((l) => l.type === 'question.recue').evenementId, seq: 1, ticket: { type: 'question', id, reference: expect.stringMatching(/^Q-\d{4}-\d{6}$/) }, statut: 'recue' }),
    });
    expect(bodies.find((b) => b.type === 'question.escaladee').data.statut).toBe('escaladee');
    const all = requests.map((r) => r.body).join('\n');
    for (const secret of [usager.nom, usager.email, usager.telephone, usager.organisation, 'Objet très particulier', 'récupération des eaux', 'NOTE-INTERNE-SECRETE', 'MESSAGE-PARTAGE-TEXTE', 'confidentiel']) {
      expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false });
    }

    // The event consumed a second time (its idempotency key lost): no second delivery.
    const worker = f.workers[0];
    const consumer = worker.get(WebhookConsumer);
    const recueEvent = delivered.find((l) => l.type === 'question.recue').evenementId;
    const [outbox] = await f.query(`SELECT id, type, aggregate_type, aggregate_id, payload FROM outbox WHERE id = $1`, [recueEvent]);
    const again = await f.scratch.dataSource.transaction((manager) =>
      consumer.handle({ eventId: outbox.id, type: outbox.type, aggregateType: outbox.aggregate_type, aggregateId: outbox.aggregate_id, payload: outbox.payload }, manager),
    );
    expect(again).toBeUndefined();
    expect((await f.query(`SELECT count(*)::int n FROM webhook_livraison WHERE evenement_id = $1`, [recueEvent]))[0].n).toBe(1);
    // A delivered delivery's job run again does nothing.
    const sender = worker.get(WebhookSender);
    expect((await sender.deliver(delivered[0].id)).kind).toBe('terminee');
    expect(await sender.reconcile(0)).toBe(0);
    expect(receiver.at('/instable')).toHaveLength(9);

    const desactive = await f.api.post(`/api/v1/webhooks/${endpoint.id}/desactiver`, {}, { token: admin, headers: { 'if-match': `"${endpoint.version}"` } });
    expect(desactive.status).toBe(200);
    expect(desactive.body).toMatchObject({ actif: false, version: 2, livraisons: { livrees: 3, echouees: 0, enAttente: 0 } });
    expect((await f.api.post(`/api/v1/webhooks/${endpoint.id}/desactiver`, {}, { token: admin })).status).toBe(409);
  }, 60_000);

  it('marks a delivery echouee after its last attempt; a replay delivers it with the same webhook-id; the reconciler sends what Redis lost and what a killed worker held', async () => {
    const endpoint = await register('/panne', ['question.recue'], 'down');
    const redirige = await register('/redirige', ['question.recue'], 'redirect');
    await newQuestion();
    const [failed] = await f.waitFor(async () => {
      const items = await livraisons(endpoint.id, 'echouee');
      return items.length === 1 ? items : null;
    }, 30_000, 'a failed delivery');
    expect(failed).toMatchObject({ tentatives: 3, dernierStatutHttp: 500, prochaineTentativeA: null, livreeA: null });
    expect(failed.derniereErreur).toMatch(/^HTTP 500 : Erreur interne du récepteur/);
    expect(receiver.at('/panne').map((r) => r.status)).toEqual([500, 500, 500]);
    // A redirect is a failure, never followed.
    const [redirected] = await f.waitFor(async () => {
      const items = await livraisons(redirige.id, 'echouee');
      return items.length === 1 ? items : null;
    }, 30_000, 'the redirected delivery failed');
    expect(redirected).toMatchObject({ tentatives: 3, dernierStatutHttp: 302, derniereErreur: 'HTTP 302 (redirection non suivie)' });
    expect(receiver.at('/cible-de-redirection')).toHaveLength(0);
    expect((await f.api.post(`/api/v1/webhooks/${redirige.id}/desactiver`, {}, { token: admin })).status).toBe(200);
    const listed = (await f.api.get('/api/v1/webhooks', { token: admin })).body.items.find((w: any) => w.id === endpoint.id);
    expect(listed.livraisons).toEqual({ enAttente: 0, livrees: 0, echouees: 1 });
    expect(listed.secret).toBeUndefined();

    receiver.on('/panne', 'ok');
    const replay = await f.api.post(`/api/v1/webhooks/livraisons/${failed.id}/rejouer`, {}, { token: admin });
    expect(replay.status).toBe(200);
    expect(replay.body.statut).toBe('en_attente');
    await f.waitFor(async () => (await livraisons(endpoint.id, 'livree')).length === 1, 30_000, 'the replay delivered');
    const panne = receiver.at('/panne');
    expect(panne).toHaveLength(4);
    expect(panne[3]).toMatchObject({ id: failed.id, verified: true, status: 204 });
    expect(panne[3].body).toBe(panne[0].body);

    // A replay whose job Redis lost: the row is due, the reconciler enqueues it.
    await f.query(`UPDATE webhook_livraison SET statut = 'en_attente', tentatives_max = tentatives + 1, prochaine_tentative_a = now() WHERE id = $1`, [failed.id]);
    expect(await f.workers[0].get(WebhookSender).reconcile(0)).toBe(1);
    await f.waitFor(async () => receiver.at('/panne').length === 5, 30_000, 'the reconciled delivery');
    await f.waitFor(async () => (await livraisons(endpoint.id, 'livree')).length === 1, 30_000, 'delivered again');

    // A worker killed mid-send: its claim lapses and the delivery is sent again, same webhook-id.
    await f.query(
      `UPDATE webhook_livraison SET statut = 'en_attente', tentatives_max = tentatives + 1, prochaine_tentative_a = now(), en_cours_jusqua = now() + interval '1 hour', jeton = gen_random_uuid() WHERE id = $1`,
      [failed.id],
    );
    expect(await f.workers[0].get(WebhookSender).reconcile(0)).toBe(0);
    await f.query(`UPDATE webhook_livraison SET en_cours_jusqua = now() - interval '1 second' WHERE id = $1`, [failed.id]);
    expect(await f.workers[0].get(WebhookSender).reconcile(0)).toBe(1);
    await f.waitFor(async () => receiver.at('/panne').length === 6, 30_000, 'sent again after the lapsed claim');
    await f.waitFor(async () => (await livraisons(endpoint.id, 'livree')).length === 1, 30_000, 'delivered after the lapsed claim');
    expect(new Set(receiver.at('/panne').map((r) => r.id))).toEqual(new Set([failed.id]));

    // Done deliveries are purged after their retention: a month delivered, a quarter failed.
    const old = (days: number, statut: string) =>
      f.query(
        `INSERT INTO webhook_livraison (id, endpoint_id, evenement_id, type, payload, statut, tentatives, tentatives_max, prochaine_tentative_a, creee_a)
         VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'question.recue', '{}', $2, 1, 1, now(), now() - make_interval(days => $3)) RETURNING id`,
        [endpoint.id, statut, days],
      );
    const [[gone], [kept], [gone2]] = [await old(31, 'livree'), await old(31, 'echouee'), await old(91, 'echouee')];
    expect(await f.workers[0].get(WebhookSender).purge()).toBe(2);
    const left = (await f.query(`SELECT id FROM webhook_livraison WHERE id = ANY($1::uuid[])`, [[gone.id, kept.id, gone2.id]])).map((r) => r.id);
    expect(left).toEqual([kept.id]);
    expect((await f.api.post(`/api/v1/webhooks/${endpoint.id}/desactiver`, {}, { token: admin })).status).toBe(200);
  }, 60_000);

  it('a receiver that never answers holds two slots at most and does not delay another endpoint', async () => {
    const hanging = await register('/muet', ['question.recue'], 'hang');
    const good = await register('/rapide', ['question.recue'], 'ok');
    for (let i = 0; i < 3; i++) await newQuestion();
    await f.waitFor(async () => (await livraisons(good.id, 'livree')).length === 3, 30_000, 'the good endpoint served');
    expect(receiver.at('/rapide').every((r) => r.verified)).toBe(true);
    // Meanwhile the silent one has its two attempts in flight, unanswered; the third waits its turn.
    await f.waitFor(async () => receiver.openRequests === 2, 10_000, 'two requests hanging');
    expect(receiver.at('/muet')).toHaveLength(2);
    const muet = await livraisons(hanging.id);
    expect(muet.map((l) => l.statut)).toEqual(['en_attente', 'en_attente', 'en_attente']);
    // Deactivated, then its connections cut: the pending deliveries are abandoned, not retried forever.
    expect((await f.api.post(`/api/v1/webhooks/${hanging.id}/desactiver`, {}, { token: admin })).status).toBe(200);
    receiver.releaseHanging();
    await f.waitFor(async () => (await livraisons(hanging.id, 'echouee')).length === 3, 30_000, 'abandoned');
  }, 60_000);
  it('an SLA breach reaches an endpoint subscribed to it, with the ticket’s reference and statut', async () => {
    const endpoint = await register('/sla', ['sla.depassement'], 'ok');
    // The worker follows the subscriptions to SLA events every 2 s.
    const consumer = f.workers[0].get(WebhookConsumer);
    await f.waitFor(async () => consumer.handles('sla.depassement'), 10_000, 'the subscription followed');
    await f.setTargets({ prise_en_charge: 0.03 });
    const [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const id = await newQuestion(questionBody({ dispositifId: eceau }));
    expect((await f.api.post(`/api/v1/questions/${id}/escalader`, {}, { token: agent })).status).toBe(200);
    await f.waitFor(async () => (await livraisons(endpoint.id, 'livree')).length === 1, 30_000, 'the breach delivered');
    const [request] = receiver.at('/sla');
    expect(request.verified).toBe(true);
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ type: 'sla.depassement', data: { ticket: { type: 'question', id }, statut: 'escaladee', horloge: 'prise_en_charge' } });
    expect(body.data.ticket.reference).toMatch(/^Q-\d{4}-\d{6}$/);
    expect(body.data.seq).toEqual(expect.any(Number));
  }, 60_000);
});

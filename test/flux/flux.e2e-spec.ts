import { randomUUID } from 'node:crypto';
import { fluxStreamKey } from '@app/notifications';
import { compareStreamIds } from '../../apps/api/src/flux/stream-id';
import { briefComplet, commandeFixture } from '../commandes/fixtures';
import { EMAILS } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';
import { API_MAIN, buildIfStale, freePort, spawnNode, waitForHttp } from '../ops/spawned';
import { TestApi } from '../setup/e2e-app';
import { SseClient } from './sse-client';

/**
 * GET /flux over real HTTP, PostgreSQL and Redis: a worker writes the stream from the outbox,
 * two API processes (this one's, and the compiled API in a process of its own, each with its
 * Redis reader) fan it out. Scope as reading the ticket, internal notes to their unit, Last-Event-ID resume,
 * resync when the stream no longer holds what was missed, the per-user cap, a clean shutdown.
 */
describe('live stream GET /api/v1/flux (server-sent events)', () => {
  let f: SlaFixture;
  let api: TestApi;
  /** The second API: the compiled one, in its own process, on the same database and Redis. */
  let api2: { baseUrl: string; close: () => Promise<void> };
  let api2Closed = false;
  let key: string;
  const tokens: Record<string, string> = {};
  const opened: SseClient[] = [];
  let tourisme: string;
  let eceau: string;

  const open = async (who: keyof typeof EMAILS, options: { lastEventId?: string; on?: { baseUrl: string } } = {}) => {
    const client = await SseClient.open(`${(options.on ?? api).baseUrl}/api/v1/flux`, tokens[who], options);
    opened.push(client);
    return client;
  };
  const post = async (who: keyof typeof EMAILS, path: string, body: object = {}) => {
    const res = await api.post(`/api/v1${path}`, body, { token: tokens[who] });
    if (res.status >= 300) throw new Error(`POST ${path} → ${res.status} ${res.text}`);
    return res.body;
  };
  const newQuestion = (who: keyof typeof EMAILS, objet: string) =>
    post(who, '/questions', { objet, description: 'Une question pour le flux.', canal: 'guichet', dispositifId: eceau, usager: { nom: 'Usager Test', consentement: true } });
  /** The stream's last entry now. */
  const streamEnd = async () => ((await f.redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>)[0][0];
  /** Every entry up to `id` has been weighed for this client (an event, or the heartbeat's curseur, carries an id ≥ it). */
  const caughtUp = (client: SseClient, id: string) => client.waitFor(() => client.lastId !== null && compareStreamIds(client.lastId, id) >= 0, `the stream up to ${id}`);
  const filOf = (client: SseClient, ticketId: string) => client.of<{ ticketId: string; seq: number; type: string }>('fil').filter((e) => e.ticketId === ticketId);
  const seqsOf = (client: SseClient, ticketId: string) => [...new Set(filOf(client, ticketId).map((e) => e.seq))].sort((a, b) => a - b);

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_flux', 3, { FLUX_HEARTBEAT_MS: '1000', FLUX_MAX_STREAMS_PER_USER: '3' });
    api = f.api;
    buildIfStale();
    const port = await freePort();
    const proc = spawnNode([API_MAIN], {
      PATH: process.env.PATH,
      ...f.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      AUTH_DEV_LOGIN: 'true',
      LOGIN_RATE_LIMIT: '1000',
      LOG_LEVEL: 'warn',
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${baseUrl}/health/live`, proc);
    api2 = {
      baseUrl,
      close: async () => {
        proc.child.kill('SIGTERM');
        await proc.exited;
      },
    };
    key = fluxStreamKey(f.env.QUEUE_PREFIX);
    for (const who of Object.keys(EMAILS) as Array<keyof typeof EMAILS>) tokens[who] = await api.login(EMAILS[who]);
    [{ id: tourisme }] = await f.query(`SELECT id FROM direction WHERE code = 'tourisme'`);
    [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
  }, 120_000);

  afterAll(async () => {
    for (const client of opened) client.close();
    if (!api2Closed) await api2?.close();
    await f?.close();
  });

  let carcassonne: SseClient;
  let perpignan: SseClient;
  let referent: SseClient;
  let referentDef: SseClient;
  let qA: { id: string; reference: string };
  let qB: { id: string };

  it('asks for a token, and answers an event stream that is not buffered', async () => {
    const anonymous = await SseClient.open(`${api.baseUrl}/api/v1/flux`, 'pas-un-jeton');
    expect(anonymous.status).toBe(401);
    expect(anonymous.contentType).toMatch(/^application\/problem\+json/);

    carcassonne = await open('agentCarcassonne');
    expect(carcassonne.status).toBe(200);
    expect(carcassonne.contentType).toBe('text/event-stream; charset=utf-8');
    perpignan = await open('agentPerpignan');
    referent = await open('referentTourisme');
    referentDef = await open('referentDef');
  });

  it('each MdR receives its own question’s events and none of the other’s; the direction it is escalated to receives it from then on, another direction never; an internal note stays in its unit', async () => {
    qA = await newQuestion('agentCarcassonne', 'Question de Carcassonne');
    qB = await newQuestion('agentPerpignan', 'Question de Perpignan');
    await post('agentCarcassonne', `/questions/${qA.id}/messages`, { texte: 'Note de la Maison, secrète.', visibilite: 'interne' });
    await post('agentCarcassonne', `/questions/${qA.id}/escalader`, { directionId: tourisme });
    await post('agentCarcassonne', `/questions/${qA.id}/messages`, { texte: 'Précision pour la direction.', visibilite: 'partage' });
    const fil: Array<{ seq: number; type: string; visibilite: string }> = (await api.get(`/api/v1/questions/${qA.id}/fil`, { token: tokens.agentCarcassonne })).body;
    const all = fil.map((e) => e.seq);
    const internal = fil.filter((e) => e.visibilite === 'interne').map((e) => e.seq);
    expect(internal).toHaveLength(1);

    // The MdR: every event of its question, the internal note included (as its fil shows them).
    await carcassonne.waitFor(() => seqsOf(carcassonne, qA.id).length === all.length, 'every event of Carcassonne’s question');
    expect(seqsOf(carcassonne, qA.id)).toEqual(all);
    const escalade = filOf(carcassonne, qA.id).find((e) => e.type === 'question.escaladee')!;
    expect(escalade).toMatchObject({ ticketType: 'question', reference: qA.reference });
    // The référent: the escalation and what follows, not the Maison's note.
    await referent.waitFor(() => filOf(referent, qA.id).some((e) => e.type === 'question.message' && e.seq === Math.max(...all)), 'the shared message at the référent');
    await perpignan.waitFor(() => filOf(perpignan, qB.id).length > 0, 'Perpignan’s own question');

    // Nothing else is on its way: every client has weighed every entry written so far.
    const end = await streamEnd();
    for (const client of [carcassonne, perpignan, referent, referentDef]) await caughtUp(client, end);
    expect(filOf(perpignan, qA.id)).toEqual([]);
    // Carcassonne follows Tourisme (Ec'Eau's thème): a spécialisation reads, it is not pushed (ADR 0018).
    expect(filOf(carcassonne, qB.id)).toEqual([]);
    expect(seqsOf(referent, qA.id)).not.toContain(internal[0]);
    expect(seqsOf(referent, qA.id)).toContain(escalade.seq);
    expect(filOf(referent, qB.id)).toEqual([]);
    expect(referentDef.of('fil')).toEqual([]);
    // Events say what to refetch, never what a note said.
    expect(JSON.stringify(carcassonne.events)).not.toMatch(/secrète|Précision/);
  });

  it('a commande’s events reach the Maison it is sent to and its contacts, no other Maison', async () => {
    const ids = await commandeFixture(f.scratch.dataSource);
    const echeance = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const draft = await post('cabinet', '/commandes', briefComplet(ids, { maisonIds: [ids.carcassonne], echeance }));
    const issued = await post('cabinet', `/commandes/${draft.id}/emettre`);
    // Carcassonne (the Maison it is sent to) and the DEF référent (a contact of its brief) receive it.
    await carcassonne.waitFor(() => filOf(carcassonne, issued.id).length > 0, 'the commande at Carcassonne');
    await referentDef.waitFor(() => filOf(referentDef, issued.id).length > 0, 'the commande at its contact');
    expect(filOf(carcassonne, issued.id)[0]).toMatchObject({ ticketType: 'commande', reference: issued.reference });
    const end = await streamEnd();
    for (const client of [perpignan, referent]) await caughtUp(client, end);
    expect(filOf(perpignan, issued.id)).toEqual([]);
    expect(filOf(referent, issued.id)).toEqual([]);
  });

  it('a client that comes back with Last-Event-ID receives what it missed, then what follows; an id the stream no longer holds, or a forged one, gets resync', async () => {
    const resumeFrom = referent.lastId!;
    referent.close();
    await post('referentTourisme', `/questions/${qA.id}/prendre-en-charge`);
    await post('referentTourisme', `/questions/${qA.id}/demander-info`, { message: 'Quel montant ?' });
    await carcassonne.waitFor(() => filOf(carcassonne, qA.id).some((e) => e.type === 'question.information_demandee'), 'the information request at the MdR');

    const back = await open('referentTourisme', { lastEventId: resumeFrom });
    await back.waitFor(() => filOf(back, qA.id).some((e) => e.type === 'question.information_demandee'), 'the missed events, replayed');
    expect(filOf(back, qA.id).map((e) => e.type)).toEqual(['question.prise_en_charge', 'question.information_demandee']);
    expect(back.of('resync')).toEqual([]);
    await post('agentCarcassonne', `/questions/${qA.id}/fournir-info`, { message: '12 000 euros.' });
    await back.waitFor(() => filOf(back, qA.id).some((e) => e.type === 'question.information_fournie'), 'a live event after the replay');
    back.close();

    const forged = await open('referentTourisme', { lastEventId: 'pas-un-id' });
    await forged.waitFor(() => forged.of('resync').length === 1, 'resync for a forged id');
    forged.close();
    // Trim the stream past the point the client left: what it missed is gone.
    await f.redis.xtrim(key, 'MAXLEN', 1);
    const late = await open('referentTourisme', { lastEventId: resumeFrom });
    await late.waitFor(() => late.of('resync').length === 1, 'resync after the stream was trimmed');
    expect(late.of('fil')).toEqual([]);
    late.close();
  });

  it('a rerouted question: the new direction receives its events from then on, the former one still does (it still reads the question)', async () => {
    const [{ id: def }] = await f.query(`SELECT id FROM direction WHERE code = 'def'`);
    await post('referentTourisme', `/questions/${qA.id}/reorienter`, { directionId: def, motif: 'Relève de la formation.' });
    const tourismeAgain = await open('referentTourisme');
    await post('agentCarcassonne', `/questions/${qA.id}/messages`, { texte: 'Après la réorientation.', visibilite: 'partage' });
    const [{ seq }] = await f.query(`SELECT max(seq)::int AS seq FROM timeline_event WHERE ticket_id = $1`, [qA.id]);
    await referentDef.waitFor(() => filOf(referentDef, qA.id).some((e) => e.seq === seq), 'the message at the new direction');
    expect(filOf(referentDef, qA.id).map((e) => e.type)).toContain('question.reorientee');
    await tourismeAgain.waitFor(() => filOf(tourismeAgain, qA.id).some((e) => e.seq === seq), 'the message at the former direction');
    expect((await api.get(`/api/v1/questions/${qA.id}`, { token: tokens.referentTourisme })).status).toBe(200);
    tourismeAgain.close();
  });

  it('two API processes: a client on each receives the same event once; a notification reaches its recipient only', async () => {
    const here = await open('agentCarcassonne');
    const there = await open('agentCarcassonne', { on: api2 });
    const referentThere = await open('referentTourisme', { on: api2 });
    await post('agentCarcassonne', `/questions/${qA.id}/messages`, { texte: 'Un message pour deux processus.', visibilite: 'partage' });
    const [{ seq }] = await f.query(`SELECT max(seq)::int AS seq FROM timeline_event WHERE ticket_id = $1`, [qA.id]);
    for (const client of [here, there]) await client.waitFor(() => filOf(client, qA.id).some((e) => e.seq === seq), 'the message on both processes');

    // A notification as the rules write it (notifications + one notification.creee outbox row).
    const [{ id: referentId }] = await f.query(`SELECT id FROM users WHERE email = $1`, [EMAILS.referentTourisme]);
    const notification = randomUUID();
    const source = randomUUID();
    await f.query(
      `INSERT INTO notification (id, destinataire_id, type, evenement_id, ticket_type, ticket_id, reference, titre, lien, creee_a)
       VALUES ($1, $2, 'question_escaladee', $3, 'question', $4, $5, $6, $7, now())`,
      [notification, referentId, source, qA.id, qA.reference, `La question ${qA.reference} attend votre direction.`, `/questions/${qA.id}`],
    );
    await f.query(`INSERT INTO outbox (id, type, aggregate_type, aggregate_id, payload, occurred_at) VALUES ($1, 'notification.creee', 'question', $2, $3, now())`, [
      randomUUID(),
      qA.id,
      JSON.stringify({ sourceEventId: source, notifications: [{ id: notification, destinataireId: referentId, type: 'question_escaladee' }] }),
    ]);
    await referentThere.waitFor(() => referentThere.of('notification').length === 1, 'the notification on the other process');
    expect(referentThere.of('notification')[0]).toMatchObject({ id: notification, type: 'question_escaladee', lien: `/questions/${qA.id}`, reference: qA.reference });

    const end = await streamEnd();
    for (const client of [here, there, referentThere]) await caughtUp(client, end);
    for (const client of [here, there]) {
      expect(filOf(client, qA.id).filter((e) => e.seq === seq)).toHaveLength(1);
      expect(client.of('notification')).toEqual([]);
    }
    here.close();
  });

  it('caps the streams of one user (429 problem+json), and ends them when its process stops', async () => {
    const streams = [await open('managerReseau', { on: api2 }), await open('managerReseau', { on: api2 }), await open('managerReseau', { on: api2 })];
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const fourth = await open('managerReseau', { on: api2 });
    expect(fourth.status).toBe(429);
    expect(fourth.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(fourth.body)).toMatchObject({ status: 429, code: 'FLUX_TROP_NOMBREUX' });
    streams[0].close();
    const again = await f.waitFor(async () => {
      const s = await open('managerReseau', { on: api2 });
      return s.status === 200 ? s : null;
    }, 10_000, 'a free slot after a stream closed');
    expect(again.status).toBe(200);

    // The process stops with streams open: they end, and the stop does not wait for them.
    await api2.close();
    api2Closed = true;
    await Promise.all([streams[1].ended, streams[2].ended, again.ended]);
  });
});

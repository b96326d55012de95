import { Redis } from 'ioredis';
import { seedDemoData } from '@app/directory';
import { ALWAYS_OPEN_CALENDAR } from '@app/sla';
import { SseClient } from '../flux/sse-client';
import { SmtpSink } from '../notifications/smtp-sink';
import { EMAILS, questionBody } from '../questions/fixtures';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { testRedisUrl } from '../setup/test-env';
import { WebhookReceiver } from '../webhooks/receiver';
import { Balancer, Cluster, startCluster } from '../setup/cluster';
import { buildIfStale, processEnv } from './spawned';
import { waitFor as waitUntil } from '../setup/wait-for';

/**
 * Issue #16: two compiled API processes behind a load balancer and two worker processes, on one
 * PostgreSQL and one Redis, as a scaled deployment runs them. Through the balancer: no SLA
 * timer fires twice, no e-mail nor webhook is sent twice, the login rate limit holds across both
 * APIs, and a live stream opened on one API hears what was done through the other.
 */

describe('two API processes behind a balancer and two workers', () => {
  const REDIS_DB = 6;
  const PREFIX = 'relais-test-multi';
  const DOMAINE = 'laregion.fr';
  const LOGIN_RATE_LIMIT = 6;
  const QUESTIONS = 8;
  /** Where tokens are asked from: a client of its own, apart from the rate-limit case's. */
  const SETUP_CLIENT = '203.0.113.10';

  let scratch: ScratchDatabase;
  let redis: Redis;
  let sink: SmtpSink;
  const receiver = new WebhookReceiver();
  let cluster: Cluster;
  let balancer: Balancer;
  const tokens: Record<string, string> = {};
  const streams: SseClient[] = [];
  let endpointId: string;

  const output = () => cluster?.output() ?? '';
  const query = <T = any>(sql: string, params: unknown[] = []) => scratch.ownerQuery<T>(sql, params);

  const waitFor = <T>(check: () => Promise<T> | T, what: string, timeoutMs = 20_000) => waitUntil(check, what, { timeoutMs, context: output });

  async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown; from?: string } = {}) {
    const headers: Record<string, string> = { 'x-forwarded-for': options.from ?? SETUP_CLIENT };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, backend: res.headers.get('x-backend'), body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
  }

  beforeAll(async () => {
    buildIfStale();
    sink = await SmtpSink.start();
    await receiver.start();
    scratch = await createScratchDatabase('relais_test_multi_process');
    await seedDemoData(scratch.dataSource);
    // Always-open calendars, so that SLA targets can be seconds.
    for (const id of ['reseau', 'siege']) await query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = $2`, [JSON.stringify({ ...ALWAYS_OPEN_CALENDAR, id }), id]);
    // Prise en charge due 3 s after the escalation (warned at 75 %): they fire while both workers run.
    await query(`UPDATE sla_politique SET cible_minutes = 0.05, version = version + 1 WHERE flux = 'question' AND horloge = 'prise_en_charge'`);
    await query(`UPDATE sla_politique SET cible_minutes = 600, version = version + 1 WHERE flux = 'question' AND horloge = 'reponse'`);
    const redisUrl = testRedisUrl(REDIS_DB);
    redis = new Redis(redisUrl);
    await redis.flushdb();

    const env = {
      ...processEnv(scratch.url, redisUrl, PREFIX),
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
      LOGIN_RATE_LIMIT: String(LOGIN_RATE_LIMIT),
      OUTBOX_POLL_MS: '200',
      SLA_RECONCILE_MS: '2000',
      FLUX_HEARTBEAT_MS: '1000',
      WEBHOOK_HTTP_AUTORISE: 'true',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.port),
      SMTP_STARTTLS: 'off',
      SMTP_FROM: `Relais <relais@${DOMAINE}>`,
      PUBLIC_URL: 'https://relais.test/',
    };
    // Both workers take jobs before anything is asked of them.
    cluster = await startCluster({ env, apis: 2, workers: 2, balancer: true });
    balancer = cluster.balancer!;

    for (const [who, email] of [['agent', EMAILS.agentCarcassonne], ['admin', EMAILS.admin], ['referent', EMAILS.referentTourisme]]) {
      const res = await call(balancer.url, 'POST', '/auth/dev-login', { body: { email } });
      expect(res.status).toBe(200);
      tokens[who] = res.body.accessToken;
    }
    // Registered first, so that every worker follows its SLA subscriptions before any fires.
    const endpoint = await call(balancer.url, 'POST', '/webhooks', {
      token: tokens.admin,
      body: { url: `${receiver.baseUrl}/relais`, description: 'Récepteur de l’essai à plusieurs processus', types: ['question.recue', 'question.escaladee', 'sla.avertissement', 'sla.depassement'] },
    });
    expect(endpoint.status).toBe(201);
    endpointId = endpoint.body.id;
    receiver.on('/relais', 'ok', endpoint.body.secret);
  }, 240_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    await cluster?.stop();
    await receiver.close();
    await sink?.close();
    await redis?.flushdb();
    redis?.disconnect();
    await scratch?.drop();
  }, 60_000);

  it('the login rate limit holds across both APIs: N attempts split between them, the next refused by whichever gets it', async () => {
    const attempt = (base: string, from: string) => call(base, 'POST', '/auth/dev-login', { body: { email: 'inconnu@relais.demo' }, from });
    const client = '198.51.100.7';
    const answers = [];
    for (let i = 0; i < LOGIN_RATE_LIMIT; i++) answers.push(await attempt(balancer.url, client));
    expect(answers.map((a) => a.status)).toEqual(Array(LOGIN_RATE_LIMIT).fill(401));
    expect(answers.filter((a) => a.backend === '0')).toHaveLength(LOGIN_RATE_LIMIT / 2);
    expect(answers.filter((a) => a.backend === '1')).toHaveLength(LOGIN_RATE_LIMIT / 2);
    // The next one, whichever API it reaches: through the balancer, or straight to each.
    const refused = await attempt(balancer.url, client);
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toMatch(/Trop de tentatives/);
    expect((await attempt(cluster.apis[0].url, client)).status).toBe(429);
    expect((await attempt(cluster.apis[1].url, client)).status).toBe(429);
    // Per client: another address still gets its answer.
    expect((await attempt(balancer.url, '198.51.100.8')).status).toBe(401);
  }, 30_000);

  it('a live stream held by API 1 (and one through the balancer) hears what was done through API 2', async () => {
    const direct = await SseClient.open(`${cluster.apis[0].url}/api/v1/flux`, tokens.agent);
    streams.push(direct);
    expect(direct.status).toBe(200);
    const proxied = await SseClient.open(`${balancer.url}/api/v1/flux`, tokens.agent);
    streams.push(proxied);
    expect(proxied.status).toBe(200);
    const created = await call(cluster.apis[1].url, 'POST', '/questions', { token: tokens.agent, body: questionBody({ objet: 'Question posée par la seconde API' }) });
    expect(created.status).toBe(201);
    const heard = (client: SseClient) => client.of<{ ticketId: string; type: string }>('fil').some((e) => e.ticketId === created.body.id && e.type === 'question.recue');
    await direct.waitFor(() => heard(direct), 'the event on API 1', 20_000);
    await proxied.waitFor(() => heard(proxied), 'the event through the balancer', 20_000);
  }, 45_000);

  it('under load through the balancer: each SLA timer fires once, each e-mail and each webhook is sent once', async () => {
    const [{ id: eceau }] = await query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const servedBefore = balancer.served.length;
    const ids = await Promise.all(
      Array.from({ length: QUESTIONS }, async (_, i) => {
        const q = await call(balancer.url, 'POST', '/questions', { token: tokens.agent, body: questionBody({ dispositifId: eceau, objet: `Question ${i} sous charge` }) });
        expect(q.status).toBe(201);
        const escalated = await call(balancer.url, 'POST', `/questions/${q.body.id}/escalader`, { token: tokens.agent, body: { message: 'Pour la direction du Tourisme.' } });
        expect(escalated.status).toBe(200);
        return q.body.id as string;
      }),
    );
    // Both APIs took part.
    expect(new Set(balancer.served.slice(servedBefore))).toEqual(new Set([0, 1]));

    const fired = async (type: string) =>
      (await query(`SELECT count(*)::int n FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = ANY($1::uuid[]) AND d.type = $2`, [ids, type]))[0].n as number;
    await waitFor(async () => (await fired('depassement')) >= QUESTIONS, 'every breach', 40_000);
    // Notifications of those tickets (escalations, warnings, breaches), each mailed; and every webhook delivery done.
    const notifications = async () => query<{ id: string; courriel_envoye_a: Date | null }>(`SELECT id, courriel_envoye_a FROM notification WHERE ticket_id = ANY($1::uuid[])`, [ids]);
    await waitFor(async () => {
      const rows = await notifications();
      return rows.length > 0 && rows.every((r) => r.courriel_envoye_a) && (await fired('avertissement')) >= QUESTIONS;
    }, 'every notification mailed', 30_000);
    const livraisons = async () => query<{ id: string; statut: string; type: string }>(`SELECT id, statut, type FROM webhook_livraison WHERE endpoint_id = $1`, [endpointId]);
    await waitFor(async () => (await livraisons()).filter((l) => l.statut === 'livree').length >= QUESTIONS * 4, 'every webhook delivered', 30_000);
    // A reconciler period and more: a second fire, mail or delivery would have come by now.
    await new Promise((r) => setTimeout(r, 3_000));

    // SLA: one warning and one breach per question, each written once, by whichever worker.
    expect(await fired('depassement')).toBe(QUESTIONS);
    expect(await fired('avertissement')).toBe(QUESTIONS);
    const twice = await query(
      `SELECT d.horloge_id, d.type, count(*)::int n FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id
        WHERE h.ticket_id = ANY($1::uuid[]) GROUP BY 1, 2 HAVING count(*) <> 1`,
      [ids],
    );
    expect(twice).toEqual([]);
    const fil = await query<{ ticket_id: string; type: string; n: number }>(
      `SELECT ticket_id, type, count(*)::int n FROM timeline_event WHERE ticket_id = ANY($1::uuid[]) AND type LIKE 'sla.%' GROUP BY 1, 2`,
      [ids],
    );
    expect(fil).toHaveLength(QUESTIONS * 2);
    expect(fil.every((row) => row.n === 1)).toBe(true);

    // E-mail: one mail per notification, by its deterministic Message-ID, and no other mail.
    const rows = await notifications();
    expect(rows.length).toBeGreaterThanOrEqual(QUESTIONS * 3);
    for (const row of rows) expect(sink.byMessageId(`<notification-${row.id}@${DOMAINE}>`)).toHaveLength(1);
    expect(sink.received).toHaveLength(rows.length);

    // Webhooks: one delivery per event and type, each received once (the receiver accepts the first attempt).
    const delivered = await livraisons();
    expect(delivered).toHaveLength(QUESTIONS * 4 + 1); // + the recue of the previous case's question
    expect(delivered.every((l) => l.statut === 'livree')).toBe(true);
    const received = receiver.at('/relais');
    expect(received.every((r) => r.verified)).toBe(true);
    expect(new Set(received.map((r) => r.id)).size).toBe(received.length);
    expect(received).toHaveLength(delivered.length);

    // Nothing crashed along the way.
    for (const p of [...cluster.apis, ...cluster.workers]) expect(p.child.exitCode).toBeNull();
  }, 90_000);
});

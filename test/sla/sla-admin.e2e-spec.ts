import { Queue } from 'bullmq';
import { QueueName, redisOptions } from '@app/core';
import { PURGE_IDEMPOTENCE_JOB } from '../../apps/worker/src/maintenance.processor';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from './sla-fixture';
import { walkPages } from '../setup/e2e-app';

describe('SLA administration: policies and calendars', () => {
  let f: SlaFixture;
  let admin: string;
  let agent: string;
  let eceau: string;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sla_admin', 6);
    admin = await f.api.login(EMAILS.admin);
    agent = await f.api.login(EMAILS.agentCarcassonne);
    [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
  }, 60_000);

  afterAll(() => f?.close());

  const reponseClock = async (id: string) => (await f.query(`SELECT * FROM sla_horloge WHERE ticket_id = $1 AND horloge = 'reponse'`, [id]))[0];

  async function escalated(): Promise<string> {
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token: agent });
    await f.waitFor(() => reponseClock(q.body.id), 10_000, 'clock');
    return q.body.id;
  }

  it('lists policies for admins and managers only', async () => {
    const res = await f.api.get('/api/v1/sla/politiques', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items.map((p: any) => `${p.flux}/${p.horloge}/${p.priorite}`)).toContain('question/reponse/normale');
    expect((await f.api.get('/api/v1/sla/politiques', { token: agent })).status).toBe(403);

    // Pages of 2, as every list of the API: the same policies, in the same order, each once.
    const paged = (await walkPages((cursor) => f.api.get(`/api/v1/sla/politiques?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin }), 2)).map((p) => p.id);
    expect(paged).toEqual(res.body.items.map((p: any) => p.id));
    const bad = await f.api.get('/api/v1/sla/politiques?cursor=nimporte-quoi', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });

  it('changes a policy as a new version (If-Match), for new clocks only', async () => {
    const [politique] = (await f.api.get('/api/v1/sla/politiques', { token: admin })).body.items.filter(
      (p: any) => p.horloge === 'reponse' && p.priorite === 'normale',
    );
    const running = await escalated();
    const before = await reponseClock(running);

    const stale = await f.api.request('PUT', `/api/v1/sla/politiques/${politique.id}`, {
      token: admin,
      body: { cibleMinutesOuvrees: 960 },
      headers: { 'if-match': `"${politique.version - 1}"` },
    });
    expect(stale.status).toBe(412);
    // An edit of a policy must say which version it read: without If-Match, 428 and nothing changes.
    const blind = await f.api.request('PUT', `/api/v1/sla/politiques/${politique.id}`, { token: admin, body: { cibleMinutesOuvrees: 960 } });
    expect(blind.status).toBe(428);
    expect(blind.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(blind.body).toMatchObject({ code: 'IF_MATCH_REQUIS', errors: [{ field: 'If-Match' }] });
    const invalid = await f.api.request('PUT', `/api/v1/sla/politiques/${politique.id}`, { token: admin, body: { cibleMinutesOuvrees: -3 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].field).toBe('cibleMinutesOuvrees');
    expect((await f.api.request('PUT', `/api/v1/sla/politiques/${politique.id}`, { token: agent, body: { cibleMinutesOuvrees: 1 } })).status).toBe(403);

    const updated = await f.api.request('PUT', `/api/v1/sla/politiques/${politique.id}`, {
      token: admin,
      body: { cibleMinutesOuvrees: 960, seuilAvertissementPct: 80 },
      headers: { 'if-match': `"${politique.version}"` },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ cibleMinutesOuvrees: 960, seuilAvertissementPct: 80, version: politique.version + 1 });

    const after = await reponseClock(running);
    expect(Number(after.cible_minutes)).toBe(Number(before.cible_minutes));
    expect(after.echeance).toEqual(before.echeance);
    const fresh = await reponseClock(await escalated());
    expect(Number(fresh.cible_minutes)).toBe(960);
    expect(fresh.politique_version).toBe(politique.version + 1);
  });

  it('a deactivated policy stops its open clocks: no warning nor breach any more', async () => {
    const [priseEnCharge] = (await f.api.get('/api/v1/sla/politiques', { token: admin })).body.items.filter((p: any) => p.horloge === 'prise_en_charge' && p.priorite === 'normale');
    const short = await f.api.request('PUT', `/api/v1/sla/politiques/${priseEnCharge.id}`, {
      token: admin,
      body: { cibleMinutesOuvrees: 0.05 }, // 3 s
      headers: { 'if-match': `"${priseEnCharge.version}"` },
    });
    const id = await escalated();
    const clock = async () => (await f.query(`SELECT * FROM sla_horloge WHERE ticket_id = $1 AND horloge = 'prise_en_charge'`, [id]))[0];
    expect((await clock()).etat).toBe('running');
    const off = await f.api.request('PUT', `/api/v1/sla/politiques/${priseEnCharge.id}`, { token: admin, body: { actif: false }, headers: { 'if-match': short.headers.get('etag')! } });
    expect(off.body.actif).toBe(false);
    await f.waitFor(async () => (await clock()).etat === 'cancelled', 10_000, 'cancelled clock');
    await new Promise((r) => setTimeout(r, 3500)); // past the old due time
    const fired = await f.query(`SELECT type FROM timeline_event WHERE ticket_id = $1 AND type LIKE 'sla.%'`, [id]);
    expect(fired).toEqual([]);
    // And no new clock of that kind starts while it is off.
    const next = await escalated();
    expect((await f.query(`SELECT count(*)::int n FROM sla_horloge WHERE ticket_id = $1 AND horloge = 'prise_en_charge'`, [next]))[0].n).toBe(0);
    await f.api.request('PUT', `/api/v1/sla/politiques/${priseEnCharge.id}`, { token: admin, body: { actif: true, cibleMinutesOuvrees: 480 }, headers: { 'if-match': off.headers.get('etag')! } });
  });

  it('a closure day added to a calendar re-plans the running clocks on it', async () => {
    const id = await escalated();
    const before = await reponseClock(id);
    expect(before.calendrier_id).toBe('siege');
    const calendar = await f.api.get('/api/v1/calendriers/siege', { token: agent });
    expect(calendar.status).toBe(200);
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
    const { id: _id, ...spec } = calendar.body.spec;
    const changed = await f.api.request('PUT', '/api/v1/calendriers/siege', {
      token: admin,
      body: { ...spec, closures: [today] },
      headers: { 'if-match': calendar.headers.get('etag')! },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.joursFermes.map((d: any) => d.date)).toContain(today);

    const after = await f.waitFor(async () => {
      const c = await reponseClock(id);
      return c.generation > before.generation ? c : null;
    }, 10_000, 're-planned clock');
    // Closed for the rest of today: what remains is planned from tomorrow, 00:00 Paris time.
    expect(new Date(after.echeance).getTime()).toBeGreaterThan(new Date(before.echeance).getTime());
    const prefix = f.env.QUEUE_PREFIX;
    await f.waitFor(async () => (await f.redis.exists(`${prefix}:sla-timers:sla-${after.id}-depassement-${after.generation}`)) === 1, 5000, 'new timer');
    expect(await f.redis.exists(`${prefix}:sla-timers:sla-${after.id}-depassement-${before.generation}`)).toBe(0);

    // A named closure period: every day of it closed, shown under its libellé; a bad one refused next to its field.
    const period = await f.api.request('PUT', '/api/v1/calendriers/siege', {
      token: admin,
      body: { ...spec, closures: [today], fermetures: [{ du: '2027-08-09', au: '2027-08-13', libelle: 'Fermeture estivale' }] },
      headers: { 'if-match': changed.headers.get('etag')! },
    });
    expect(period.status).toBe(200);
    expect(period.body.spec.fermetures).toEqual([{ du: '2027-08-09', au: '2027-08-13', libelle: 'Fermeture estivale' }]);
    expect(period.body.joursFermes.filter((d: any) => d.libelle === 'Fermeture estivale').map((d: any) => d.date)).toEqual(['2027-08-09', '2027-08-10', '2027-08-11', '2027-08-12', '2027-08-13']);
    const badPeriod = await f.api.request('PUT', '/api/v1/calendriers/siege', {
      token: admin,
      body: { ...spec, fermetures: [{ du: '2027-08-13', au: '2027-08-09', libelle: '' }] },
      headers: { 'if-match': period.headers.get('etag')! },
    });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.errors.map((e: any) => e.field).sort()).toEqual(['fermetures[0].au', 'fermetures[0].libelle']);
    const cleared = await f.api.request('PUT', '/api/v1/calendriers/siege', { token: admin, body: { ...spec, closures: [today], fermetures: [] }, headers: { 'if-match': period.headers.get('etag')! } });
    expect(cleared.status).toBe(200);

    const bad = await f.api.request('PUT', '/api/v1/calendriers/siege', {
      token: admin,
      body: { ...spec, hours: { ...spec.hours, 1: [{ start: '25:00', end: '12:00' }] } },
      headers: { 'if-match': cleared.headers.get('etag')! },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.length).toBeGreaterThan(0);
    const blind = await f.api.request('PUT', '/api/v1/calendriers/siege', { token: admin, body: { ...spec, closures: [] } });
    expect(blind.status).toBe(428);
    expect((await f.api.get('/api/v1/calendriers/siege', { token: agent })).body.joursFermes.map((d: any) => d.date)).toContain(today);
    expect((await f.api.get('/api/v1/calendriers/nulle-part', { token: agent })).status).toBe(400);
  });

  it('lists the calendars an admin can edit: the network’s, the siège’s, then each MdR (own or inherited), in pages', async () => {
    const res = await f.api.get('/api/v1/calendriers?limit=200', { token: admin });
    expect(res.status).toBe(200);
    const items = res.body.items as Array<{ id: string; maisonId: string | null; maisonNom: string | null; herite: boolean; version: number; libelle: string }>;
    expect(items.slice(0, 2).map((c) => [c.id, c.herite, c.maisonId])).toEqual([
      ['reseau', false, null],
      ['siege', false, null],
    ]);
    const maisons = await f.query(`SELECT id, nom FROM maison`);
    expect(items.length).toBe(2 + maisons.length);
    const foix = maisons.find((m: any) => /foix/i.test(m.nom));
    const foixItem = items.find((c) => c.maisonId === foix.id)!;
    expect(foixItem).toMatchObject({ id: `maison-${foix.id}`, maisonNom: foix.nom, herite: true, version: 0 });
    // Its first PUT (If-Match "0") gives the MdR a calendar of its own: the list says so.
    const { id: _id, ...spec } = (await f.api.get(`/api/v1/calendriers/${foixItem.id}`, { token: admin })).body.spec;
    const own = await f.api.request('PUT', `/api/v1/calendriers/${foixItem.id}`, { token: admin, body: { ...spec, libelle: 'Maison de Foix' }, headers: { 'if-match': '"0"' } });
    expect(own.status).toBe(200);
    const after = (await f.api.get('/api/v1/calendriers?limit=200', { token: admin })).body.items.find((c: any) => c.id === foixItem.id);
    expect(after).toMatchObject({ herite: false, version: 1, libelle: 'Maison de Foix', maisonNom: foix.nom });

    const paged = (await walkPages((cursor) => f.api.get(`/api/v1/calendriers?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: admin }), 3)).map((c) => c.id);
    expect(paged).toEqual(items.map((c) => c.id));
    expect((await f.api.get('/api/v1/calendriers?cursor=nimporte-quoi', { token: admin })).status).toBe(400);
    expect((await f.api.get('/api/v1/calendriers')).status).toBe(401);
  });

  it('the maintenance queue purges idempotency keys older than 24 hours, and only those', async () => {
    const [{ id: userId }] = await f.query(`SELECT id FROM users WHERE email = 'agent.carcassonne@relais.demo'`);
    await f.query(
      `INSERT INTO idempotency_key (user_id, key, scope, request_hash, created_at) VALUES
         ($1, 'vieille', 'POST /questions', repeat('a', 64), now() - interval '25 hours'),
         ($1, 'recente', 'POST /questions', repeat('b', 64), now() - interval '1 hour')`,
      [userId],
    );
    const queue = new Queue(QueueName.Maintenance, { connection: redisOptions(f.env.REDIS_URL, 'producer') as never, prefix: f.env.QUEUE_PREFIX });
    try {
      await queue.add(PURGE_IDEMPOTENCE_JOB, {}, { jobId: 'purge-test' });
      await f.waitFor(async () => (await f.query(`SELECT 1 FROM idempotency_key WHERE key = 'vieille'`)).length === 0, 10_000, 'purge');
      expect(await f.query(`SELECT key FROM idempotency_key WHERE key IN ('vieille', 'recente')`)).toEqual([{ key: 'recente' }]);
    } finally {
      await queue.close();
    }
  });
});

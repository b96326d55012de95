import { SlaRebuilder } from '@app/sla';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from './sla-fixture';

describe('SLA clocks on questions (24/7 calendar, targets in seconds)', () => {
  let f: SlaFixture;
  let agent: string;
  let referent: string;
  let eceau: string;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sla', 5);
    agent = await f.api.login(EMAILS.agentCarcassonne);
    referent = await f.api.login(EMAILS.referentTourisme);
    [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
  }, 60_000);

  afterAll(() => f?.close());

  async function escalated(): Promise<string> {
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token: agent });
    return q.body.id;
  }

  const clocks = (id: string) => f.query(`SELECT * FROM sla_horloge WHERE ticket_id = $1 ORDER BY horloge, cycle`, [id]);
  const slaEvents = (id: string) =>
    f.query(`SELECT type, at, data FROM timeline_event WHERE ticket_id = $1 AND type LIKE 'sla.%' ORDER BY seq`, [id]);

  it('escalation starts both clocks; the warning then the breach land once on the timeline, on time', async () => {
    await f.setTargets({ prise_en_charge: 60, reponse: 0.04 }); // réponse: 2.4 s, warning at 1.8 s
    const id = await escalated();
    const started = await f.waitFor(async () => ((await clocks(id)).length === 2 ? clocks(id) : null), 10_000, 'clocks');
    expect(started.map((c) => [c.horloge, c.etat])).toEqual([
      ['prise_en_charge', 'running'],
      ['reponse', 'running'],
    ]);
    const events = await f.waitFor(async () => {
      const e = await slaEvents(id);
      return e.length === 2 ? e : null;
    }, 10_000, 'warning and breach');
    expect(events.map((e) => e.type)).toEqual(['sla.avertissement', 'sla.depassement']);
    expect(events[1].data).toMatchObject({ horloge: 'reponse', cycle: 1 });
    const fired = await f.query(`SELECT type, retard_ms FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = $1`, [id]);
    expect(fired).toHaveLength(2);
    for (const row of fired) expect(row.retard_ms).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 2500)); // a reconciler pass and any retry later: still once
    expect(await slaEvents(id)).toHaveLength(2);

    // The ticket shows its clocks; the breached one can still be met, late.
    const view = await f.api.get(`/api/v1/questions/${id}`, { token: referent });
    const reponse = view.body.sla.find((c: any) => c.horloge === 'reponse');
    expect(reponse).toMatchObject({ etat: 'breached', cycle: 1 });
    expect(reponse.restantMinutesOuvrees).toBeLessThanOrEqual(0);
    await f.api.post(`/api/v1/questions/${id}/repondre`, { reponse: 'Oui' }, { token: referent });
    const met = await f.waitFor(async () => {
      const c = (await clocks(id)).find((x) => x.horloge === 'reponse');
      return c.etat === 'met' ? c : null;
    }, 10_000, 'late meet');
    expect(met.depassee_a).not.toBeNull();
    expect((await clocks(id)).map((c) => c.horloge)).toContain('relais');
    // Every event of the question reached its consumers (none left for redelivery).
    await f.waitFor(async () => {
      const [{ n }] = await f.query(`SELECT count(*)::int n FROM outbox WHERE aggregate_id = $1 AND processed_at IS NULL`, [id]);
      return n === 0;
    }, 10_000, 'outbox processed');
  });

  it('a pause across the due time breaches nothing; after resuming it breaches at the new time', async () => {
    await f.setTargets({ prise_en_charge: 60, reponse: 0.05 }); // 3 s
    const id = await escalated();
    await f.api.post(`/api/v1/questions/${id}/prendre-en-charge`, {}, { token: referent });
    await f.api.post(`/api/v1/questions/${id}/demander-info`, { message: 'Combien d’emplacements ?' }, { token: referent });
    await f.waitFor(async () => (await clocks(id)).find((c) => c.horloge === 'reponse')?.etat === 'paused', 10_000, 'pause');
    await new Promise((r) => setTimeout(r, 3500)); // past the original due time
    expect((await slaEvents(id)).filter((e) => e.type === 'sla.depassement')).toHaveLength(0);
    const paused = (await clocks(id)).find((c) => c.horloge === 'reponse');
    const remainingMs = (3 - Number(paused.consomme_minutes) * 60) * 1000;
    const resumedAt = Date.now();
    await f.api.post(`/api/v1/questions/${id}/fournir-info`, { message: '120 emplacements' }, { token: agent });
    const breach = await f.waitFor(async () => (await slaEvents(id)).find((e) => e.type === 'sla.depassement'), 15_000, 'breach after resume');
    const firedAfter = new Date(breach.at).getTime() - resumedAt;
    expect(firedAfter).toBeGreaterThanOrEqual(remainingMs - 300);
    expect(firedAfter).toBeLessThan(remainingMs + 1500);
    const prise = (await clocks(id)).find((c) => c.horloge === 'prise_en_charge');
    expect(prise.etat).toBe('met');
  });

  it('rerouting keeps the clock and attributes the time to each direction; reopening starts a new cycle', async () => {
    await f.setTargets({ prise_en_charge: 60, reponse: 60, relais: 60 });
    const id = await escalated();
    await f.waitFor(async () => (await clocks(id)).length === 2, 10_000, 'clocks');
    const [{ id: def }] = await f.query(`SELECT id FROM direction WHERE code = 'def'`);
    await new Promise((r) => setTimeout(r, 1200));
    await f.api.post(`/api/v1/questions/${id}/reorienter`, { directionId: def, motif: 'Formation' }, { token: referent });
    const rerouted = await f.waitFor(async () => {
      const rows = await f.query(`SELECT d.* FROM sla_detention d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = $1 AND h.horloge = 'reponse' ORDER BY depuis`, [id]);
      return rows.length === 2 ? rows : null;
    }, 10_000, 'second holder');
    expect(rerouted[0].detenteur_type).toBe('direction');
    expect(rerouted[1].detenteur_id).toBe(def);
    expect(Number(rerouted[0].minutes) * 60).toBeGreaterThan(1);
    const reponse = (await clocks(id)).filter((c) => c.horloge === 'reponse');
    expect(reponse).toHaveLength(1); // the same clock: not reset

    const defToken = await f.api.login(EMAILS.referentDef);
    await f.api.post(`/api/v1/questions/${id}/repondre`, { reponse: 'Voici' }, { token: defToken });
    await f.api.post(`/api/v1/questions/${id}/clore`, {}, { token: agent });
    await f.api.post(`/api/v1/questions/${id}/rouvrir`, { motif: 'Devis complémentaire' }, { token: agent });
    await f.api.post(`/api/v1/questions/${id}/escalader`, {}, { token: agent });
    const cycles = await f.waitFor(async () => {
      const rows = (await clocks(id)).filter((c) => c.horloge === 'reponse');
      return rows.length === 2 ? rows : null;
    }, 10_000, 'second cycle');
    expect(cycles.map((c) => [c.cycle, c.etat])).toEqual([
      [1, 'met'],
      [2, 'running'],
    ]);
  });

  it('the référent queue puts the nearest due date first; lists filter on clocks at risk or breached', async () => {
    await f.query(`UPDATE sla_politique SET cible_minutes = 600 WHERE flux = 'question'`);
    await f.query(`UPDATE sla_politique SET cible_minutes = 0.03 WHERE flux = 'question' AND horloge = 'prise_en_charge' AND priorite = 'haute'`);
    const normale = await escalated();
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau, priorite: 'haute' }), { token: agent });
    await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token: agent });
    const haute = q.body.id;
    await f.waitFor(async () => (await clocks(haute)).some((c) => c.etat === 'breached'), 10_000, 'breach of the urgent one');
    const queue = await f.api.get('/api/v1/file-referent?limit=200', { token: referent });
    const order = queue.body.items.map((i: any) => i.id);
    expect(order.indexOf(haute)).toBeLessThan(order.indexOf(normale));
    const dues = queue.body.items.map((i: any) => Math.min(...i.sla.filter((c: any) => ['running', 'breached'].includes(c.etat)).map((c: any) => Date.parse(c.echeance)), Infinity));
    expect([...dues].sort((a, b) => a - b)).toEqual(dues);
    const page1 = await f.api.get('/api/v1/file-referent?limit=1', { token: referent });
    const page2 = await f.api.get(`/api/v1/file-referent?limit=1&cursor=${page1.body.nextCursor}`, { token: referent });
    expect(page2.body.items[0].id).toBe(order[1]);

    const depassees = await f.api.get('/api/v1/questions?sla=depasse&limit=200', { token: agent });
    expect(depassees.body.items.map((i: any) => i.id)).toContain(haute);
    expect(depassees.body.items.map((i: any) => i.id)).not.toContain(normale);
    const bad = await f.api.get('/api/v1/questions?sla=bientot', { token: agent });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('sla');
  });

  it('a policy change leaves running clocks as they are and applies to new ones', async () => {
    await f.setTargets({ prise_en_charge: 60, reponse: 100 });
    const first = await escalated();
    await f.waitFor(async () => (await clocks(first)).length === 2, 10_000, 'clocks');
    await f.setTargets({ reponse: 200 });
    const second = await escalated();
    await f.waitFor(async () => (await clocks(second)).length === 2, 10_000, 'clocks');
    const cible = async (id: string) => Number((await clocks(id)).find((c) => c.horloge === 'reponse').cible_minutes);
    expect(await cible(first)).toBe(100);
    expect(await cible(second)).toBe(200);
  });

  it('after a flush of Redis with 500 running clocks, every timer is back and each overdue one fires once, within the reconciler period + 1 s', async () => {
    await f.setTargets({ prise_en_charge: 0.05, reponse: 600 }); // prise en charge: 3 s
    const ids: string[] = [];
    for (let batch = 0; batch < 25; batch++) ids.push(...(await Promise.all(Array.from({ length: 10 }, () => escalated()))));
    await f.waitFor(async () => {
      const [{ n }] = await f.query(`SELECT count(*)::int n FROM sla_horloge WHERE ticket_id = ANY($1::uuid[])`, [ids]);
      return n === 500;
    }, 30_000, '500 clocks');
    await f.redis.flushdb();
    const flushedAt = Date.now();
    await f.waitFor(async () => {
      const [{ n }] = await f.query(
        `SELECT count(*)::int n FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = ANY($1::uuid[]) AND d.type = 'depassement'`,
        [ids],
      );
      return n === 250;
    }, 20_000, '250 breaches after the flush');
    // Each breach at most one reconciler period + 1 s after it was due (or after the flush, if due before it).
    const late = await f.query(
      `SELECT d.at, h.echeance FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = ANY($1::uuid[]) AND d.type = 'depassement'`,
      [ids],
    );
    const bound = Number(f.env.SLA_RECONCILE_MS) + 1000;
    for (const row of late) expect(new Date(row.at).getTime() - Math.max(new Date(row.echeance).getTime(), flushedAt)).toBeLessThan(bound);
    await new Promise((r) => setTimeout(r, 2500));
    const [{ n: timeline }] = await f.query(`SELECT count(*)::int n FROM timeline_event WHERE ticket_id = ANY($1::uuid[]) AND type = 'sla.depassement'`, [ids]);
    expect(timeline).toBe(250);
    // Every running clock (the réponse ones, due in 10 hours) has its timers in Redis again.
    const running = await f.query(`SELECT id, generation FROM sla_horloge WHERE ticket_id = ANY($1::uuid[]) AND etat = 'running'`, [ids]);
    expect(running).toHaveLength(250);
    const prefix = f.env.QUEUE_PREFIX;
    const pipeline = f.redis.pipeline();
    for (const c of running) pipeline.exists(`${prefix}:sla-timers:sla-${c.id}-depassement-${c.generation}`);
    const exists = (await pipeline.exec())!.map(([, v]) => v);
    expect(exists.every((v) => v === 1)).toBe(true);
  }, 60_000);

  it('sla:rebuild recomputes every clock from the timelines: same states, nothing fired twice', async () => {
    const snapshot = async () =>
      (await f.query(`SELECT ticket_id, affectation_id, horloge, cycle, etat FROM sla_horloge ORDER BY ticket_id, affectation_id, horloge, cycle`)).map(
        (r) => `${r.ticket_id}/${r.horloge}/${r.cycle}:${r.etat}`,
      );
    const countSlaEvents = async () => (await f.query(`SELECT count(*)::int n FROM timeline_event WHERE type LIKE 'sla.%'`))[0].n;
    await new Promise((r) => setTimeout(r, 1000)); // let pending outbox work settle
    const before = await snapshot();
    const eventsBefore = await countSlaEvents();
    await f.setTargets({ prise_en_charge: 600, reponse: 600, relais: 600 }); // no new breach may fire during the check
    const report = await f.workers[0].get(SlaRebuilder).rebuild();
    expect(report.horloges).toBe(before.length);
    expect(await snapshot()).toEqual(before);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await countSlaEvents()).toBe(eventsBefore);
  });
});

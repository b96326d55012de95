import { getQueueToken } from '@nestjs/bullmq';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { QueueName } from '@app/core';
import { NotificationsConsumer } from '@app/notifications';
import { commandeFixture, CommandeIds, EMAILS as C, briefComplet } from '../commandes/fixtures';
import { directoryFixture, EMAILS as Q, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';
import { TestApi } from '../setup/e2e-app';

/**
 * The rules, driven through the real flows (API + worker, real PostgreSQL and Redis): each
 * event reaches the right people once, never the performer, never an inactive or muting user
 * (except a breach); a re-run or a failed delivery duplicates nothing; each inbox is its own.
 */
describe('notifications: who hears what, once', () => {
  let f: SlaFixture;
  let api: TestApi;
  let dir: Awaited<ReturnType<typeof directoryFixture>>;
  let ids: CommandeIds;
  const V1 = '/api/v1';

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_notifications', 9);
    api = f.api;
    const db = { query: (sql: string, params: unknown[] = []) => f.query(sql, params), one: async (sql: string, params: unknown[]) => (await f.query(sql, params))[0] };
    dir = await directoryFixture(db as never);
    ids = await commandeFixture(db);
  }, 60_000);
  afterAll(() => f?.close());

  const token = (email: string) => api.login(email);

  /** Waits until the notifications consumer handled the event of that type on that ticket. */
  async function handled(type: string, ticketId: string, count = 1): Promise<void> {
    await f.waitFor(
      async () => {
        const [{ n }] = await f.query(
          `SELECT count(*)::int n FROM processed_event pe JOIN outbox o ON o.id = pe.event_id
            WHERE pe.consumer = 'notifications' AND o.type = $1 AND o.aggregate_id = $2`,
          [type, ticketId],
        );
        return n >= count;
      },
      15_000,
      `${type} handled`,
    );
  }

  /** The notifications of a ticket: recipient e-mail, kind, title, link; sorted. */
  async function notifs(ticketId: string, type?: string) {
    return f.query<{ email: string; type: string; titre: string; lien: string }>(
      `SELECT u.email, n.type, n.titre, n.lien FROM notification n JOIN users u ON u.id = n.destinataire_id
        WHERE n.ticket_id = $1 AND ($2::text IS NULL OR n.type = $2) ORDER BY u.email, n.type`,
      [ticketId, type ?? null],
    );
  }
  const emails = (rows: Array<{ email: string }>) => rows.map((r) => r.email);

  async function escalated(objet = 'Financement d’une installation hydro-économe') {
    const agent = await token(Q.agentCarcassonne);
    const created = await api.post(`${V1}/questions`, questionBody({ objet, dispositifId: dir.eceau }), { token: agent });
    expect(created.status).toBe(201);
    const res = await api.post(`${V1}/questions/${created.body.id}/escalader`, {}, { token: agent });
    expect(res.status).toBe(200);
    return created.body as { id: string; reference: string };
  }

  async function tourismeReferents(): Promise<string[]> {
    return (await f.query(`SELECT email FROM users WHERE role = 'referent' AND direction_id = $1 AND actif ORDER BY email`, [dir.tourisme])).map((r) => r.email);
  }

  it('a question: référents at escalation and rerouting, the MdR at information asked and answer; never the performer nor the usager’s data', async () => {
    const q = await escalated();
    await handled('question.escaladee', q.id);
    const referents = await tourismeReferents();
    expect(referents).toEqual(expect.arrayContaining([Q.referentTourisme, Q.referent2Tourisme]));
    const escalade = await notifs(q.id);
    expect(emails(escalade)).toEqual(referents);
    for (const n of escalade) {
      expect(n).toMatchObject({ type: 'question_escaladee', lien: `/questions/${q.id}` });
      expect(n.titre).toContain(q.reference);
      expect(n.titre).not.toMatch(/Casals|Camping|hydro/);
    }

    const referent = await token(Q.referentTourisme);
    const agent = await token(Q.agentCarcassonne);
    const url = `${V1}/questions/${q.id}`;
    expect((await api.post(`${url}/prendre-en-charge`, {}, { token: referent })).status).toBe(200);
    expect((await api.post(`${url}/demander-info`, { message: 'Quel volume de cuve ?' }, { token: referent })).status).toBe(200);
    await handled('question.information_demandee', q.id);
    const info = await notifs(q.id, 'info_demandee');
    // The MdR: its agent(s); the responsable did not record it. The question text is not in the title.
    expect(emails(info)).toEqual([Q.agentCarcassonne]);
    expect(info[0].titre).not.toContain('volume');

    expect((await api.post(`${url}/fournir-info`, { message: '200 m³.' }, { token: agent })).status).toBe(200);
    expect((await api.post(`${url}/repondre`, { reponse: 'Éligible.' }, { token: referent })).status).toBe(200);
    await handled('question.repondue', q.id);
    expect(emails(await notifs(q.id, 'question_repondue'))).toEqual([Q.agentCarcassonne]);

    // Rerouting: the new direction's référents hear of it; the performer (a tourism référent) does not.
    const r = await escalated('Question à réorienter');
    await handled('question.escaladee', r.id);
    const reoriente = await api.post(`${V1}/questions/${r.id}/reorienter`, { directionId: dir.def, motif: 'Relève de la formation.' }, { token: referent });
    expect(reoriente.status).toBe(200);
    await handled('question.reorientee', r.id);
    const defReferents = (await f.query(`SELECT email FROM users WHERE role = 'referent' AND direction_id = $1 ORDER BY email`, [dir.def])).map((x) => x.email);
    const rerouted = (await notifs(r.id, 'question_escaladee')).filter((n) => n.titre.includes('réorientée'));
    expect(emails(rerouted)).toEqual(defReferents);
  }, 60_000);

  it('a commande: responsables at issue, clarification answered and send-back; the issuer at clarification asked and delivery', async () => {
    const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const conseiller = await token(C.conseiller);
    const foix = await token(C.responsableFoix);
    const draft = await api.post(`${V1}/commandes`, briefComplet(ids, { echeance: day(40), livrables: [{ libelle: 'Compte rendu' }] }), { token: conseiller });
    expect(draft.status).toBe(201);
    const emise = await api.post(`${V1}/commandes/${draft.body.id}/emettre`, {}, { token: conseiller });
    expect(emise.status).toBe(200);
    const id = emise.body.id as string;
    await handled('commande.emise', id);
    const recues = await notifs(id, 'commande_recue');
    const byMaison = new Map<string, string>(emise.body.affectations.map((a: any) => [a.maison.id, a.id]));
    const responsables = (await f.query(`SELECT email, maison_id FROM users WHERE role = 'responsable_mdr' AND maison_id = ANY($1::uuid[]) ORDER BY email`, [[...byMaison.keys()]]));
    expect(recues.map((n) => [n.email, n.lien])).toEqual(responsables.map((u) => [u.email, `/commandes-recues/${byMaison.get(u.maison_id)}`]));

    const aff = `${V1}/affectations/${byMaison.get(ids.foix)}`;
    expect((await api.post(`${aff}/demander-clarification`, { question: 'Quelles dates ?' }, { token: foix })).status).toBe(200);
    await handled('affectation.clarification_demandee', id);
    const demandee = await notifs(id, 'clarification_demandee');
    expect(demandee.map((n) => [n.email, n.lien])).toEqual([[C.conseiller, `/cabinet/commandes/${id}`]]);
    expect(demandee[0].titre).toMatch(/Foix/);
    expect(demandee[0].titre).not.toContain('Quelles dates');

    expect((await api.post(`${aff}/clarifier`, { reponse: 'La semaine 3.' }, { token: conseiller })).status).toBe(200);
    await handled('affectation.clarification_apportee', id);
    expect(emails(await notifs(id, 'clarification_apportee'))).toEqual([C.responsableFoix]);

    expect((await api.post(`${aff}/accuser-reception`, {}, { token: foix })).status).toBe(200);
    expect((await api.post(`${aff}/livrer`, { note: 'Compte rendu joint.', liens: ['https://partage.laregion.fr/cr.pdf'] }, { token: foix })).status).toBe(200);
    await handled('affectation.livree', id);
    expect(emails(await notifs(id, 'livraison_effectuee'))).toEqual([C.conseiller]);

    expect((await api.post(`${aff}/renvoyer`, { motif: 'Manque la liste.' }, { token: conseiller })).status).toBe(200);
    await handled('affectation.renvoyee', id);
    expect(emails(await notifs(id, 'livraison_renvoyee'))).toEqual([C.responsableFoix]);
  }, 60_000);

  it('SLA: the holder at the warning; the holder and its unit’s manager at the breach, muted or not (direction, assigned référent, Maison)', async () => {
    const referent2 = await token(Q.referent2Tourisme);
    // referent2 mutes the warnings and (in vain) tries to mute breaches; the manager mutes everything it can.
    const prefs = await api.get(`${V1}/me/preferences-notifications`, { token: referent2 });
    const put = (body: unknown, ifMatch?: string, as = referent2) =>
      api.request('PUT', `${V1}/me/preferences-notifications`, { token: as, body, headers: ifMatch ? { 'if-match': ifMatch } : {} });
    const breach = await put({ typesMuets: ['sla_depassement'], courriel: 'aucun', heureResume: 8 }, prefs.headers.get('etag')!);
    expect(breach.status).toBe(422);
    expect(breach.body.errors).toEqual([{ field: 'typesMuets[0]', message: expect.stringContaining('ne peuvent pas') }]);
    expect((await put({ typesMuets: ['sla_avertissement'], courriel: 'resume', heureResume: 7 }, prefs.headers.get('etag')!)).status).toBe(200);
    const manager = await token(Q.managerTourisme);
    const mp = await api.get(`${V1}/me/preferences-notifications`, { token: manager });
    const muables = mp.body.types.filter((t: any) => t.muable).map((t: any) => t.type);
    expect(muables).not.toContain('sla_depassement');
    expect((await put({ typesMuets: muables, courriel: 'immediat', heureResume: 8 }, mp.headers.get('etag')!, manager)).status).toBe(200);

    await f.setTargets({ prise_en_charge: 0.02 });
    try {
      const q = await escalated('Question en retard');
      await handled('sla.depassement', q.id);
      await handled('sla.avertissement', q.id);
      const referents = await tourismeReferents();
      expect(emails(await notifs(q.id, 'sla_avertissement'))).toEqual(referents.filter((e) => e !== Q.referent2Tourisme));
      expect(emails(await notifs(q.id, 'sla_depassement'))).toEqual([...referents, Q.managerTourisme].sort());
      const [depasse] = await notifs(q.id, 'sla_depassement');
      expect(depasse.titre).toBe(`${q.reference} : le délai de prise en charge est dépassé`);
    } finally {
      await f.setTargets({ prise_en_charge: 480 });
    }

    // Claimed: the référent it is assigned to holds it alone; its manager still hears of the breach.
    await f.setTargets({ reponse: 0.03 });
    try {
      const q = await escalated('Question prise en charge puis en retard');
      expect((await api.post(`${V1}/questions/${q.id}/prendre-en-charge`, {}, { token: await token(Q.referentTourisme) })).status).toBe(200);
      await handled('sla.depassement', q.id);
      expect(emails(await notifs(q.id, 'sla_depassement'))).toEqual([Q.managerTourisme, Q.referentTourisme]);
      expect((await notifs(q.id, 'sla_depassement'))[0].titre).toBe(`${q.reference} : le délai de réponse est dépassé`);
    } finally {
      await f.setTargets({ reponse: 1440 });
    }

    // Answered: the Maison holds it (relay to the usager); its agent and the Maison's manager hear of the breach.
    await f.setTargets({ relais: 0.02 });
    try {
      const q = await escalated('Question répondue, relais en retard');
      const referent = await token(Q.referentTourisme);
      expect((await api.post(`${V1}/questions/${q.id}/repondre`, { reponse: 'Oui.' }, { token: referent })).status).toBe(200);
      await handled('sla.depassement', q.id);
      expect(emails(await notifs(q.id, 'sla_depassement'))).toEqual([Q.agentCarcassonne, 'manager.carcassonne@relais.demo']);
    } finally {
      await f.setTargets({ relais: 420 });
    }
  }, 60_000);

  it('muting a kind drops it for that user only, as does an inactive account; the preferences are versioned (428, 412, 422)', async () => {
    const referent2 = await token(Q.referent2Tourisme);
    const read = await api.get(`${V1}/me/preferences-notifications`, { token: referent2 });
    const etag = read.headers.get('etag')!;
    const put = (body: unknown, headers: Record<string, string>) => api.request('PUT', `${V1}/me/preferences-notifications`, { token: referent2, body, headers });
    const body = { typesMuets: ['question_escaladee'], courriel: 'immediat', heureResume: 8 };
    expect((await put(body, {})).status).toBe(428);
    expect((await put(body, { 'if-match': '"999"' })).status).toBe(412);
    const unknown = await put({ ...body, typesMuets: ['inconnu'] }, { 'if-match': etag });
    expect([unknown.status, unknown.body.errors[0].field]).toEqual([422, 'typesMuets[0]']);
    const hour = await put({ ...body, heureResume: 24 }, { 'if-match': etag });
    expect([hour.status, hour.body.errors[0].field]).toEqual([422, 'heureResume']);
    const ok = await put(body, { 'if-match': etag });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe(`"${read.body.version + 1}"`);
    expect(ok.body).toMatchObject({ typesMuets: ['question_escaladee'], courriel: 'immediat', heureResume: 8 });

    const q = await escalated('Question muette pour l’un');
    await handled('question.escaladee', q.id);
    const got = emails(await notifs(q.id));
    expect(got).toContain(Q.referentTourisme);
    expect(got).not.toContain(Q.referent2Tourisme);
    expect((await put({ ...body, typesMuets: [] }, { 'if-match': ok.headers.get('etag')! })).status).toBe(200);

    // An inactive account gets nothing (the others still do).
    await f.query(`UPDATE users SET actif = false WHERE email = $1`, [Q.referent2Tourisme]);
    try {
      const r = await escalated('Question pendant une absence');
      await handled('question.escaladee', r.id);
      expect(emails(await notifs(r.id))).toEqual([Q.referentTourisme]);
    } finally {
      await f.query(`UPDATE users SET actif = true WHERE email = $1`, [Q.referent2Tourisme]);
    }
  }, 30_000);

  it('delivered once: the consumer re-run on the same event, and a delivery that fails after its insert, leave one row per recipient and one notification.creee', async () => {
    const worker = f.workers[0];
    const consumer = worker.get(NotificationsConsumer);
    const original = consumer.handle.bind(consumer);
    let failures = 1;
    consumer.handle = async (event, manager) => {
      await original(event, manager);
      // As a worker killed mid-delivery: the rows are written, then the transaction is lost.
      if (event.type === 'question.escaladee' && failures-- > 0) throw new Error('worker lost mid-delivery');
    };
    try {
      const q = await escalated('Question livrée malgré une panne');
      await handled('question.escaladee', q.id);
      const [event] = await f.query(`SELECT id, type, aggregate_type, aggregate_id, payload FROM outbox WHERE type = 'question.escaladee' AND aggregate_id = $1`, [q.id]);
      expect(failures).toBe(-1); // it did fail once, then was retried
      const referents = await tourismeReferents();
      expect(emails(await notifs(q.id))).toEqual(referents);

      // The consumer applied again to the same event, in a transaction of its own: nothing new.
      const dataSource = worker.get<DataSource>(getDataSourceToken());
      await dataSource.transaction((m) =>
        original({ eventId: event.id, type: event.type, aggregateType: event.aggregate_type, aggregateId: event.aggregate_id, payload: event.payload }, m),
      );
      expect(emails(await notifs(q.id))).toEqual(referents);
      const creees = await f.query(`SELECT payload FROM outbox WHERE type = 'notification.creee' AND payload->>'sourceEventId' = $1`, [event.id]);
      expect(creees).toHaveLength(1);
      expect(creees[0].payload.notifications.map((n: any) => n.type)).toEqual(referents.map(() => 'question_escaladee'));

      // The event delivered again by the queue (a relay that sent it twice): the consumer's claim skips it.
      const queue = worker.get<Queue>(getQueueToken(QueueName.Outbox));
      const again = await queue.add(event.type, { eventId: event.id, type: event.type, aggregateType: event.aggregate_type, aggregateId: event.aggregate_id }, { jobId: `outbox-${event.id}-encore` });
      await f.waitFor(async () => (await again.getState()) === 'completed', 15_000, 'delivered again');
      expect(emails(await notifs(q.id))).toEqual(referents);
      expect(await f.query(`SELECT 1 FROM outbox WHERE type = 'notification.creee' AND payload->>'sourceEventId' = $1`, [event.id])).toHaveLength(1);
    } finally {
      consumer.handle = original;
    }
  }, 60_000);

  it('the inbox API: unread first then newest, cursor pages, count, mark one (own only: another’s is 404) and all', async () => {
    const referent = await token(Q.referentTourisme);
    const first = await api.get(`${V1}/notifications?limit=200`, { token: referent });
    expect(first.status).toBe(200);
    const all = first.body.items as any[];
    expect(all.length).toBeGreaterThan(3);
    const count = await api.get(`${V1}/notifications/compteur`, { token: referent });
    expect(count.body.nonLues).toBe(all.filter((n) => n.lueA === null).length);

    const target = all[2];
    const lue = await api.post(`${V1}/notifications/${target.id}/lue`, {}, { token: referent });
    expect(lue.status).toBe(200);
    expect(lue.body.lueA).toEqual(expect.any(String));
    // Another user's notification does not exist for the caller.
    const other = await token(Q.referent2Tourisme);
    expect((await api.post(`${V1}/notifications/${all[0].id}/lue`, {}, { token: other })).status).toBe(404);
    expect((await api.get(`${V1}/notifications/compteur`, { token: referent })).body.nonLues).toBe(count.body.nonLues - 1);

    // Pages of 2: every notification once, unread ones (newest first) before read ones.
    const paged: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(`${V1}/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: referent });
      expect(page.status).toBe(200);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged.map((n) => n.id).sort()).toEqual(all.map((n) => n.id).sort());
    const firstRead = paged.findIndex((n) => n.lueA !== null);
    expect(paged.slice(firstRead).every((n) => n.lueA !== null)).toBe(true);
    expect(paged[firstRead].id).toBe(target.id);
    const unread = paged.slice(0, firstRead);
    expect(unread.map((n) => n.creeeA)).toEqual([...unread.map((n) => n.creeeA)].sort().reverse());
    const onlyUnread = await api.get(`${V1}/notifications?nonLues=true&limit=200`, { token: referent });
    expect(onlyUnread.body.items.map((n: any) => n.id)).toEqual(unread.map((n) => n.id));
    expect((await api.get(`${V1}/notifications?cursor=x${'A'.repeat(10)}`, { token: referent })).status).toBe(400);

    const lues = await api.post(`${V1}/notifications/lues`, {}, { token: referent });
    expect(lues.body).toEqual({ marquees: unread.length, nonLues: 0 });
    // Every role has an inbox, empty or not.
    expect((await api.get(`${V1}/notifications/compteur`, { token: await token(Q.admin) })).body).toEqual({ nonLues: 0 });
  }, 30_000);
});

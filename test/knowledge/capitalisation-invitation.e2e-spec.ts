import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { escaladesRecentes, InvitationCapitalisationConsumer } from '@app/knowledge';
import { OutboxProcessor } from '../../apps/worker/src/outbox/outbox.processor';
import { directoryFixture, EMAILS as Q, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';
import { explaining, nodes, PlanNode } from '../setup/query-plans';

/**
 * The « invitation à capitaliser » (ADR 0017), through the real flow (API + worker, PostgreSQL,
 * Redis): three similar escalations on a dispositif prompt its direction's référents once (an
 * internal event on the latest question's fil, an outbox row, a notification each); dissimilar
 * ones do not; a fourth joins the prompt; redelivery and two workers at once duplicate nothing.
 */
describe('capitalisation: the prompt to publish a FAQ entry', () => {
  let f: SlaFixture;
  let dir: Awaited<ReturnType<typeof directoryFixture>>;
  const V1 = '/api/v1';

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_capitalisation_invitation', 13, { CAPITALISATION_SEUIL: '3' });
    const db = { query: (sql: string, params: unknown[] = []) => f.query(sql, params), one: async (sql: string, params: unknown[]) => (await f.query(sql, params))[0] };
    dir = await directoryFixture(db as never);
  }, 60_000);
  afterAll(() => f?.close());

  /** Records and escalates a question on the dispositif; waits until the prompt's consumer handled it. */
  async function escalade(objet: string, dispositifId = dir.eceau): Promise<string> {
    const agent = await f.api.login(Q.agentCarcassonne);
    const created = await f.api.post(`${V1}/questions`, questionBody({ objet, dispositifId }), { token: agent });
    expect(created.status).toBe(201);
    const res = await f.api.post(`${V1}/questions/${created.body.id}/escalader`, {}, { token: agent });
    expect(res.status).toBe(200);
    await f.waitFor(
      async () =>
        (
          await f.query(
            `SELECT 1 FROM processed_event pe JOIN outbox o ON o.id = pe.event_id WHERE pe.consumer = 'capitalisation-invitation' AND o.type = 'question.escaladee' AND o.aggregate_id = $1`,
            [created.body.id],
          )
        ).length === 1,
      15_000,
      'escalation handled',
    );
    return created.body.id;
  }

  const invitations = (dispositifId: string) =>
    f.query<{ id: string; question_id: string; direction_id: string; evenement_id: string; questions: string[] }>(
      `SELECT ci.id, ci.question_id, ci.direction_id, ci.evenement_id, array_agg(ciq.question_id ORDER BY ciq.ajoutee_le, ciq.question_id) AS questions
         FROM capitalisation_invitation ci JOIN capitalisation_invitation_question ciq ON ciq.invitation_id = ci.id
        WHERE ci.dispositif_id = $1 GROUP BY ci.id`,
      [dispositifId],
    );
  const outboxRows = (dispositifId: string) => f.query(`SELECT id, aggregate_id, payload FROM outbox WHERE type = 'capitalisation.suggeree' AND payload->>'dispositifId' = $1`, [dispositifId]);

  it('three similar escalations prompt once; dissimilar ones do not; a fourth joins; redelivery duplicates nothing', async () => {
    await escalade('Plafond de la subvention pour une piscine municipale');
    await escalade('Délai de versement de l’aide au port de plaisance');
    const q1 = await escalade('Hébergement en camping : les travaux sont-ils éligibles ?');
    const q2 = await escalade('Éligibilité des travaux d’un camping');
    expect(await invitations(dir.eceau)).toEqual([]);

    const q3 = await escalade('Travaux éligibles pour l’hébergement en camping');
    const [invitation, ...autres] = await invitations(dir.eceau);
    expect(autres).toEqual([]);
    expect(invitation).toMatchObject({ question_id: q3, direction_id: dir.tourisme });
    expect([...invitation.questions].sort()).toEqual([q1, q2, q3].sort());

    // The outbox row, under the fil event's id, for the consumers.
    const [row, ...plus] = await outboxRows(dir.eceau);
    expect(plus).toEqual([]);
    expect(row).toMatchObject({ id: invitation.evenement_id, aggregate_id: q3 });
    expect(row.payload).toMatchObject({ invitationId: invitation.id, nombre: 3, directionId: dir.tourisme, dispositifNom: "Ec'Eau Tourisme" });

    // The event on the latest question's fil: internal to the direction (the référent reads it, the MdR does not), the chain intact.
    const referent = await f.api.login(Q.referentTourisme);
    const fil = await f.api.get(`${V1}/questions/${q3}/fil`, { token: referent });
    expect(fil.status).toBe(200);
    const evenement = fil.body.find((e: any) => e.type === 'question.capitalisation_suggeree');
    expect(evenement).toMatchObject({ visibilite: 'interne', acteur: null, data: { invitationId: invitation.id, nombre: 3 } });
    const filAgent = await f.api.get(`${V1}/questions/${q3}/fil`, { token: await f.api.login(Q.agentCarcassonne) });
    expect(filAgent.body.some((e: any) => e.type === 'question.capitalisation_suggeree')).toBe(false);
    expect((await f.api.get(`${V1}/questions/${q3}/fil/verification`, { token: referent })).body.valide).toBe(true);

    // A notification to each active référent of the direction, linking to the question, in French, without the usager's data.
    await f.waitFor(async () => (await f.query(`SELECT 1 FROM notification WHERE type = 'capitalisation_suggeree'`)).length > 0, 15_000, 'notification');
    const notifs = await f.query<{ email: string; titre: string; lien: string }>(
      `SELECT u.email, n.titre, n.lien FROM notification n JOIN users u ON u.id = n.destinataire_id WHERE n.type = 'capitalisation_suggeree' ORDER BY u.email`,
    );
    const referents = (await f.query(`SELECT email FROM users WHERE role = 'referent' AND direction_id = $1 AND actif ORDER BY email`, [dir.tourisme])).map((r) => r.email);
    expect(referents.length).toBeGreaterThanOrEqual(2);
    expect(notifs.map((n) => n.email)).toEqual(referents);
    for (const n of notifs) {
      expect(n.lien).toBe(`/questions/${q3}`);
      expect(n.titre).toMatch(/3 questions similaires sur Ec'Eau Tourisme, publiez une réponse/);
      expect(n.titre).not.toMatch(/Casals|Camping Les Pins/);
    }

    // A fourth similar escalation joins the open prompt: no second invitation, no second notification.
    const q4 = await escalade('Camping : travaux d’hébergement éligibles ?');
    const apres = await invitations(dir.eceau);
    expect(apres).toHaveLength(1);
    expect(apres[0].questions).toHaveLength(4);
    expect(apres[0].questions).toContain(q4);
    expect(await outboxRows(dir.eceau)).toHaveLength(1);

    // Redelivery of q3's escalation: through the processor (the claim) and straight to the consumer (as if the claim were lost).
    const [{ id: eventId }] = await f.query(`SELECT id FROM outbox WHERE type = 'question.escaladee' AND aggregate_id = $1`, [q3]);
    const worker = f.workers[0];
    await worker.get(OutboxProcessor).process({ data: { eventId } } as never);
    const consumer = worker.get(InvitationCapitalisationConsumer);
    const ds = worker.get<DataSource>(getDataSourceToken());
    await ds.transaction((m) => consumer.handle({ eventId, type: 'question.escaladee', aggregateType: 'question', aggregateId: q3, payload: {} }, m));
    expect(await invitations(dir.eceau)).toHaveLength(1);
    expect(await outboxRows(dir.eceau)).toHaveLength(1);
    const [{ n }] = await f.query(`SELECT count(*)::int n FROM timeline_event WHERE type = 'question.capitalisation_suggeree'`);
    expect(n).toBe(1);
    expect((await f.query(`SELECT 1 FROM notification WHERE type = 'capitalisation_suggeree'`)).length).toBe(referents.length);
  }, 90_000);

  it('two escalations handled at once by two workers make one prompt', async () => {
    // Questions escalated behind the worker's back (no outbox row): the test drives the consumer itself, twice at once.
    const [{ id: dispositifId }] = await f.query(`SELECT id FROM dispositif WHERE code = 'pass-tourisme'`);
    const [{ id: auteur }] = await f.query(`SELECT id FROM users WHERE email = $1`, [Q.agentCarcassonne]);
    const objets = ['Hôtel : quels travaux de rénovation sont financés ?', 'Rénovation d’un hôtel : travaux financés ?', 'Travaux de rénovation financés pour un hôtel ?'];
    const ids: string[] = [];
    for (const [k, objet] of objets.entries()) {
      const id = randomUUID();
      ids.push(id);
      await f.query(
        `INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, dispositif_id, statut, direction_id, created_by, created_at, updated_at, escaladee_at, version)
         VALUES ($1, $2, $3, $4, 'Description.', 'guichet', 'normale', $5, 'escaladee', $6, $7, now(), now(), now() - make_interval(mins => $8), 1)`,
        [id, `Q-TEST-${k}`, dir.carcassonne, objet, dispositifId, dir.tourisme, auteur, 3 - k],
      );
    }
    const worker = f.workers[0];
    const consumer = worker.get(InvitationCapitalisationConsumer);
    const ds = worker.get<DataSource>(getDataSourceToken());
    const event = (questionId: string) => ({ eventId: randomUUID(), type: 'question.escaladee', aggregateType: 'question', aggregateId: questionId, payload: {} });
    // The first worker's transaction stays open while the second handles the other escalation.
    const premier = ds.createQueryRunner();
    await premier.startTransaction();
    await consumer.handle(event(ids[1]), premier.manager);
    let second = 'en cours';
    const secondDone = ds.transaction((m) => consumer.handle(event(ids[2]), m)).then(
      () => (second = 'ok'),
      (e) => (second = `échec : ${e.message}`),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(second).toBe('en cours');
    await premier.commitTransaction();
    await premier.release();
    await secondDone;
    expect(second).toBe('ok');
    const [invitation, ...autres] = await invitations(dispositifId);
    expect(autres).toEqual([]);
    expect([...invitation.questions].sort()).toEqual([...ids].sort());
    expect(invitation.question_id).toBe(ids[2]);
    expect(await outboxRows(dispositifId)).toHaveLength(1);
  }, 60_000);

  it('GET /capitalisation/invitations: the direction’s open prompts; POST …/ignorer dismisses one', async () => {
    const url = `${V1}/capitalisation/invitations`;
    const referent = await f.api.login(Q.referentTourisme);
    const list = await f.api.get(url, { token: referent });
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items.map((i: any) => i.dispositif.nom)).toEqual(['Pass Tourisme', "Ec'Eau Tourisme"]);
    const [pass, eceau] = list.body.items;
    expect(eceau).toMatchObject({ directionId: dir.tourisme, nombre: 4, resolution: null, version: 1 });
    expect(eceau.questions.map((q: any) => q.objet)).toEqual([
      'Hébergement en camping : les travaux sont-ils éligibles ?',
      'Éligibilité des travaux d’un camping',
      'Travaux éligibles pour l’hébergement en camping',
      'Camping : travaux d’hébergement éligibles ?',
    ]);
    expect(eceau.question.id).toBe(eceau.questions[2].id);
    expect(eceau.question.reference).toMatch(/^Q-\d{4}-\d{6}$/);
    expect((await f.api.get(url, { token: await f.api.login(Q.managerReseau) })).body.items).toHaveLength(2);

    // Scope: another direction sees none of them and cannot dismiss them; an MdR agent has no list.
    const def = await f.api.login(Q.referentDef);
    expect((await f.api.get(url, { token: def })).body.items).toEqual([]);
    expect((await f.api.get(`${url}?directionId=${dir.tourisme}`, { token: def })).status).toBe(403);
    expect((await f.api.get(url, { token: await f.api.login(Q.agentCarcassonne) })).status).toBe(403);
    expect((await f.api.post(`${url}/${pass.id}/ignorer`, {}, { token: def })).status).toBe(404);
    expect((await f.api.post(`${url}/${randomUUID()}/ignorer`, {}, { token: referent })).status).toBe(404);
    const bad = await f.api.post(`${url}/pas-un-uuid/ignorer`, {}, { token: referent });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('id');

    const ignoree = await f.api.post(`${url}/${pass.id}/ignorer`, {}, { token: referent });
    expect(ignoree.status).toBe(200);
    expect(ignoree.body).toMatchObject({ id: pass.id, resolution: 'ignoree', version: 2 });
    const encore = await f.api.post(`${url}/${pass.id}/ignorer`, {}, { token: referent });
    expect(encore.status).toBe(409);
    expect(encore.body.detail).toMatch(/déjà été ignorée/);
    expect((await f.api.get(url, { token: referent })).body.items.map((i: any) => i.id)).toEqual([eceau.id]);
  });

  it('a published answer that covers the group prevents the prompt, and resolves an open one', async () => {
    const [{ id: dispositifId }] = await f.query(`SELECT id FROM dispositif WHERE code = 'contrat-de-developpement-et-dinnovation-touristique'`);
    const [{ id: referentId }] = await f.query(`SELECT id FROM users WHERE email = $1`, [Q.referentTourisme]);
    await f.query(
      `INSERT INTO reponse_publiee (id, dispositif_id, question, reponse, diffusion, auteur_id, publiee_le) VALUES ($1, $2, $3, 'Oui, jusqu’à 30 %.', 'interne', $4, now())`,
      [randomUUID(), dispositifId, 'Chambres d’hôtes : la modernisation est-elle aidée ?', referentId],
    );
    for (const objet of ['Modernisation de chambres d’hôtes aidée ?', 'Chambres d’hôtes : modernisation', 'Aide à la modernisation des chambres d’hôtes']) await escalade(objet, dispositifId);
    expect(await invitations(dispositifId)).toEqual([]);

    // An open prompt is resolved once an answer that covers it is published (published from one of its questions here).
    const eceau = (await invitations(dir.eceau))[0];
    expect((await f.query(`SELECT resolue_le FROM capitalisation_invitation WHERE id = $1`, [eceau.id]))[0].resolue_le).toBeNull();
    const reponseId = randomUUID();
    await f.query(
      `INSERT INTO reponse_publiee (id, dispositif_id, question_source_id, question, reponse, diffusion, auteur_id, publiee_le) VALUES ($1, $2, $3, 'Quels travaux sont éligibles pour un camping ?', 'Les travaux d’économie d’eau.', 'externe', $4, now())`,
      [reponseId, dir.eceau, eceau.questions[0], referentId],
    );
    // The publishing use case's event (question.reponse_publiee on the source question) resolves it at once.
    await f.query(
      `INSERT INTO outbox (id, type, aggregate_type, aggregate_id, payload, occurred_at, attempts) VALUES (gen_random_uuid(), 'question.reponse_publiee', 'question', $1, $2, now(), 0)`,
      [eceau.questions[0], JSON.stringify({ reponsePublieeId: reponseId, dispositifId: dir.eceau, questionId: eceau.questions[0] })],
    );
    const resolue = await f.waitFor(
      async () => (await f.query(`SELECT resolution, reponse_publiee_id FROM capitalisation_invitation WHERE id = $1 AND resolue_le IS NOT NULL`, [eceau.id]))[0],
      15_000,
      'the invitation resolved by the publication',
    );
    expect(resolue).toEqual({ resolution: 'publiee', reponse_publiee_id: reponseId });
  }, 60_000);

  it('without that event, an invitation covered by a published answer is resolved at the next escalation on its dispositif', async () => {
    const [{ id: dispositifId }] = await f.query(`SELECT id FROM dispositif WHERE code = 'pass-rebond-occitanie-tourisme'`);
    const [{ id: referentId }] = await f.query(`SELECT id FROM users WHERE email = $1`, [Q.referentTourisme]);
    for (const objet of ['Relance numérique : site internet financé ?', 'Site internet : la relance numérique est-elle financée ?', 'Financement d’un site internet (relance numérique)']) await escalade(objet, dispositifId);
    const [invitation] = await invitations(dispositifId);
    expect(invitation.questions).toHaveLength(3);
    await f.query(
      `INSERT INTO reponse_publiee (id, dispositif_id, question, reponse, diffusion, auteur_id, publiee_le) VALUES (gen_random_uuid(), $1, 'Un site internet est-il financé au titre de la relance numérique ?', 'Oui.', 'externe', $2, now())`,
      [dispositifId, referentId],
    );
    await escalade('Plafond de l’aide pour un restaurant ?', dispositifId);
    const [resolue] = await f.query(`SELECT resolution FROM capitalisation_invitation WHERE id = $1`, [invitation.id]);
    expect(resolue).toEqual({ resolution: 'publiee' });
  }, 60_000);

  it('finds a dispositif’s escalations of the window by their index, among many questions', async () => {
    // 40,000 questions over two years and all the dispositifs, a third escalated.
    await f.query(
      `INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, dispositif_id, statut, direction_id, created_by, created_at, updated_at, escaladee_at, version)
       SELECT gen_random_uuid(), 'Q-PLAN-' || g, $1, 'Objet ' || g, 'Description', 'guichet', 'normale', d.ids[1 + g % array_length(d.ids, 1)],
              CASE WHEN g % 3 = 0 THEN 'escaladee' ELSE 'recue' END, CASE WHEN g % 3 = 0 THEN $2::uuid END, $3,
              now() - make_interval(hours => g % 17520), now(), CASE WHEN g % 3 = 0 THEN now() - make_interval(hours => g % 17520) END, 1
         FROM generate_series(1, 40000) g, (SELECT array_agg(id ORDER BY id) AS ids FROM dispositif) d`,
      [dir.carcassonne, dir.tourisme, (await f.query(`SELECT id FROM users WHERE email = $1`, [Q.agentCarcassonne]))[0].id],
    );
    await f.query(`ANALYZE question`);
    const plans: PlanNode[] = [];
    const ds = f.workers[0].get<DataSource>(getDataSourceToken());
    await escaladesRecentes(explaining(ds, plans) as never, dir.eceau, new Date(Date.now() - 12 * 7 * 86_400_000), new Set());
    const scans = nodes(plans[0]).filter((n) => n['Relation Name'] === 'question');
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    const indexes = nodes(plans[0]).map((n) => n['Index Name']).filter(Boolean);
    expect(indexes).toContain('idx_question_dispositif_escaladee');
  }, 60_000);
});

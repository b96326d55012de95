import { randomUUID } from 'node:crypto';
import { ManualClock } from '@app/core';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { briefComplet, briefSansMaterielNiContacts, CommandeIds, commandeFixture, commandeCounts, DEBUT, emise, EMAILS, rediger } from './fixtures';

/** Bad input gets a precise problem+json naming the field and writes nothing; concurrent writers never fork. */
describe('commande input and concurrency', () => {
  let api: TestApi;
  let db: TestDb;
  let ids: CommandeIds;
  let conseiller: string;
  const clock = new ManualClock(new Date(DEBUT));

  beforeAll(async () => {
    api = await TestApi.start({ clock });
    db = new TestDb();
    ids = await commandeFixture(db);
    conseiller = await api.login(EMAILS.conseiller);
  });

  afterAll(async () => {
    await api.close();
    await db.close();
  });

  async function expectRejected(
    request: () => Promise<{ status: number; headers: Headers; body: any }>,
    status: number,
    field: string,
  ): Promise<any> {
    const before = await commandeCounts(db);
    const res = await request();
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:relais:probleme:/), title: expect.any(String), detail: expect.any(String) });
    expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    expect(JSON.stringify(res.body)).not.toMatch(/ must | should /);
    expect(await commandeCounts(db)).toEqual(before);
    return res.body;
  }

  const create = (body: unknown, token = conseiller, headers?: Record<string, string>) => () => api.post('/api/v1/commandes', body, { token, headers });
  const patch = (id: string, body: unknown, headers?: Record<string, string>) => () =>
    api.request('PATCH', `/api/v1/commandes/${id}`, { token: conseiller, body, headers });

  describe('dates', () => {
    it.each([
      ['18/12/2026', 'echeance'],
      ['2026-02-30', 'echeance'],
      ['2026-12-18T17:00:00', 'echeance'],
      ['demain', 'echeance'],
    ])('a malformed deadline %j is a 400 naming it', async (echeance, field) => {
      const body = await expectRejected(create(briefComplet(ids, { echeance })), 400, field);
      expect(body.errors.find((e: any) => e.field === 'echeance').message).toMatch(/2026-12-18/);
    });

    it('a malformed deliverable date is a 400 naming the deliverable', async () => {
      await expectRejected(create(briefComplet(ids, { livrables: [{ libelle: 'CR', echeance: 'vendredi' }] })), 400, 'livrables.0.echeance');
    });

    it('a deadline in the past is a 422, even for a draft', async () => {
      const body = await expectRejected(create(briefSansMaterielNiContacts(ids, { echeance: '2026-12-01' })), 422, 'echeance');
      expect(body.code).toBe('COMMANDE_CHAMP_INVALIDE');
      expect(body.detail).toMatch(/passée/);
      // Earlier the same day is past too.
      await expectRejected(create({ titre: 'X', echeance: '2026-12-02T09:59:00+01:00' }), 422, 'echeance');
    });

    it('a deliverable due after the commande is refused', async () => {
      const body = await expectRejected(create(briefComplet(ids, { livrables: [{ libelle: 'CR', echeance: '2026-12-20' }] })), 422, 'livrables[0].echeance');
      expect(body.errors[0].message).toMatch(/après l’échéance de la commande/);
    });

    it('a date alone means the end of that day, Paris time', async () => {
      const draft = await rediger(api, { titre: 'Date seule', echeance: '2026-12-02' });
      expect(draft.echeance).toBe('2026-12-02T22:59:59.999Z');
    });
  });

  describe('MdRs, thème and the other fields', () => {
    it('an unknown MdR, or one listed twice, is a 422 on maisonIds', async () => {
      const unknown = randomUUID();
      const body = await expectRejected(create(briefComplet(ids, { maisonIds: [ids.foix, unknown] })), 422, 'maisonIds');
      expect(body.errors[0].message).toContain(unknown);
      await expectRejected(create(briefComplet(ids, { maisonIds: [ids.foix, ids.limoux, ids.foix] })), 422, 'maisonIds');
      await expectRejected(create(briefComplet(ids, { maisonIds: ['foix'] })), 400, 'maisonIds');
    });

    it('an unknown thème is a 422; every refusal is reported at once', async () => {
      const body = await expectRejected(create(briefComplet(ids, { themeId: randomUUID(), maisonIds: [randomUUID()], echeance: '2026-11-30' })), 422, 'themeId');
      // The deliverable due 16 December now falls after the (past) deadline too.
      expect(body.errors.map((e: any) => e.field).sort()).toEqual(['echeance', 'livrables[1].echeance', 'maisonIds', 'themeId']);
    });

    it('material is a list of texts or "aucun"', async () => {
      await expectRejected(create(briefComplet(ids, { materiel: 'rien' })), 400, 'materiel');
      await expectRejected(create(briefComplet(ids, { materiel: ['', 'Affiches'] })), 400, 'materiel');
      const draft = await rediger(api, briefComplet(ids, { materiel: 'aucun' }));
      expect(draft.materiel).toBe('aucun');
    });

    it('contacts, deliverables, budget and unknown fields are checked', async () => {
      await expectRejected(create(briefComplet(ids, { contacts: [{ nom: 'A', role: 'B', email: 'pas-un-email' }] })), 400, 'contacts.0.email');
      await expectRejected(create(briefComplet(ids, { contacts: [{ nom: 'A', role: 'B', telephone: 'appelez-moi' }] })), 400, 'contacts.0.telephone');
      await expectRejected(create(briefComplet(ids, { livrables: [{ echeance: '2026-12-10' }] })), 400, 'livrables.0.libelle');
      await expectRejected(create(briefComplet(ids, { livrables: [{ id: randomUUID(), libelle: 'CR' }] })), 422, 'livrables[0].id');
      await expectRejected(create(briefComplet(ids, { budget: -5 })), 400, 'budget');
      await expectRejected(create(briefComplet(ids, { budget: 10.555 })), 400, 'budget');
      await expectRejected(create(briefComplet(ids, { statut: 'emise' })), 400, 'statut');
      await expectRejected(create(briefComplet(ids, { titre: 'x'.repeat(201) })), 400, 'titre');
    });

    it('an MdR gone from the directory before issue: 422 on maisonIds, no assignment at all', async () => {
      const columns: Array<{ column_name: string }> = await db.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'maison' AND column_name NOT IN ('id', 'code') ORDER BY ordinal_position`,
      );
      const list = columns.map((c) => c.column_name).join(', ');
      const [temp] = await db.query(
        `INSERT INTO maison (id, code, ${list}) SELECT gen_random_uuid(), 'temporaire-' || floor(random() * 1e9)::text, ${list} FROM maison WHERE code = 'foix' RETURNING id`,
      );
      const draft = await rediger(api, briefComplet(ids, { maisonIds: [ids.foix, temp.id] }));
      await db.query(`DELETE FROM maison WHERE id = $1`, [temp.id]);
      const verification = await api.get(`/api/v1/commandes/${draft.id}/verification`, { token: conseiller });
      expect(verification.body).toMatchObject({ complet: false, manquants: ['maisonIds'] });
      const body = await expectRejected(() => api.post(`/api/v1/commandes/${draft.id}/emettre`, {}, { token: conseiller }), 422, 'maisonIds');
      expect(body.detail).toMatch(/maisonIds/);
      expect(await db.count('affectation', 'commande_id = $1', [draft.id])).toBe(0);
      expect((await api.get(`/api/v1/commandes/${draft.id}`, { token: conseiller })).body.statut).toBe('brouillon');
    });

    it('only the Cabinet and a direction’s managers draft commandes', async () => {
      for (const email of [EMAILS.agentFoix, EMAILS.managerReseau, EMAILS.referentDef, EMAILS.admin]) {
        const token = await api.login(email);
        const before = await commandeCounts(db);
        const res = await api.post('/api/v1/commandes', briefComplet(ids), { token });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('COMMANDE_CREATION_NON_PERMISE');
        expect(await commandeCounts(db)).toEqual(before);
      }
    });
  });

  describe('the minimum lead time', () => {
    it('a deadline in 4 business days needs urgent and a justification, then issues with an alert', async () => {
      // Wednesday 2 → Tuesday 8 December: Thu, Fri, Mon, Tue = 4 business days < 5.
      const draft = await rediger(api, briefComplet(ids, { echeance: '2026-12-08', livrables: [{ libelle: 'Compte rendu' }] }));
      const verification = await api.get(`/api/v1/commandes/${draft.id}/verification`, { token: conseiller });
      expect(verification.body.manquants).toEqual(['urgent', 'justificationUrgence']);
      expect(verification.body.alertes[0]).toMatch(/4 jours ouvrés.*délai minimum de 5/);
      const refused = await expectRejected(() => api.post(`/api/v1/commandes/${draft.id}/emettre`, {}, { token: conseiller }), 422, 'justificationUrgence');
      expect(refused.manquants).toEqual(['urgent', 'justificationUrgence']);
      const urgent = await patch(draft.id, { urgent: true, justificationUrgence: 'Session plénière avancée au 10 décembre.' }, { 'if-match': `"${draft.version}"` })();
      expect(urgent.status).toBe(200);
      const issued = await api.post(`/api/v1/commandes/${draft.id}/emettre`, {}, { token: conseiller });
      expect(issued.status).toBe(200);
      const fil = await api.get(`/api/v1/commandes/${draft.id}/fil`, { token: conseiller });
      expect(fil.body.find((e: any) => e.type === 'commande.emise').data).toMatchObject({
        urgent: true,
        justificationUrgence: 'Session plénière avancée au 10 décembre.',
        alertes: [expect.stringMatching(/Commande urgente/)],
      });
    });
  });

  describe('editing a draft', () => {
    it('replaces only what is sent, keeps deliverable ids, and refuses a stale If-Match with 412', async () => {
      const draft = await rediger(api, briefSansMaterielNiContacts(ids));
      const [cr, liste] = draft.livrables;
      const edited = await patch(draft.id, { livrables: [{ id: liste.id, libelle: 'Liste des entreprises présentes' }, { libelle: 'Photos' }], budget: null }, { 'if-match': `"${draft.version}"` })();
      expect(edited.status).toBe(200);
      expect(edited.body.livrables.map((l: any) => [l.id === liste.id, l.libelle])).toEqual([
        [true, 'Liste des entreprises présentes'],
        [false, 'Photos'],
      ]);
      expect(edited.body.livrables.some((l: any) => l.id === cr.id)).toBe(false);
      expect(edited.body).toMatchObject({ budget: null, titre: draft.titre, version: draft.version + 1 });
      expect(edited.headers.get('etag')).toBe(`"${draft.version + 1}"`);

      const beforeStale = await commandeCounts(db);
      const stale = await patch(draft.id, { titre: 'Autre' }, { 'if-match': `"${draft.version}"` })();
      expect(stale.status).toBe(412);
      expect(stale.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(stale.body).toMatchObject({ code: 'VERSION_PERIMEE', versionActuelle: draft.version + 1, versionAttendue: draft.version });
      expect(await commandeCounts(db)).toEqual(beforeStale);
      const garbage = await patch(draft.id, { titre: 'Autre' }, { 'if-match': 'n-importe-quoi' })();
      expect(garbage.status).toBe(400);
      expect(garbage.body.errors[0].field).toBe('If-Match');

      // The same content again is no change: no new version, no event.
      const before = await commandeCounts(db);
      const same = await patch(draft.id, { titre: draft.titre }, { 'if-match': `"${draft.version + 1}"` })();
      expect(same.status).toBe(200);
      expect(same.body.version).toBe(draft.version + 1);
      expect(await commandeCounts(db)).toEqual(before);
    });

    it('an edit without If-Match is 428 naming the header, and writes nothing (API.md: a PATCH without If-Match is 428)', async () => {
      const draft = await rediger(api, briefSansMaterielNiContacts(ids));
      for (const headers of [undefined, { 'if-match': '*' }]) {
        const body = await expectRejected(patch(draft.id, { titre: 'Sans If-Match' }, headers), 428, 'If-Match');
        expect(body).toMatchObject({ code: 'IF_MATCH_REQUIS', title: 'Précondition requise' });
        expect(body.detail).toMatch(/If-Match/);
      }
      const unchanged = await api.get(`/api/v1/commandes/${draft.id}`, { token: conseiller });
      expect(unchanged.body).toMatchObject({ titre: draft.titre, version: draft.version });
      // Transitions keep If-Match optional: the state machine answers 409 to a move from a stale view.
      expect((await api.post(`/api/v1/commandes/${draft.id}/annuler`, { motif: 'Doublon' }, { token: conseiller })).status).toBe(200);
    });

    it('an issued commande is not edited any more (409 naming its state)', async () => {
      const commande = await emise(api, ids);
      const res = await patch(commande.id, { titre: 'Trop tard', echeance: '2020-01-01' }, { 'if-match': `"${commande.version}"` })();
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'COMMANDE_TRANSITION_INTERDITE', statutActuel: 'emise', action: 'modifier' });
    });

    it('only the issuing unit edits; others do not even see the draft', async () => {
      const draft = await rediger(api, briefSansMaterielNiContacts(ids));
      const def = await api.login(EMAILS.managerDef);
      const res = await api.request('PATCH', `/api/v1/commandes/${draft.id}`, { token: def, body: { titre: 'X' }, headers: { 'if-match': `"${draft.version}"` } });
      expect(res.status).toBe(404);
    });
  });

  describe('idempotency', () => {
    it('replays an Idempotency-Key: same body → same response, nothing twice; other body → 422', async () => {
      const key = `cle-${randomUUID()}`;
      const body = briefSansMaterielNiContacts(ids, { titre: 'Idempotence' });
      const first = await api.post('/api/v1/commandes', body, { token: conseiller, headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      const before = await commandeCounts(db);
      const replay = await api.post('/api/v1/commandes', body, { token: conseiller, headers: { 'idempotency-key': key } });
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(first.body.id);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await commandeCounts(db)).toEqual(before);
      const other = await api.post('/api/v1/commandes', { ...body, titre: 'Autre chose' }, { token: conseiller, headers: { 'idempotency-key': key } });
      expect(other.status).toBe(422);
      expect(await commandeCounts(db)).toEqual(before);
    });

    it('replays an Idempotency-Key on a message: written once from concurrent retries, the first answer back; another text → 422', async () => {
      const draft = await rediger(api, briefComplet(ids));
      const key = `cle-${randomUUID()}`;
      const body = { texte: 'Le dossier de presse arrive lundi.', visibilite: 'interne' };
      const messages = () => db.count('timeline_event', `ticket_id = $1 AND type = 'commande.message'`, [draft.id]);
      const attempts = await Promise.all(
        Array.from({ length: 5 }, () => api.post(`/api/v1/commandes/${draft.id}/messages`, body, { token: conseiller, headers: { 'idempotency-key': key } })),
      );
      expect(attempts.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      expect(attempts.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
      const first = attempts.find((a) => a.headers.get('idempotent-replayed') !== 'true')!;
      for (const a of attempts) expect(a.body).toEqual(first.body);
      expect(await messages()).toBe(1);
      expect(await db.count('outbox', `aggregate_id = $1 AND type = 'commande.message'`, [draft.id])).toBe(1);
      const other = await api.post(`/api/v1/commandes/${draft.id}/messages`, { ...body, texte: 'Autre chose.' }, { token: conseiller, headers: { 'idempotency-key': key } });
      expect(other.status).toBe(422);
      expect(await messages()).toBe(1);
    });
  });

  describe('concurrency', () => {
    it('a double issue: exactly one wins, one set of assignments', async () => {
      const draft = await rediger(api, briefComplet(ids));
      const attempts = await Promise.all(Array.from({ length: 10 }, () => api.post(`/api/v1/commandes/${draft.id}/emettre`, {}, { token: conseiller })));
      const statuses = attempts.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(9);
      expect(attempts.find((a) => a.status === 409)!.body).toMatchObject({ statutActuel: 'emise', action: 'emettre' });
      expect(await db.count('affectation', 'commande_id = $1', [draft.id])).toBe(3);
      expect(await db.count('timeline_event', `ticket_id = $1 AND type = 'commande.emise'`, [draft.id])).toBe(1);
      expect(await db.count('outbox', `aggregate_id = $1 AND type = 'commande.emise'`, [draft.id])).toBe(1);
      const verification = await api.get(`/api/v1/commandes/${draft.id}/fil/verification`, { token: conseiller });
      expect(verification.body.valide).toBe(true);
    });

    it('with the same If-Match, the loser of a double issue gets 412 or 409, never a second fan-out', async () => {
      const draft = await rediger(api, briefComplet(ids));
      const headers = { 'if-match': `"${draft.version}"` };
      const attempts = await Promise.all([1, 2].map(() => api.post(`/api/v1/commandes/${draft.id}/emettre`, {}, { token: conseiller, headers })));
      expect(attempts.map((a) => a.status).sort()).toEqual([200, expect.any(Number)]);
      expect([409, 412]).toContain(attempts.map((a) => a.status).sort()[1]);
      expect(await db.count('affectation', 'commande_id = $1', [draft.id])).toBe(3);
    });

    it('MdRs reporting at once never conflict; each assignment keeps its own If-Match', async () => {
      const commande = await emise(api, ids);
      const tokens = await Promise.all([EMAILS.agentFoix, EMAILS.responsableLimoux, EMAILS.responsablePerpignan].map((e) => api.login(e)));
      const byMaison = (m: string) => commande.affectations.find((a: any) => a.maison.id === m);
      const affs = [byMaison(ids.foix), byMaison(ids.limoux), byMaison(ids.perpignan)];
      const acks = await Promise.all(affs.map((a, i) => api.post(`/api/v1/affectations/${a.id}/accuser-reception`, {}, { token: tokens[i], headers: { 'if-match': `"${a.version}"` } })));
      expect(acks.map((r) => r.status)).toEqual([200, 200, 200]);
      // Twenty reports on the three assignments at once: all accepted, one chain.
      const reports = await Promise.all(
        Array.from({ length: 20 }, (_, n) => api.post(`/api/v1/affectations/${affs[n % 3].id}/avancement`, { pourcentage: n }, { token: tokens[n % 3] })),
      );
      expect(reports.every((r) => r.status === 200)).toBe(true);
      const fil = await api.get(`/api/v1/commandes/${commande.id}/fil/verification`, { token: tokens[0] });
      expect(fil.body).toMatchObject({ valide: true });
      expect(await db.count('timeline_event', `ticket_id = $1 AND type = 'affectation.avancement_signale'`, [commande.id])).toBe(20);
      // Foix's If-Match is stale after its own reports, not because of Limoux's.
      const foix = (await api.get(`/api/v1/affectations/${affs[0].id}`, { token: tokens[0] })).body;
      await api.post(`/api/v1/affectations/${affs[1].id}/avancement`, { pourcentage: 99 }, { token: tokens[1] });
      const ok = await api.post(`/api/v1/affectations/${affs[0].id}/livrer`, { note: 'Fait' }, { token: tokens[0], headers: { 'if-match': `"${foix.version}"` } });
      expect(ok.status).toBe(200);
      const before = await commandeCounts(db);
      const stale = await api.post(`/api/v1/affectations/${affs[0].id}/renvoyer`, { motif: 'x' }, { token: conseiller, headers: { 'if-match': `"${foix.version}"` } });
      expect(stale.status).toBe(412);
      expect(await commandeCounts(db)).toEqual(before);
    });

    it('a cancellation racing MdR reports: the assignments end cancelled, the chain intact', async () => {
      const commande = await emise(api, ids);
      const foixToken = await api.login(EMAILS.agentFoix);
      const foix = commande.affectations.find((a: any) => a.maison.id === ids.foix);
      await api.post(`/api/v1/affectations/${foix.id}/accuser-reception`, {}, { token: foixToken });
      const [cancel, ...reports] = await Promise.all([
        api.post(`/api/v1/commandes/${commande.id}/annuler`, { motif: 'Opération reportée au printemps' }, { token: conseiller }),
        ...Array.from({ length: 5 }, () => api.post(`/api/v1/affectations/${foix.id}/avancement`, { pourcentage: 20 }, { token: foixToken })),
      ]);
      expect(cancel.status).toBe(200);
      expect(reports.every((r) => r.status === 200 || r.status === 409)).toBe(true);
      const after = (await api.get(`/api/v1/commandes/${commande.id}`, { token: conseiller })).body;
      expect(after.statut).toBe('annulee');
      expect(after.affectations.every((a: any) => a.statut === 'annulee')).toBe(true);
      expect((await api.get(`/api/v1/commandes/${commande.id}/fil/verification`, { token: conseiller })).body.valide).toBe(true);
    });
  });

  describe('transitions on assignments', () => {
    it('refuses malformed bodies with the field, and a move from a wrong state with 409', async () => {
      const commande = await emise(api, ids);
      const token = await api.login(EMAILS.agentFoix);
      const foix = commande.affectations.find((a: any) => a.maison.id === ids.foix);
      const notYet = await api.post(`/api/v1/affectations/${foix.id}/avancement`, { pourcentage: 10 }, { token });
      expect(notYet.status).toBe(409);
      expect(notYet.body).toMatchObject({ statutActuel: 'envoyee', action: 'signaler_avancement' });
      expect(notYet.body.detail).toBe('Impossible de signaler l’avancement de cette affectation : elle est « envoyée ».');
      await api.post(`/api/v1/affectations/${foix.id}/accuser-reception`, {}, { token });
      const post = (verb: string, body: unknown) => () => api.post(`/api/v1/affectations/${foix.id}/${verb}`, body, { token });
      await expectRejected(post('avancement', { pourcentage: 150 }), 400, 'pourcentage');
      await expectRejected(post('avancement', { pourcentage: 'moitié' }), 400, 'pourcentage');
      await expectRejected(post('avancement', { pourcentage: 10, livrablesFaits: [randomUUID()] }), 422, 'livrablesFaits');
      await expectRejected(post('livrer', { note: 'Fait', liens: ['ftp://serveur/cr.pdf'] }), 400, 'liens');
      await expectRejected(post('livrer', { liens: [] }), 400, 'note');
      await expectRejected(post('demander-clarification', { question: '   ' }), 400, 'question');
      await expectRejected(() => api.post(`/api/v1/affectations/pas-un-uuid/livrer`, { note: 'x' }, { token }), 400, 'id');
      const unknown = await api.post(`/api/v1/affectations/${randomUUID()}/livrer`, { note: 'x' }, { token });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('AFFECTATION_INTROUVABLE');
    });

    it('cancelling a commande ends its open assignments, and then it accepts nothing', async () => {
      const commande = await emise(api, ids);
      const foixToken = await api.login(EMAILS.agentFoix);
      const foix = commande.affectations.find((a: any) => a.maison.id === ids.foix);
      expect((await api.post(`/api/v1/commandes/${commande.id}/annuler`, {}, { token: conseiller })).status).toBe(400);
      expect((await api.post(`/api/v1/commandes/${commande.id}/annuler`, { motif: 'x' }, { token: foixToken })).status).toBe(403);
      const cancelled = await api.post(`/api/v1/commandes/${commande.id}/annuler`, { motif: 'Calendrier électoral' }, { token: conseiller, headers: { 'if-match': `"${commande.version}"` } });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ statut: 'annulee', motifAnnulation: 'Calendrier électoral', actions: [] });
      expect(cancelled.body.resume.parStatut.annulee).toBe(3);
      for (const [verb, body] of [
        ['accuser-reception', {}],
        ['avancement', { pourcentage: 10 }],
        ['livrer', { note: 'x' }],
      ] as const) {
        const res = await api.post(`/api/v1/affectations/${foix.id}/${verb}`, body, { token: foixToken });
        expect(res.status).toBe(409);
        expect(res.body.statutActuel).toBe('annulee');
      }
      const message = await api.post(`/api/v1/commandes/${commande.id}/messages`, { texte: 'Dommage', visibilite: 'partage' }, { token: foixToken });
      expect(message.status).toBe(409);
      expect(message.body).toMatchObject({ statutActuel: 'annulee', action: 'ecrire' });
      // Cancelled assignments stay on Foix's list, marked as such.
      const recues = await api.get('/api/v1/commandes?recues=true', { token: foixToken });
      expect(recues.body.items.find((c: any) => c.id === commande.id).statut).toBe('annulee');
    });
  });
});

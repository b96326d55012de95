import { ManualClock } from '@app/core';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { briefSansMaterielNiContacts, CommandeIds, commandeFixture, commandeCounts, CONTACTS, DEBUT, EMAILS, MATERIEL } from './fixtures';

/**
 * The field-study scenario: the Cabinet's technical adviser drafts a consultation workshop on
 * the training needs of the construction sector for Foix, Limoux and Perpignan; the brief is
 * refused until it has material and contacts; Foix asks a question and gets the answer; all
 * three report and deliver; one delivery is sent back, then all are validated and the
 * commande closes by itself. Everyone follows one timeline, each MdR keeping its notes.
 */
describe('commande flow (top-down)', () => {
  let api: TestApi;
  let db: TestDb;
  let ids: CommandeIds;
  const clock = new ManualClock(new Date(DEBUT));
  const tokens: Record<keyof typeof EMAILS, string> = {} as never;

  beforeAll(async () => {
    api = await TestApi.start({ clock });
    db = new TestDb();
    ids = await commandeFixture(db);
    for (const [name, email] of Object.entries(EMAILS)) tokens[name as keyof typeof EMAILS] = await api.login(email);
  });

  afterAll(async () => {
    await api.close();
    await db.close();
  });

  const post = (path: string, token: string, body: unknown = {}, headers?: Record<string, string>) => api.post(`/api/v1${path}`, body, { token, headers });
  const get = (path: string, token: string) => api.get(`/api/v1${path}`, { token });
  const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

  it('runs the BTP workshop commande from the draft to its automatic closing', async () => {
    const { conseiller, agentFoix, responsableFoix, responsableLimoux, responsablePerpignan } = tokens;

    // ——— The adviser drafts it, without material nor contacts. ———
    const created = await post('/commandes', conseiller, briefSansMaterielNiContacts(ids));
    expect(created.status).toBe(201);
    const draft = created.body;
    expect(draft).toMatchObject({
      statut: 'brouillon',
      titre: 'Atelier de concertation sur les besoins en formation de la filière BTP',
      echeance: '2026-12-18T22:59:59.999Z',
      materiel: null,
      contacts: [],
      urgent: false,
      budget: 1500,
      theme: { id: ids.themeFormation },
      emetteur: { displayName: expect.any(String), unite: { type: 'cabinet', id: null, nom: 'Cabinet' } },
      affectations: [],
      // Incomplete: issuing is not offered (the brief check decides, as `emettre` would).
      actions: ['modifier', 'annuler', 'ecrire'],
      sla: [],
    });
    expect(draft.reference).toMatch(/^C-2026-\d{6,}$/);
    expect(draft.maisons.map((m: any) => m.id)).toEqual([ids.foix, ids.limoux, ids.perpignan]);
    expect(draft.livrables).toEqual([
      { id: expect.any(String), libelle: 'Compte rendu de l’atelier', echeance: null },
      { id: expect.any(String), libelle: 'Liste des entreprises participantes', echeance: '2026-12-16T22:59:59.999Z' },
    ]);
    expect(created.headers.get('etag')).toBe(`"${draft.version}"`);
    expect(created.headers.get('location')).toBe(`/api/v1/commandes/${draft.id}`);
    // A draft exists only for the Cabinet.
    for (const token of [agentFoix, tokens.managerReseau, tokens.referentDef]) expect((await get(`/commandes/${draft.id}`, token)).status).toBe(404);

    // ——— The completeness gate: material and contacts are missing, and issuing is refused. ———
    const verification = await get(`/commandes/${draft.id}/verification`, conseiller);
    expect(verification.status).toBe(200);
    expect(verification.body).toMatchObject({ complet: false, manquants: ['materiel', 'contacts'], alertes: [] });
    const before = await commandeCounts(db);
    const refused = await post(`/commandes/${draft.id}/emettre`, conseiller, {}, ifMatch(draft.version));
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'COMMANDE_BRIEF_INCOMPLET', manquants: ['materiel', 'contacts'] });
    expect(refused.body.errors.map((e: any) => e.field)).toEqual(['materiel', 'contacts']);
    expect(refused.body.detail).toMatch(/materiel, contacts/);
    expect(await commandeCounts(db)).toEqual(before);

    // ——— Completed, then issued: one assignment per MdR. ———
    const completed = await api.request('PATCH', `/api/v1/commandes/${draft.id}`, {
      token: conseiller,
      body: { materiel: MATERIEL, contacts: CONTACTS },
      headers: ifMatch(draft.version),
    });
    expect(completed.status).toBe(200);
    expect(completed.body.version).toBe(draft.version + 1);
    expect(completed.body.contacts[0]).toMatchObject({ email: EMAILS.referentDef, utilisateurId: expect.any(String) });
    expect(completed.body.contacts[1]).toMatchObject({ telephone: '05 36 49 00 01', utilisateurId: null });
    expect((await get(`/commandes/${draft.id}/verification`, conseiller)).body).toEqual({ complet: true, manquants: [], alertes: [], erreurs: [] });
    expect(completed.body.actions).toEqual(['modifier', 'emettre', 'annuler', 'ecrire']);

    const issued = await post(`/commandes/${draft.id}/emettre`, conseiller, {}, ifMatch(completed.body.version));
    expect(issued.status).toBe(200);
    expect(issued.body.statut).toBe('emise');
    expect(issued.body.emiseAt).toBe(new Date(DEBUT).toISOString());
    expect(issued.body.affectations.map((a: any) => [a.maison.id, a.statut, a.pourcentage])).toEqual(
      expect.arrayContaining([
        [ids.foix, 'envoyee', 0],
        [ids.limoux, 'envoyee', 0],
        [ids.perpignan, 'envoyee', 0],
      ]),
    );
    expect(issued.body.resume).toMatchObject({ parStatut: { envoyee: 3, validee: 0 }, enRetard: 0, progressionMoyenne: 0, livrablesFaits: 0, livrablesTotal: 6 });
    expect(await db.count('affectation', 'commande_id = $1', [draft.id])).toBe(3);
    const commandeId = draft.id;
    const aff = (maisonId: string) => issued.body.affectations.find((a: any) => a.maison.id === maisonId);
    const foix = aff(ids.foix);
    const limoux = aff(ids.limoux);
    const perpignan = aff(ids.perpignan);
    const [livrableCR, livrableListe] = issued.body.livrables.map((l: any) => l.id);

    // Each targeted MdR finds it among its received commandes; Carcassonne does not, and cannot read it.
    for (const token of [responsableFoix, responsableLimoux, responsablePerpignan]) {
      const recues = await get('/commandes?recues=true', token);
      expect(recues.status).toBe(200);
      expect(recues.body.items.map((c: any) => c.id)).toContain(commandeId);
    }
    expect((await get('/commandes?recues=true', tokens.agentCarcassonne)).body.items.map((c: any) => c.id)).not.toContain(commandeId);
    expect((await get(`/commandes/${commandeId}`, tokens.agentCarcassonne)).status).toBe(404);
    expect((await post(`/affectations/${foix.id}/accuser-reception`, tokens.agentCarcassonne)).status).toBe(404);
    // The DEF référent is a contact and follows it; another référent does not see it.
    expect((await get(`/commandes/${commandeId}`, tokens.referentDef)).status).toBe(200);
    expect((await get(`/commandes/${commandeId}`, tokens.referentTourisme)).status).toBe(404);
    // The Foix agent sees what it may do: acknowledge or ask, nothing of the issuer's.
    const seenByFoix = await get(`/commandes/${commandeId}`, agentFoix);
    expect(seenByFoix.body.affectations.find((a: any) => a.id === foix.id).actions).toEqual(['accuser_reception', 'demander_clarification']);
    expect(seenByFoix.body.affectations.find((a: any) => a.id === limoux.id).actions).toEqual([]);
    expect(seenByFoix.body.actions).toEqual(['ecrire']);

    // ——— Foix acknowledges, then asks a clarification; the adviser answers. ———
    clock.set('2026-12-03T09:30:00+01:00');
    const acknowledged = await post(`/affectations/${foix.id}/accuser-reception`, agentFoix, {}, ifMatch(foix.version));
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ id: foix.id, statut: 'accusee', accuseeAt: '2026-12-03T08:30:00.000Z', version: foix.version + 1 });
    expect(acknowledged.body.commande).toMatchObject({ id: commandeId, statut: 'emise', version: issued.body.version });
    expect(acknowledged.headers.get('etag')).toBe(`"${foix.version + 1}"`);

    const asked = await post(`/affectations/${foix.id}/demander-clarification`, agentFoix, {
      question: 'Faut-il inviter aussi les organismes de formation, ou seulement les entreprises ?',
    });
    expect(asked.body).toMatchObject({ statut: 'clarification_demandee', statutAvantClarification: 'accusee' });
    // The assignment waits for the answer; only the issuer answers.
    const waiting = await post(`/affectations/${foix.id}/avancement`, agentFoix, { pourcentage: 10 });
    expect(waiting.status).toBe(409);
    expect(waiting.body).toMatchObject({ code: 'AFFECTATION_TRANSITION_INTERDITE', statutActuel: 'clarification_demandee', action: 'signaler_avancement' });
    expect((await post(`/affectations/${foix.id}/clarifier`, agentFoix, { reponse: 'x' })).status).toBe(403);
    expect((await post(`/affectations/${foix.id}/clarifier`, responsableLimoux, { reponse: 'x' })).status).toBe(403);
    const rollupWaiting = await get(`/commandes/${commandeId}`, conseiller);
    expect(rollupWaiting.body.resume.parStatut).toMatchObject({ envoyee: 2, clarification_demandee: 1 });

    clock.set('2026-12-04T11:00:00+01:00');
    const answered = await post(`/affectations/${foix.id}/clarifier`, conseiller, {
      reponse: 'Les entreprises d’abord ; les organismes de formation sont invités à la seconde partie.',
    });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ statut: 'accusee', statutAvantClarification: null });

    // Foix keeps an internal note, and shares a message with everyone.
    await post(`/commandes/${commandeId}/messages`, agentFoix, { texte: 'Salle du conseil réservée : prévoir 30 chaises.', visibilite: 'interne' });
    await post(`/commandes/${commandeId}/messages`, responsableFoix, { texte: 'Nous convions aussi la CAPEB de l’Ariège.', visibilite: 'partage' });
    await post(`/commandes/${commandeId}/messages`, conseiller, { texte: 'Penser à relancer la Présidente pour l’ouverture.', visibilite: 'interne' });

    // ——— The three MdRs report progress at the same moment: none conflicts with another. ———
    clock.set('2026-12-10T15:00:00+01:00');
    for (const [a, token] of [
      [limoux, responsableLimoux],
      [perpignan, responsablePerpignan],
    ] as const) {
      expect((await post(`/affectations/${a.id}/accuser-reception`, token)).status).toBe(200);
    }
    const reports = await Promise.all([
      post(`/affectations/${foix.id}/avancement`, agentFoix, { pourcentage: 50, note: '12 entreprises inscrites.', livrablesFaits: [livrableListe] }),
      post(`/affectations/${limoux.id}/avancement`, responsableLimoux, { pourcentage: 30, note: 'Invitations envoyées.' }),
      post(`/affectations/${perpignan.id}/avancement`, responsablePerpignan, { pourcentage: 60, livrablesFaits: [livrableListe] }),
    ]);
    expect(reports.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(reports.map((r) => r.body.statut)).toEqual(['en_cours', 'en_cours', 'en_cours']);
    const progress = await get(`/commandes/${commandeId}`, conseiller);
    expect(progress.body.resume).toMatchObject({ parStatut: { en_cours: 3 }, progressionMoyenne: 47, livrablesFaits: 2, livrablesTotal: 6, enRetard: 0 });
    const foixProgress = progress.body.affectations.find((a: any) => a.id === foix.id);
    expect(foixProgress).toMatchObject({ pourcentage: 50, livrablesFaits: [livrableListe], enRetard: false, joursDeRetard: 0 });
    expect(foixProgress.livrables).toEqual([
      { id: livrableCR, libelle: 'Compte rendu de l’atelier', echeance: null, fait: false, enRetard: false },
      { id: livrableListe, libelle: 'Liste des entreprises participantes', echeance: '2026-12-16T22:59:59.999Z', fait: true, enRetard: false },
    ]);
    // Limoux follows everyone's progress, but acts only on its own assignment.
    const seenByLimoux = await get(`/commandes/${commandeId}`, responsableLimoux);
    expect(seenByLimoux.body.affectations.find((a: any) => a.id === foix.id).pourcentage).toBe(50);
    // Her role may report progress, her Maison may not on Foix's assignment: the refusal says which.
    const otherMaison = await post(`/affectations/${foix.id}/avancement`, responsableLimoux, { pourcentage: 90 });
    expect(otherMaison.status).toBe(403);
    expect(otherMaison.body).toMatchObject({ code: 'COMMANDE_AFFECTATION_AUTRE_MAISON', action: 'signaler_avancement' });
    expect(otherMaison.body.detail).toMatch(/autre Maison de la Région/);
    expect(otherMaison.body.detail).not.toMatch(/rôle/);
    // An issuer's move is her role's limit, and says so.
    const notIssuer = await post(`/affectations/${limoux.id}/valider`, responsableLimoux);
    expect(notIssuer.status).toBe(403);
    expect(notIssuer.body).toMatchObject({ code: 'COMMANDE_ACTION_NON_PERMISE' });
    expect(notIssuer.body.detail).toMatch(/Votre rôle ne permet pas/);

    // ——— All three deliver. ———
    clock.set('2026-12-16T17:00:00+01:00');
    const livraison = (ville: string) => ({ note: `Atelier tenu à ${ville} ; compte rendu et liste joints.`, liens: [`https://partage.laregion.fr/btp-${ville.toLowerCase()}.pdf`] });
    const delivered = await Promise.all([
      post(`/affectations/${foix.id}/livrer`, agentFoix, livraison('Foix')),
      post(`/affectations/${limoux.id}/livrer`, responsableLimoux, livraison('Limoux')),
      post(`/affectations/${perpignan.id}/livrer`, responsablePerpignan, livraison('Perpignan')),
    ]);
    expect(delivered.map((r) => [r.status, r.body.statut, r.body.pourcentage])).toEqual([
      [200, 'livree', 100],
      [200, 'livree', 100],
      [200, 'livree', 100],
    ]);
    expect(delivered[0].body.livraison).toEqual(livraison('Foix'));
    const allDelivered = await get(`/commandes/${commandeId}`, conseiller);
    // Delivered is handed in: 100 % and every deliverable, whatever was ticked on the way (Limoux ticked none).
    expect(allDelivered.body.resume).toMatchObject({ parStatut: { livree: 3 }, progressionMoyenne: 100, livrablesFaits: 6, livrablesTotal: 6, enRetard: 0 });
    expect(allDelivered.body.affectations.find((a: any) => a.id === limoux.id)).toMatchObject({ pourcentage: 100, livrablesFaits: [livrableCR, livrableListe] });
    expect(allDelivered.body.affectations.find((a: any) => a.id === foix.id).actions).toEqual(['valider', 'renvoyer', 'annuler']);

    // ——— The adviser sends Perpignan's back; it is late when it comes back. ———
    clock.set('2026-12-18T09:00:00+01:00');
    const sentBack = await post(`/affectations/${perpignan.id}/renvoyer`, conseiller, { motif: 'Il manque la liste des entreprises présentes.' });
    expect(sentBack.body).toMatchObject({ statut: 'renvoyee', motifRenvoi: 'Il manque la liste des entreprises présentes.' });
    // Sent back: the MdR's own figures show again (Perpignan had reported 60 % and the list only).
    expect(sentBack.body).toMatchObject({ pourcentage: 60, livrablesFaits: [livrableListe] });

    clock.set('2026-12-21T10:00:00+01:00'); // Monday after the deadline (Friday 18, end of day)
    const late = await get(`/commandes/${commandeId}`, conseiller);
    const latePerpignan = late.body.affectations.find((a: any) => a.id === perpignan.id);
    expect(latePerpignan).toMatchObject({ statut: 'renvoyee', enRetard: true, joursDeRetard: 1 });
    expect(latePerpignan.livrables.map((l: any) => l.enRetard)).toEqual([true, false]);
    expect(late.body.affectations.find((a: any) => a.id === foix.id)).toMatchObject({ enRetard: false, joursDeRetard: 0 });
    expect(late.body.resume.enRetard).toBe(1);
    const redelivered = await post(`/affectations/${perpignan.id}/livrer`, responsablePerpignan, { note: 'Liste des présents ajoutée.' });
    expect(redelivered.body).toMatchObject({ statut: 'livree', enRetard: false, joursDeRetard: 1, motifRenvoi: null });

    // ——— Validation of all three: the commande closes by itself, and not before. ———
    clock.set('2026-12-22T11:00:00+01:00');
    const v1 = await post(`/affectations/${foix.id}/valider`, conseiller);
    const v2 = await post(`/affectations/${limoux.id}/valider`, conseiller);
    expect([v1.body.statut, v2.body.statut, v2.body.commande.statut]).toEqual(['validee', 'validee', 'emise']);
    const v3 = await post(`/affectations/${perpignan.id}/valider`, conseiller);
    expect(v3.status).toBe(200);
    expect(v3.body.statut).toBe('validee');
    expect(v3.body.commande.statut).toBe('close');
    const closed = await get(`/commandes/${commandeId}`, conseiller);
    expect(closed.body).toMatchObject({ statut: 'close', closeAt: '2026-12-22T10:00:00.000Z', actions: ['ecrire'] });
    // Closed: the figures agree — 100 % and every deliverable of every assignment done.
    expect(closed.body.resume).toMatchObject({ parStatut: { validee: 3 }, enRetard: 0, progressionMoyenne: 100, livrablesFaits: 6, livrablesTotal: 6 });
    expect(closed.body.version).toBe(issued.body.version + 1);
    const cancelClosed = await post(`/commandes/${commandeId}/annuler`, conseiller, { motif: 'Trop tard' });
    expect(cancelClosed.status).toBe(409);
    expect(cancelClosed.body).toMatchObject({ statutActuel: 'close', action: 'annuler' });

    // ——— One timeline, each unit's notes kept inside it. ———
    const filOf = async (token: string) => (await get(`/commandes/${commandeId}/fil`, token)).body as any[];
    const texts = (fil: any[]) => fil.filter((e) => e.type === 'commande.message').map((e) => e.data.texte);
    const filFoix = await filOf(agentFoix);
    const filLimoux = await filOf(responsableLimoux);
    const filCabinet = await filOf(conseiller);
    expect(texts(filFoix)).toEqual(['Salle du conseil réservée : prévoir 30 chaises.', 'Nous convions aussi la CAPEB de l’Ariège.']);
    expect(texts(filLimoux)).toEqual(['Nous convions aussi la CAPEB de l’Ariège.']);
    expect(texts(filCabinet)).toEqual(['Nous convions aussi la CAPEB de l’Ariège.', 'Penser à relancer la Présidente pour l’ouverture.']);
    expect(JSON.stringify(filLimoux)).not.toMatch(/30 chaises/);
    // The question and its answer are on everyone's timeline.
    const clarification = filLimoux.find((e) => e.type === 'affectation.clarification_demandee');
    expect(clarification).toMatchObject({ acteur: { role: 'agent_mdr' }, data: { affectationId: foix.id, maisonId: ids.foix, question: expect.stringMatching(/organismes de formation/) } });
    expect(filLimoux.find((e) => e.type === 'affectation.clarification_apportee')).toMatchObject({ acteur: { role: 'cabinet' }, data: { retourA: 'accusee' } });
    expect(filCabinet.map((e) => e.type)).toEqual([
      'commande.redigee',
      'commande.brief_modifie',
      'commande.emise',
      'affectation.accusee',
      'affectation.clarification_demandee',
      'affectation.clarification_apportee',
      'commande.message',
      'commande.message',
      'affectation.accusee',
      'affectation.accusee',
      'affectation.avancement_signale',
      'affectation.avancement_signale',
      'affectation.avancement_signale',
      'affectation.livree',
      'affectation.livree',
      'affectation.livree',
      'affectation.renvoyee',
      'affectation.livree',
      'affectation.validee',
      'affectation.validee',
      'affectation.validee',
      'commande.close',
    ]);
    const last = filCabinet[filCabinet.length - 1];
    // Closed by itself, on the adviser's last validation: she is the acteur, never a blank one.
    expect(last).toMatchObject({ type: 'commande.close', acteur: { role: 'cabinet', displayName: expect.any(String) }, data: { automatique: true } });
    expect(last.acteur.id).toBe(filCabinet[filCabinet.length - 2].acteur.id);
    expect(filCabinet.find((e) => e.type === 'commande.brief_modifie').data).toEqual({ champs: ['materiel', 'contacts'] });
    // Contacts' names, e-mails and phones never reach the timeline.
    const all = await db.query(`SELECT data FROM timeline_event WHERE ticket_type = 'commande' AND ticket_id = $1`, [commandeId]);
    expect(JSON.stringify(all)).not.toMatch(/referent\.def@|05 36 49 00 01|Référent formation de la DEF/);
    expect(all).toHaveLength(23);
    expect(await db.count('outbox', `aggregate_type = 'commande' AND aggregate_id = $1`, [commandeId])).toBe(23);
    const verification2 = await get(`/commandes/${commandeId}/fil/verification`, responsableLimoux);
    expect(verification2.body).toMatchObject({ valide: true, evenements: 23 });
    // The contact follows the timeline, and Carcassonne has no access to it.
    expect((await get(`/commandes/${commandeId}/fil`, tokens.referentDef)).status).toBe(200);
    expect((await get(`/commandes/${commandeId}/fil`, tokens.agentCarcassonne)).status).toBe(404);
  });

  it('withdrawing an MdR: the others’ validation closes the commande; withdrawing every MdR cancels it', async () => {
    const { conseiller, responsableFoix, responsableLimoux } = tokens;
    clock.set(DEBUT);
    const issue = async (titre: string) => {
      const created = await post('/commandes', conseiller, { ...briefSansMaterielNiContacts(ids, { titre }), materiel: 'aucun', contacts: CONTACTS });
      const issued = await post(`/commandes/${created.body.id}/emettre`, conseiller);
      expect(issued.status).toBe(200);
      return issued.body;
    };
    const commande = await issue('Retrait d’une Maison');
    const aff = (maisonId: string) => commande.affectations.find((a: any) => a.maison.id === maisonId);
    expect((await post(`/affectations/${aff(ids.perpignan).id}/annuler`, responsableLimoux, { motif: 'x' })).status).toBe(403);
    const withdrawn = await post(`/affectations/${aff(ids.perpignan).id}/annuler`, conseiller, { motif: 'Perpignan mobilisée sur le salon régional.' });
    expect(withdrawn.body).toMatchObject({ statut: 'annulee', annuleeAt: expect.any(String), commande: { statut: 'emise' } });
    for (const [maisonId, token] of [
      [ids.foix, responsableFoix],
      [ids.limoux, responsableLimoux],
    ] as const) {
      await post(`/affectations/${aff(maisonId).id}/accuser-reception`, token);
      await post(`/affectations/${aff(maisonId).id}/livrer`, token, { note: 'Fait.' });
      await post(`/affectations/${aff(maisonId).id}/valider`, conseiller);
    }
    const closed = await get(`/commandes/${commande.id}`, conseiller);
    expect(closed.body.statut).toBe('close');
    expect(closed.body.resume).toMatchObject({ parStatut: { validee: 2, annulee: 1 }, livrablesFaits: 4, livrablesTotal: 4, progressionMoyenne: 100 });
    const close = (await get(`/commandes/${commande.id}/fil`, conseiller)).body.pop();
    expect(close).toMatchObject({ type: 'commande.close', acteur: { role: 'cabinet' }, data: { automatique: true, affectationsValidees: 2, affectationsAnnulees: 1 } });

    const abandoned = await issue('Abandon progressif');
    for (const a of abandoned.affectations) await post(`/affectations/${a.id}/annuler`, conseiller, { motif: 'Plus d’actualité.' });
    const cancelled = await get(`/commandes/${abandoned.id}`, conseiller);
    expect(cancelled.body).toMatchObject({ statut: 'annulee', motifAnnulation: 'Toutes les affectations ont été annulées.' });
    const autoCancel = (await get(`/commandes/${abandoned.id}/fil`, conseiller)).body.pop();
    expect(autoCancel).toMatchObject({ type: 'commande.annulee', acteur: { role: 'cabinet' }, data: { automatique: true } });
  });
});

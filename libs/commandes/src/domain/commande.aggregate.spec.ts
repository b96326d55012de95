import { Brief } from './brief';
import { Commande } from './commande.aggregate';
import { CommandeCloseEvent } from './commande.events';
import { AffectationTransitionInterditeError, BriefIncompletError, BriefInvalideError, CommandeTransitionInterditeError } from './commandes.errors';

const at = new Date('2026-12-02T10:00:00+01:00');
const later = new Date('2026-12-10T10:00:00+01:00');
const cabinet = { acteur: { id: '00000000-0000-4000-8000-000000000001', displayName: 'Conseiller', role: 'cabinet' }, unite: { type: 'cabinet' as const, id: null } };
const FOIX = '00000000-0000-4000-8000-0000000000f1';
const LIMOUX = '00000000-0000-4000-8000-0000000000f2';
const PERPIGNAN = '00000000-0000-4000-8000-0000000000f3';
const foix = { acteur: { id: '00000000-0000-4000-8000-000000000002', displayName: 'Agent Foix', role: 'agent_mdr' }, unite: { type: 'maison' as const, id: FOIX } };
const politique = { calendrier: { businessDaysBetween: () => 20 }, delaiMinimumJoursOuvres: 5 };

function brief(overrides: Partial<Brief> = {}): Brief {
  return {
    titre: 'Atelier BTP',
    objectif: 'Recueillir les besoins en formation',
    contexte: 'Plan régional',
    echeance: new Date('2026-12-31T17:00:00+01:00'),
    livrables: [
      { id: 'l1', libelle: 'Compte rendu', echeance: null },
      { id: 'l2', libelle: 'Liste des participants', echeance: null },
    ],
    materiel: 'aucun',
    contacts: [{ nom: 'Claire Vidal', role: 'Chargée de mission', email: 'claire.vidal@laregion.fr', telephone: null }],
    maisonIds: [FOIX, LIMOUX, PERPIGNAN],
    themeId: null,
    budget: 1500,
    urgent: false,
    justificationUrgence: null,
    ...overrides,
  };
}

function draft(b: Brief = brief()): Commande {
  const commande = Commande.rediger(
    { id: '00000000-0000-4000-8000-000000000099', reference: 'C-2026-000001', brief: b, emetteurId: cabinet.acteur.id, emetteurUnite: { type: 'cabinet', id: null }, createdAt: at },
    cabinet,
  );
  commande.markSaved(1);
  commande.uncommit();
  return commande;
}

function issued(): { commande: Commande; ids: Record<'foix' | 'limoux' | 'perpignan', string> } {
  const commande = draft();
  commande.emettre(cabinet, at, politique);
  saved(commande);
  const id = (maisonId: string) => commande.affectationsSnapshot.find((a) => a.maisonId === maisonId)!.id;
  return { commande, ids: { foix: id(FOIX), limoux: id(LIMOUX), perpignan: id(PERPIGNAN) } };
}

/** What the repository does once the rows are written. */
function saved(commande: Commande): void {
  commande.markSaved(commande.version + 1);
  commande.affectationsSnapshot.forEach((a) => commande.markAffectationSaved(a.id, a.version + 1));
  commande.uncommit();
}

function deliver(commande: Commande, id: string): void {
  commande.accuserReception(id, foix, at);
  commande.livrer(id, foix, at, { note: 'Fait', liens: [] });
}

describe('Commande', () => {
  it('a draft is written with its first event; contacts never reach the event', () => {
    const commande = Commande.rediger(
      { id: '00000000-0000-4000-8000-000000000099', reference: 'C-2026-000001', brief: brief(), emetteurId: cabinet.acteur.id, emetteurUnite: { type: 'cabinet', id: null }, createdAt: at },
      cabinet,
    );
    expect(commande.statut).toBe('brouillon');
    const [event] = commande.getUncommittedEvents();
    expect(event.type).toBe('commande.redigee');
    expect(JSON.stringify(event.data)).not.toMatch(/Claire|claire\.vidal/);
  });

  it('a draft may be incomplete, never wrong', () => {
    const incomplete = brief({ objectif: null, materiel: null, contacts: [] });
    expect(() => draft(incomplete)).not.toThrow();
    expect(() => draft(brief({ echeance: new Date('2026-11-30T12:00:00+01:00') }))).toThrow(BriefInvalideError);
  });

  it('editing records the changed field names only; an identical edit is no change', () => {
    const commande = draft();
    commande.modifier(cabinet, at, { titre: 'Atelier BTP', budget: 1500 });
    expect(commande.getUncommittedEvents()).toHaveLength(0);
    expect(commande.aEcrire.commande).toBe(false);
    commande.modifier(cabinet, at, { titre: 'Atelier BTP 2027', contacts: [] });
    const [event] = commande.getUncommittedEvents();
    expect(event.data).toEqual({ champs: ['titre', 'contacts'] });
    expect(commande.aEcrire.commande).toBe(true);
  });

  it('an edit is checked on what it touches: moving the deadline before a deliverable is refused', () => {
    const commande = draft(brief({ livrables: [{ id: 'l1', libelle: 'CR', echeance: new Date('2026-12-20T12:00:00+01:00') }] }));
    try {
      commande.modifier(cabinet, at, { echeance: new Date('2026-12-15T12:00:00+01:00') });
      fail('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(BriefInvalideError);
      expect((error as BriefInvalideError).details.errors).toEqual([{ field: 'livrables[0].echeance', message: expect.any(String) }]);
    }
    // A stale deadline the edit does not touch is for the verification to report, not a reason to refuse the edit.
    commande.modifier(cabinet, new Date('2027-02-01T10:00:00+01:00'), { titre: 'Nouveau titre' });
    expect(commande.snapshot.brief.titre).toBe('Nouveau titre');
  });

  it('issuing refuses an incomplete brief with every missing field, and creates nothing', () => {
    const commande = draft(brief({ materiel: null, contacts: [] }));
    try {
      commande.emettre(cabinet, at, politique);
      fail('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(BriefIncompletError);
      expect((error as BriefIncompletError).details).toMatchObject({ manquants: ['materiel', 'contacts'] });
      expect((error as BriefIncompletError).kind).toBe('unprocessable');
    }
    expect(commande.statut).toBe('brouillon');
    expect(commande.affectationsSnapshot).toEqual([]);
    expect(commande.getUncommittedEvents()).toHaveLength(0);
  });

  it('issuing refuses an MdR the directory does not know', () => {
    const commande = draft();
    expect(() => commande.emettre(cabinet, at, politique, [LIMOUX])).toThrow(BriefIncompletError);
    expect(commande.verifier(at, politique, [LIMOUX]).manquants).toEqual(['maisonIds']);
  });

  it('issuing fans out one assignment per MdR, in one event', () => {
    const commande = draft();
    commande.emettre(cabinet, at, politique);
    expect(commande.statut).toBe('emise');
    const affectations = commande.affectationsSnapshot;
    expect(affectations.map((a) => [a.maisonId, a.statut])).toEqual([
      [FOIX, 'envoyee'],
      [LIMOUX, 'envoyee'],
      [PERPIGNAN, 'envoyee'],
    ]);
    expect(commande.aEcrire.nouvelles).toHaveLength(3);
    const [event] = commande.getUncommittedEvents();
    expect(event.type).toBe('commande.emise');
    expect(event.data.affectations).toEqual(affectations.map((a) => ({ affectationId: a.id, maisonId: a.maisonId })));
    expect(event.data.nombreContacts).toBe(1);
    expect(JSON.stringify(event.data)).not.toMatch(/claire/i);
  });

  it('closes by itself when the last assignment is validated, not before', () => {
    const { commande, ids } = issued();
    for (const id of Object.values(ids)) deliver(commande, id);
    commande.valider(ids.foix, cabinet, later);
    commande.valider(ids.limoux, cabinet, later);
    expect(commande.statut).toBe('emise');
    commande.valider(ids.perpignan, cabinet, later);
    expect(commande.statut).toBe('close');
    expect(commande.snapshot.closeAt).toEqual(later);
    const events = commande.getUncommittedEvents();
    const close = events[events.length - 1];
    expect(close).toBeInstanceOf(CommandeCloseEvent);
    // The adviser's last validation closed it: the fil names her, not a blank actor.
    expect(close.acteur).toEqual(cabinet.acteur);
    expect(close.data).toEqual({ automatique: true, affectationsValidees: 3, affectationsAnnulees: 0 });
  });

  it('a withdrawn MdR counts as done; withdrawing every MdR cancels the commande', () => {
    const { commande, ids } = issued();
    deliver(commande, ids.foix);
    commande.valider(ids.foix, cabinet, later);
    commande.annulerAffectation(ids.limoux, cabinet, later, 'Maison indisponible');
    expect(commande.statut).toBe('emise');
    commande.annulerAffectation(ids.perpignan, cabinet, later, 'Maison indisponible');
    expect(commande.statut).toBe('close');

    const other = issued();
    for (const id of Object.values(other.ids)) other.commande.annulerAffectation(id, cabinet, later, 'Projet abandonné');
    expect(other.commande.statut).toBe('annulee');
    const last = other.commande.getUncommittedEvents().pop()!;
    expect(last.type).toBe('commande.annulee');
    expect(last.acteur).toEqual(cabinet.acteur);
    expect(last.data).toMatchObject({ automatique: true });
  });

  it('cancelling the commande cancels its open assignments in the same change, and then accepts nothing', () => {
    const { commande, ids } = issued();
    deliver(commande, ids.foix);
    commande.valider(ids.foix, cabinet, later);
    saved(commande);
    commande.annuler(cabinet, later, 'Report de l’opération');
    expect(commande.statut).toBe('annulee');
    expect(commande.affectationsSnapshot.map((a) => a.statut)).toEqual(['validee', 'annulee', 'annulee']);
    const events = commande.getUncommittedEvents();
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({
      motif: 'Report de l’opération',
      depuis: 'emise',
      affectationsAnnulees: [
        { affectationId: ids.limoux, maisonId: LIMOUX, depuis: 'envoyee' },
        { affectationId: ids.perpignan, maisonId: PERPIGNAN, depuis: 'envoyee' },
      ],
    });
    expect(commande.aEcrire.modifiees.map((a) => a.id).sort()).toEqual([ids.limoux, ids.perpignan].sort());
    expect(() => commande.ajouterMessage(cabinet, later, 'Encore un mot', 'partage')).toThrow(CommandeTransitionInterditeError);
    expect(() => commande.accuserReception(ids.limoux, foix, later)).toThrow(AffectationTransitionInterditeError);
    expect(() => commande.annuler(cabinet, later, 'Deux fois')).toThrow(CommandeTransitionInterditeError);
  });

  it('progress ticks deliverables of the brief only, in brief order; a delivery keeps the last report (reads count it complete)', () => {
    const { commande, ids } = issued();
    commande.accuserReception(ids.foix, foix, at);
    commande.signalerAvancement(ids.foix, foix, at, { pourcentage: 40, note: 'Salle réservée', livrablesFaits: ['l2', 'l1', 'l2'] });
    expect(commande.affectation(ids.foix)).toMatchObject({ statut: 'en_cours', pourcentage: 40, livrablesFaits: ['l1', 'l2'] });
    commande.signalerAvancement(ids.foix, foix, at, { pourcentage: 60, note: null });
    expect(commande.affectation(ids.foix)!.livrablesFaits).toEqual(['l1', 'l2']);
    expect(() => commande.signalerAvancement(ids.foix, foix, at, { pourcentage: 70, note: null, livrablesFaits: ['inconnu'] })).toThrow(/ne fait pas partie/);
    expect(() => commande.signalerAvancement(ids.foix, foix, at, { pourcentage: 101, note: null })).toThrow(/0 à 100/);
    commande.livrer(ids.foix, foix, later, { note: 'CR joint', liens: ['https://partage.example/cr.pdf'] });
    expect(commande.affectation(ids.foix)).toMatchObject({ statut: 'livree', pourcentage: 60, livrablesFaits: ['l1', 'l2'], livreeAt: later, livraisonLiens: ['https://partage.example/cr.pdf'] });
  });

  it('a sent-back delivery keeps its motif until the next delivery', () => {
    const { commande, ids } = issued();
    deliver(commande, ids.foix);
    commande.renvoyer(ids.foix, cabinet, later, 'Il manque la liste des participants');
    expect(commande.affectation(ids.foix)).toMatchObject({ statut: 'renvoyee', motifRenvoi: 'Il manque la liste des participants' });
    commande.livrer(ids.foix, foix, later, { note: 'Liste ajoutée', liens: [] });
    expect(commande.affectation(ids.foix)).toMatchObject({ statut: 'livree', motifRenvoi: null });
  });

  it('the scope knows the targeted MdRs and whether the caller is a contact', () => {
    const { commande } = issued();
    expect(commande.scopePour('CLAIRE.VIDAL@laregion.fr')).toMatchObject({ statut: 'emise', maisonIds: [FOIX, LIMOUX, PERPIGNAN], estContact: true });
    expect(commande.scopePour('autre@laregion.fr').estContact).toBe(false);
  });
});

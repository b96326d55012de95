import { Brief } from './brief';
import { AffectationProps, Commande, CommandeProps } from './commande.aggregate';
import {
  AFFECTATION_ACTIONS,
  AFFECTATION_STATUTS,
  AffectationAction,
  AffectationStatut,
  COMMANDE_ACTIONS,
  COMMANDE_STATUTS,
  CommandeAction,
  CommandeStatut,
  nextAffectationStatut,
  nextCommandeStatut,
} from './commande.transitions';
import { AffectationTransitionInterditeError, CommandeTransitionInterditeError } from './commandes.errors';

/*
 * The expected moves, written out by hand from DESIGN.md and ADR 0005 rather than derived from
 * the tables, so that a change to a table must be made twice on purpose.
 */
const EXPECTED_COMMANDE: Record<CommandeStatut, Partial<Record<CommandeAction, CommandeStatut>>> = {
  brouillon: { modifier: 'brouillon', emettre: 'emise', annuler: 'annulee', ecrire: 'brouillon' },
  emise: { annuler: 'annulee', clore: 'close', ecrire: 'emise' },
  close: { ecrire: 'close' },
  annulee: {},
};

/** `clarifier` is checked with `en_cours` as the state left; the other returns are tested below. */
const EXPECTED_AFFECTATION: Record<AffectationStatut, Partial<Record<AffectationAction, AffectationStatut>>> = {
  envoyee: { accuser_reception: 'accusee', demander_clarification: 'clarification_demandee', annuler: 'annulee' },
  accusee: { demander_clarification: 'clarification_demandee', signaler_avancement: 'en_cours', livrer: 'livree', annuler: 'annulee' },
  en_cours: { demander_clarification: 'clarification_demandee', signaler_avancement: 'en_cours', livrer: 'livree', annuler: 'annulee' },
  clarification_demandee: { clarifier: 'en_cours', annuler: 'annulee' },
  livree: { valider: 'validee', renvoyer: 'renvoyee', annuler: 'annulee' },
  renvoyee: { demander_clarification: 'clarification_demandee', signaler_avancement: 'en_cours', livrer: 'livree', annuler: 'annulee' },
  validee: {},
  annulee: {},
};

const at = new Date('2026-12-02T10:00:00+01:00');
const cabinet = { acteur: { id: '00000000-0000-4000-8000-000000000001', displayName: 'Conseiller', role: 'cabinet' }, unite: { type: 'cabinet' as const, id: null } };
const LIVRABLE = '00000000-0000-4000-8000-00000000001a';
const MAISON = '00000000-0000-4000-8000-0000000000f1';
const AUTRE_MAISON = '00000000-0000-4000-8000-0000000000f2';
const AFF = '00000000-0000-4000-8000-0000000000a1';
const AUTRE_AFF = '00000000-0000-4000-8000-0000000000a2';
const calendrier = { businessDaysBetween: () => 20 };
const politique = { calendrier, delaiMinimumJoursOuvres: 5 };

function brief(): Brief {
  return {
    titre: 'Atelier BTP',
    objectif: 'Recueillir les besoins en formation',
    contexte: 'Plan régional',
    echeance: new Date('2026-12-31T17:00:00+01:00'),
    livrables: [{ id: LIVRABLE, libelle: 'Compte rendu', echeance: null }],
    materiel: 'aucun',
    contacts: [{ nom: 'Claire Vidal', role: 'Chargée de mission', email: 'claire@laregion.fr', telephone: null }],
    maisonIds: [MAISON, AUTRE_MAISON],
    themeId: null,
    budget: null,
    urgent: false,
    justificationUrgence: null,
  };
}

function commandeIn(statut: CommandeStatut, affectations: Array<Partial<AffectationProps>> = []): Commande {
  const props: CommandeProps = {
    id: '00000000-0000-4000-8000-000000000099',
    reference: 'C-2026-000001',
    statut,
    brief: brief(),
    emetteurId: cabinet.acteur.id,
    emetteurUnite: { type: 'cabinet', id: null },
    createdAt: at,
    updatedAt: at,
    emiseAt: statut === 'brouillon' ? null : at,
    closeAt: null,
    annuleeAt: null,
    motifAnnulation: null,
    version: 4,
  };
  return Commande.rehydrate(
    props,
    affectations.map((a, i) => ({
      id: i === 0 ? AFF : AUTRE_AFF,
      commandeId: props.id,
      maisonId: i === 0 ? MAISON : AUTRE_MAISON,
      statut: 'envoyee',
      statutAvantClarification: null,
      pourcentage: 0,
      livrablesFaits: [],
      livraisonNote: null,
      livraisonLiens: [],
      motifRenvoi: null,
      createdAt: at,
      updatedAt: at,
      accuseeAt: null,
      livreeAt: null,
      valideeAt: null,
      annuleeAt: null,
      version: 2,
      ...a,
    })),
  );
}

function actCommande(c: Commande, action: CommandeAction): void {
  switch (action) {
    case 'modifier':
      return c.modifier(cabinet, at, { titre: 'Nouveau titre' });
    case 'emettre':
      return c.emettre(cabinet, at, politique);
    case 'annuler':
      return c.annuler(cabinet, at, 'Reportée');
    case 'ecrire':
      return c.ajouterMessage(cabinet, at, 'Note', 'partage');
    case 'clore':
      // Not an intention anyone calls: the commande closes when its last assignment is validated.
      return c.valider(AFF, cabinet, at);
  }
}

function actAffectation(c: Commande, action: AffectationAction): void {
  switch (action) {
    case 'accuser_reception':
      return c.accuserReception(AFF, cabinet, at);
    case 'demander_clarification':
      return c.demanderClarification(AFF, cabinet, at, 'Quel public ?');
    case 'clarifier':
      return c.clarifier(AFF, cabinet, at, 'Les entreprises du BTP');
    case 'signaler_avancement':
      return c.signalerAvancement(AFF, cabinet, at, { pourcentage: 40, note: null });
    case 'livrer':
      return c.livrer(AFF, cabinet, at, { note: 'Compte rendu joint', liens: [] });
    case 'valider':
      return c.valider(AFF, cabinet, at);
    case 'renvoyer':
      return c.renvoyer(AFF, cabinet, at, 'Il manque la liste des participants');
    case 'annuler':
      return c.annulerAffectation(AFF, cabinet, at, 'Maison retirée');
  }
}

describe('commande transition table', () => {
  const cases = COMMANDE_STATUTS.flatMap((statut) => COMMANDE_ACTIONS.map((action) => [statut, action] as const));

  it('covers every state × action pair', () => {
    expect(cases).toHaveLength(4 * 5);
  });

  it.each(cases)('%s × %s (table)', (statut, action) => {
    expect(nextCommandeStatut(statut, action)).toBe(EXPECTED_COMMANDE[statut][action] ?? null);
  });

  it.each(cases.filter(([, action]) => action !== 'clore'))('%s × %s (aggregate)', (statut, action) => {
    // An issued commande has two open assignments, so that nothing closes by side effect.
    const commande = commandeIn(statut, statut === 'brouillon' ? [] : [{}, {}]);
    const expected = EXPECTED_COMMANDE[statut][action];
    if (expected) {
      actCommande(commande, action);
      expect(commande.statut).toBe(expected);
      expect(commande.getUncommittedEvents().length).toBeGreaterThanOrEqual(1);
      expect(commande.getUncommittedEvents().every((e) => e.commandeId === commande.id)).toBe(true);
    } else {
      const error = captured(() => actCommande(commande, action));
      expect(error).toBeInstanceOf(CommandeTransitionInterditeError);
      expect(error.details).toEqual({ statutActuel: statut, action });
      expect(error.kind).toBe('conflict');
      expect(commande.statut).toBe(statut);
      expect(commande.getUncommittedEvents()).toHaveLength(0);
    }
  });
});

describe('affectation transition table', () => {
  const cases = AFFECTATION_STATUTS.flatMap((statut) => AFFECTATION_ACTIONS.map((action) => [statut, action] as const));

  it('covers every state × action pair', () => {
    expect(cases).toHaveLength(8 * 8);
  });

  it.each(cases)('%s × %s', (statut, action) => {
    // The second assignment stays open: no automatic closing muddles the expected events.
    const commande = commandeIn('emise', [
      { statut, statutAvantClarification: statut === 'clarification_demandee' ? 'en_cours' : null },
      { statut: 'en_cours' },
    ]);
    const expected = EXPECTED_AFFECTATION[statut][action];
    if (expected) {
      actAffectation(commande, action);
      expect(commande.affectation(AFF)!.statut).toBe(expected);
      const events = commande.getUncommittedEvents();
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({ affectationId: AFF, maisonId: MAISON, statut: expected });
      expect(events[0].visibilite).toBe('partage');
      expect(commande.statut).toBe('emise');
      expect(commande.aEcrire.modifiees.map((a) => a.id)).toEqual([AFF]);
      expect(commande.aEcrire.commande).toBe(false);
    } else {
      const error = captured(() => actAffectation(commande, action));
      expect(error).toBeInstanceOf(AffectationTransitionInterditeError);
      expect(error.details).toEqual({ statutActuel: statut, action });
      expect(commande.affectation(AFF)!.statut).toBe(statut);
      expect(commande.getUncommittedEvents()).toHaveLength(0);
      expect(commande.aEcrire.modifiees).toEqual([]);
    }
  });

  it.each(['envoyee', 'accusee', 'en_cours', 'renvoyee'] as const)('a clarification asked from %s returns there once answered', (depuis) => {
    const commande = commandeIn('emise', [{ statut: depuis }, { statut: 'en_cours' }]);
    commande.demanderClarification(AFF, cabinet, at, 'Quel public ?');
    expect(commande.affectation(AFF)).toMatchObject({ statut: 'clarification_demandee', statutAvantClarification: depuis });
    commande.clarifier(AFF, cabinet, at, 'Les entreprises');
    expect(commande.affectation(AFF)).toMatchObject({ statut: depuis, statutAvantClarification: null });
    expect(commande.getUncommittedEvents().map((e) => e.type)).toEqual(['affectation.clarification_demandee', 'affectation.clarification_apportee']);
    expect(commande.getUncommittedEvents()[1].data).toMatchObject({ retourA: depuis, reponse: 'Les entreprises' });
  });

  it('clarifier without a recorded state to return to is refused rather than guessed', () => {
    expect(nextAffectationStatut('clarification_demandee', 'clarifier', null)).toBeNull();
    expect(nextAffectationStatut('clarification_demandee', 'clarifier', 'validee')).toBeNull();
    expect(nextAffectationStatut('clarification_demandee', 'clarifier', 'accusee')).toBe('accusee');
  });

  it('an assignment does not move while its commande is not issued', () => {
    for (const statut of ['close', 'annulee'] as const) {
      const commande = commandeIn(statut, [{ statut: 'en_cours' }]);
      expect(() => commande.signalerAvancement(AFF, cabinet, at, { pourcentage: 50, note: null })).toThrow(AffectationTransitionInterditeError);
    }
  });
});

function captured(fn: () => void): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

import type { Affectation, Commande } from './labels';

/** Test data shaped as the API answers (CommandeDto), for the component tests. */
export const MAISONS = [
  { id: '11111111-1111-4111-8111-111111111111', nom: 'Maison de Ma Région – Foix', ville: 'Foix' },
  { id: '22222222-2222-4222-8222-222222222222', nom: 'Maison de Ma Région – Limoux', ville: 'Limoux' },
  { id: '33333333-3333-4333-8333-333333333333', nom: 'Maison de Ma Région – Perpignan', ville: 'Perpignan' },
];

export function commande(over: Partial<Commande> = {}): Commande {
  return {
    id: 'c0000000-0000-4000-8000-000000000001',
    reference: 'C-2026-000042',
    statut: 'brouillon',
    titre: 'Atelier BTP',
    objectif: 'Recueillir les besoins en formation.',
    contexte: null,
    echeance: '2027-01-29T22:59:59.999Z',
    livrables: [
      { id: 'l0000000-0000-4000-8000-000000000001', libelle: 'Compte rendu', echeance: null },
      { id: 'l0000000-0000-4000-8000-000000000002', libelle: 'Liste des participants', echeance: '2027-02-10T22:59:59.999Z' },
    ],
    materiel: null,
    contacts: [{ nom: 'Accueil du Cabinet', role: 'Secrétariat', email: null, telephone: null, utilisateurId: null }],
    maisons: [],
    theme: null,
    budget: null,
    urgent: false,
    justificationUrgence: null,
    emetteur: { id: 'u1', displayName: 'Vincent Carrère', role: 'cabinet', unite: { type: 'cabinet', id: null, nom: 'Cabinet' } },
    createdAt: '2026-12-02T09:00:00.000Z',
    updatedAt: '2026-12-02T09:00:00.000Z',
    emiseAt: null,
    closeAt: null,
    annuleeAt: null,
    motifAnnulation: null,
    version: 3,
    affectations: [],
    resume: { parStatut: {}, enRetard: 0, progressionMoyenne: 0, livrablesFaits: 0, livrablesTotal: 0 },
    actions: ['modifier', 'annuler', 'ecrire'],
    sla: [],
    ...over,
  } as Commande;
}

export function affectation(maison: (typeof MAISONS)[number], over: Partial<Affectation> = {}): Affectation {
  return {
    id: `a-${maison.ville}`,
    commandeId: 'c0000000-0000-4000-8000-000000000001',
    maison: { id: maison.id, nom: maison.nom },
    statut: 'envoyee',
    statutAvantClarification: null,
    pourcentage: 0,
    livrablesFaits: [],
    livrables: [],
    enRetard: false,
    joursDeRetard: 0,
    accuseeAt: null,
    livreeAt: null,
    valideeAt: null,
    annuleeAt: null,
    livraison: null,
    motifRenvoi: null,
    version: 1,
    actions: [],
    sla: [],
    ...over,
  } as Affectation;
}

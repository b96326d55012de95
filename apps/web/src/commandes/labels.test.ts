import { describe, expect, it } from 'vitest';
import {
  affectationDe,
  clarificationsDe,
  type Commande,
  contexteDe,
  detailsCommande,
  type FilEvenement,
  formatEcheance,
  materielLibelle,
  nomCourtMaison,
  phraseCommande,
} from './labels';

const FOIX = 'f0000000-0000-4000-8000-000000000001';
const LIMOUX = 'f0000000-0000-4000-8000-000000000002';
const AFF_FOIX = 'a0000000-0000-4000-8000-000000000001';
const AFF_LIMOUX = 'a0000000-0000-4000-8000-000000000002';
const CR = 'l0000000-0000-4000-8000-000000000001';
const LISTE = 'l0000000-0000-4000-8000-000000000002';

const contexte = contexteDe({
  maisons: [
    { id: FOIX, nom: 'Maison de Ma Région – Foix' },
    { id: LIMOUX, nom: 'Maison de Ma Région – Limoux' },
  ],
  affectations: [
    { id: AFF_FOIX, maison: { id: FOIX, nom: 'Maison de Ma Région – Foix' } },
    { id: AFF_LIMOUX, maison: { id: LIMOUX, nom: 'Maison de Ma Région – Limoux' } },
  ] as Commande['affectations'],
  livrables: [
    { id: CR, libelle: 'Compte rendu de l’atelier', echeance: null },
    { id: LISTE, libelle: 'Liste des entreprises participantes', echeance: null },
  ],
});

let seq = 0;
const event = (type: string, data: Record<string, unknown>, acteur: string | null = 'Claire Vidal', at = '2026-12-03T09:00:00Z'): FilEvenement => ({
  seq: ++seq,
  type,
  at,
  data,
  acteur: acteur ? ({ id: 'u', displayName: acteur, role: 'agent_mdr' } as FilEvenement['acteur']) : null,
  visibilite: 'partage',
  hash: 'h',
  previousHash: null,
});

describe('commande timeline phrases in plain French', () => {
  it('names the actor and, for an affectation event, its Maison by its short name', () => {
    expect(phraseCommande(event('affectation.accusee', { affectationId: AFF_FOIX, maisonId: FOIX }), contexte)).toBe('Claire Vidal a accusé réception (Foix)');
    expect(phraseCommande(event('affectation.livree', { affectationId: AFF_LIMOUX, maisonId: LIMOUX }, 'Jean Roux'), contexte)).toBe('Jean Roux a livré (Limoux)');
    expect(phraseCommande(event('commande.emise', {}, 'Vincent Carrère'), contexte)).toBe('Vincent Carrère a émis la commande');
    expect(phraseCommande(event('commande.message', { texte: 'x' }), contexte)).toBe('Claire Vidal a écrit un message');
    expect(phraseCommande({ ...event('commande.message', { texte: 'x' }), visibilite: 'interne' }, contexte)).toBe('Claire Vidal a écrit une note interne');
    expect(phraseCommande(event('affectation.renvoyee', { affectationId: AFF_FOIX, maisonId: FOIX, motif: 'x' }, 'Vincent Carrère'), contexte)).toBe(
      'Vincent Carrère a renvoyé la livraison (Foix)',
    );
  });

  it('says who was withdrawn, and the automatic ends without pretending someone asked', () => {
    expect(phraseCommande(event('affectation.annulee', { affectationId: AFF_LIMOUX, maisonId: LIMOUX, motif: 'x' }, 'Vincent Carrère'), contexte)).toBe(
      'Vincent Carrère a retiré la Maison de Limoux de la commande',
    );
    expect(phraseCommande(event('commande.close', { automatique: true }, 'Vincent Carrère'), contexte)).toBe('La commande est close : toutes les affectations sont terminées');
    expect(phraseCommande(event('commande.annulee', { automatique: true, motif: 'x' }, 'Vincent Carrère'), contexte)).toMatch(/^La commande est annulée/);
  });

  it('says SLA events without an actor, naming the clock, the deliverable and the Maison (found through the affectation)', () => {
    expect(phraseCommande(event('sla.depassement', { horloge: 'accuse_reception', affectationId: AFF_FOIX }, null), contexte)).toBe(
      'Délai dépassé : l’échéance est passée — accusé de réception (Foix)',
    );
    expect(phraseCommande(event('sla.avertissement', { horloge: 'echeance_livrable', livrableId: LISTE, affectationId: AFF_LIMOUX }, null), contexte)).toBe(
      'Délai à risque : le seuil d’alerte est atteint — échéance du livrable « Liste des entreprises participantes » (Limoux)',
    );
  });

  it('never shows a raw type for a known event, and says an unknown one plainly', () => {
    expect(phraseCommande(event('affectation.inconnue', {}), contexte)).toBe('Événement « affectation.inconnue » (Claire Vidal)');
    expect(phraseCommande(event('affectation.accusee', { affectationId: 'autre', maisonId: 'autre' }), {})).toBe('Claire Vidal a accusé réception');
  });

  it('details the words people wrote and the progress they reported, deliverables by name', () => {
    expect(detailsCommande(event('affectation.avancement_signale', { pourcentage: 60, livrablesFaits: [LISTE], note: 'Atelier fixé au 10.' }), contexte)).toEqual([
      { label: 'Avancement', text: '60 % — livrables faits : Liste des entreprises participantes' },
      { label: 'Note', text: 'Atelier fixé au 10.' },
    ]);
    expect(detailsCommande(event('affectation.renvoyee', { motif: 'Il manque la liste.' }), contexte)).toEqual([{ label: 'Motif', text: 'Il manque la liste.' }]);
    expect(detailsCommande(event('affectation.livree', { note: 'Tout est joint.', liens: ['https://a.fr/cr.pdf', 'https://a.fr/liste.pdf'] }), contexte)).toEqual([
      { label: 'Note de livraison', text: 'Tout est joint.' },
      { label: 'Liens', text: 'https://a.fr/cr.pdf\nhttps://a.fr/liste.pdf' },
    ]);
    expect(detailsCommande(event('affectation.accusee', { affectationId: AFF_FOIX }), contexte)).toEqual([]);
  });
});

describe('clarifications of an affectation, read from the fil', () => {
  it('pairs each question with the answer that follows it, for this affectation only', () => {
    const fil = [
      event('affectation.clarification_demandee', { affectationId: AFF_FOIX, question: 'Faut-il inviter les artisans ?' }, 'Claire Vidal', '2026-12-03T09:00:00Z'),
      event('affectation.clarification_demandee', { affectationId: AFF_LIMOUX, question: 'Autre Maison' }, 'Jean Roux'),
      event('affectation.clarification_apportee', { affectationId: AFF_FOIX, reponse: 'Oui, les artisans aussi.' }, 'Vincent Carrère', '2026-12-03T11:00:00Z'),
      event('affectation.clarification_demandee', { affectationId: AFF_FOIX, question: 'Et les auto-entrepreneurs ?' }, 'Claire Vidal'),
    ];
    expect(clarificationsDe(fil, AFF_FOIX)).toEqual([
      {
        question: 'Faut-il inviter les artisans ?',
        demandeeAt: '2026-12-03T09:00:00Z',
        demandeePar: 'Claire Vidal',
        reponse: 'Oui, les artisans aussi.',
        apporteeAt: '2026-12-03T11:00:00Z',
        apporteePar: 'Vincent Carrère',
      },
      expect.objectContaining({ question: 'Et les auto-entrepreneurs ?', reponse: null, apporteeAt: null }),
    ]);
    expect(clarificationsDe(fil, 'x')).toEqual([]);
  });
});

describe('brief wording', () => {
  it('shows a deadline given as a date as that day alone, a precise one with its time (Paris)', () => {
    expect(formatEcheance('2026-12-18T22:59:59.999Z')).toBe('vendredi 18 décembre 2026');
    expect(formatEcheance('2026-12-18T16:00:00Z')).toBe('vendredi 18 décembre 2026 à 17 h 00');
    expect(formatEcheance(null)).toBe('non précisée');
  });

  it('says the material in words and shortens Maison names', () => {
    expect(materielLibelle('aucun')).toBe('Aucun matériel fourni');
    expect(materielLibelle(null)).toBe('Non précisé');
    expect(materielLibelle(['Support'])).toEqual(['Support']);
    expect(nomCourtMaison('Maison de Ma Région – Foix')).toBe('Foix');
    expect(nomCourtMaison('Maison de Foix')).toBe('Maison de Foix');
  });

  it('finds the Maison’s own affectation in a commande', () => {
    const commande = { affectations: [{ id: AFF_FOIX, maison: { id: FOIX } }, { id: AFF_LIMOUX, maison: { id: LIMOUX } }] } as unknown as Commande;
    expect(affectationDe(commande, LIMOUX)?.id).toBe(AFF_LIMOUX);
    expect(affectationDe(commande, null)).toBeNull();
    expect(affectationDe(commande, 'autre')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { clarificationsDe, clarificationsParAffectation } from './clarifications';
import { describeEvent, estLienWeb, type FilEvent, fusionnerNoms, nomCourtMaison, nomsDeCommande, nomsDuFil } from './events';

const FOIX = 'f0000000-0000-4000-8000-000000000001';
const LIMOUX = 'f0000000-0000-4000-8000-000000000002';
const AFF_FOIX = 'a0000000-0000-4000-8000-000000000001';
const AFF_LIMOUX = 'a0000000-0000-4000-8000-000000000002';
const CR = 'l0000000-0000-4000-8000-000000000001';
const LISTE = 'l0000000-0000-4000-8000-000000000002';

const noms = nomsDeCommande({
  maisons: [
    { id: FOIX, nom: 'Maison de Ma Région – Foix' },
    { id: LIMOUX, nom: 'Maison de Ma Région – Limoux' },
  ],
  affectations: [
    { id: AFF_FOIX, maison: { id: FOIX, nom: 'Maison de Ma Région – Foix' } },
    { id: AFF_LIMOUX, maison: { id: LIMOUX, nom: 'Maison de Ma Région – Limoux' } },
  ],
  livrables: [
    { id: CR, libelle: 'Compte rendu de l’atelier' },
    { id: LISTE, libelle: 'Liste des entreprises participantes' },
  ],
});

let seq = 0;
const event = (type: string, data: Record<string, unknown>, acteur: string | null = 'Claire Vidal', at = '2026-12-03T09:00:00Z', visibilite: FilEvent['visibilite'] = 'partage'): FilEvent => ({
  seq: ++seq,
  type,
  at,
  data,
  acteur: acteur ? ({ id: 'u', displayName: acteur, role: 'agent_mdr' } as FilEvent['acteur']) : null,
  visibilite,
  hash: 'h',
  previousHash: null,
});
const phrase = (e: FilEvent, n = noms) => describeEvent(e, n).phrase;
const details = (e: FilEvent, n = noms) => describeEvent(e, n).details;

describe('question timeline phrases in plain French', () => {
  it('names the actor of a question event', () => {
    expect(phrase(event('question.escaladee', {}))).toBe('Claire Vidal a transmis la question au siège');
    expect(phrase(event('question.information_demandee', {}, 'Céline Granier'))).toBe('Céline Granier a demandé une information à la Maison');
    expect(phrase(event('question.lien_suivi_remis', { lienId: 'l1', remplace: false }))).toBe('Claire Vidal a remis un lien de suivi à l’usager');
    expect(phrase(event('question.lien_suivi_remis', { lienId: 'l2', remplace: true }))).toBe('Claire Vidal a remis un nouveau lien de suivi à l’usager (le précédent ne fonctionne plus)');
  });

  it('says SLA events without an actor, and never shows a raw type for a known event', () => {
    expect(phrase(event('sla.depassement', {}, null))).toBe('Délai dépassé : l’échéance est passée');
    expect(phrase(event('sla.avertissement', {}, null))).toMatch(/^Délai à risque/);
    expect(phrase(event('sla.calendrier_modifie', {}, null))).toBe('Les échéances ont été recalculées (calendrier modifié)');
    expect(phrase(event('question.inconnue', {}))).toBe('Événement « question.inconnue » (Claire Vidal)');
  });
});

describe('commande timeline phrases in plain French', () => {
  it('names the actor and, for an affectation event, its Maison by its short name', () => {
    expect(phrase(event('affectation.accusee', { affectationId: AFF_FOIX, maisonId: FOIX }))).toBe('Claire Vidal a accusé réception (Foix)');
    expect(phrase(event('affectation.livree', { affectationId: AFF_LIMOUX, maisonId: LIMOUX }, 'Jean Roux'))).toBe('Jean Roux a livré (Limoux)');
    expect(phrase(event('affectation.validee', { affectationId: AFF_LIMOUX, maisonId: LIMOUX }, 'Vincent Carrère'))).toBe('Vincent Carrère a validé la livraison (Limoux)');
    expect(phrase(event('commande.emise', {}, 'Vincent Carrère'))).toBe('Vincent Carrère a émis la commande');
    expect(phrase(event('commande.brief_modifie', {}, 'Vincent Carrère'))).toBe('Vincent Carrère a modifié le cahier des charges');
    expect(phrase(event('commande.message', { texte: 'x' }))).toBe('Claire Vidal a écrit un message');
    expect(phrase(event('commande.message', { texte: 'x' }, 'Claire Vidal', undefined, 'interne'))).toBe('Claire Vidal a écrit une note interne');
    expect(phrase(event('affectation.renvoyee', { affectationId: AFF_FOIX, maisonId: FOIX, motif: 'x' }, 'Vincent Carrère'))).toBe('Vincent Carrère a renvoyé la livraison (Foix)');
  });

  it('counts the Maisons an issued commande goes to, from the event the API writes', () => {
    const affectations = [
      { affectationId: AFF_FOIX, maisonId: FOIX },
      { affectationId: AFF_LIMOUX, maisonId: LIMOUX },
    ];
    expect(phrase(event('commande.emise', { affectations }, 'Vincent Carrère'))).toBe('Vincent Carrère a émis la commande vers 2 Maisons');
    expect(phrase(event('commande.emise', { affectations: affectations.slice(0, 1) }, 'Vincent Carrère'))).toBe('Vincent Carrère a émis la commande vers 1 Maison');
  });

  it('says a clarification asked and answered, with the question and the answer in full', () => {
    const demandee = event('affectation.clarification_demandee', { affectationId: AFF_FOIX, maisonId: FOIX, question: 'Les artisans aussi ?' });
    expect(phrase(demandee)).toBe('Claire Vidal a demandé une clarification (Foix)');
    expect(details(demandee)).toEqual([{ label: 'Question', text: 'Les artisans aussi ?' }]);
    const apportee = event('affectation.clarification_apportee', { affectationId: AFF_FOIX, maisonId: FOIX, reponse: 'Oui.', retourA: 'accusee' }, 'Vincent Carrère');
    expect(phrase(apportee)).toBe('Vincent Carrère a répondu à la demande de clarification (Foix)');
    expect(details(apportee)).toEqual([{ label: 'Réponse', text: 'Oui.' }]);
  });

  it('says who was withdrawn, and the automatic ends without pretending someone asked', () => {
    expect(phrase(event('affectation.annulee', { affectationId: AFF_LIMOUX, maisonId: LIMOUX, motif: 'x' }, 'Vincent Carrère'))).toBe('Vincent Carrère a retiré la Maison de Limoux de la commande');
    expect(phrase(event('affectation.annulee', { affectationId: 'autre', maisonId: 'autre' }, 'Vincent Carrère'), {})).toBe('Vincent Carrère a retiré une Maison de la commande');
    expect(phrase(event('commande.close', { automatique: true }, 'Vincent Carrère'))).toBe('La commande est close : toutes les livraisons sont validées ou annulées');
    expect(phrase(event('commande.close', {}, 'Vincent Carrère'))).toBe('Vincent Carrère a clos la commande');
    expect(phrase(event('commande.annulee', { automatique: true, motif: 'x' }, 'Vincent Carrère'))).toBe('La commande est annulée : toutes les Maisons en ont été retirées');
    expect(phrase(event('commande.annulee', { motif: 'Projet abandonné.' }, 'Vincent Carrère'))).toBe('Vincent Carrère a annulé la commande');
    expect(details(event('commande.annulee', { motif: 'Projet abandonné.' }, 'Vincent Carrère'))).toEqual([{ label: 'Motif', text: 'Projet abandonné.' }]);
  });

  it('says SLA events without an actor, naming the clock, the deliverable and the Maison (found through the affectation)', () => {
    expect(phrase(event('sla.depassement', { horloge: 'accuse_reception', affectationId: AFF_FOIX, echeance: '2026-12-03T09:00:00Z' }, null))).toBe(
      'Délai d’accusé de réception (Foix) dépassé : l’échéance du 3 déc. 2026, 10:00 est passée',
    );
    expect(phrase(event('sla.avertissement', { horloge: 'echeance_livrable', livrableId: LISTE, affectationId: AFF_LIMOUX }, null))).toBe(
      'Délai du livrable « Liste des entreprises participantes » (Limoux) à risque : le seuil d’alerte est atteint',
    );
    // Unknown names: the clock alone, never an id.
    expect(phrase(event('sla.avertissement', { horloge: 'echeance_livrable', livrableId: 'x', affectationId: 'y' }, null), {})).toBe('Délai d’un livrable à risque : le seuil d’alerte est atteint');
    expect(describeEvent(event('sla.depassement', { horloge: 'echeance_commande' }, null), noms).sla).toBe('depassement');
  });

  it('never shows a raw type for a known event, and says an unknown one plainly', () => {
    expect(phrase(event('affectation.inconnue', {}))).toBe('Événement « affectation.inconnue » (Claire Vidal)');
    expect(phrase(event('affectation.accusee', { affectationId: 'autre', maisonId: 'autre' }), {})).toBe('Claire Vidal a accusé réception');
  });

  it('details the words people wrote and the progress they reported, deliverables by name, links as links', () => {
    expect(details(event('affectation.avancement_signale', { pourcentage: 60, livrablesFaits: [LISTE], note: 'Atelier fixé au 10.' }))).toEqual([
      { label: 'Avancement', text: '60 % — livrables faits : Liste des entreprises participantes' },
      { label: 'Note', text: 'Atelier fixé au 10.' },
    ]);
    expect(details(event('affectation.renvoyee', { motif: 'Il manque la liste.' }))).toEqual([{ label: 'Motif', text: 'Il manque la liste.' }]);
    expect(details(event('affectation.livree', { note: 'Tout est joint.', liens: ['https://a.fr/cr.pdf', 'https://a.fr/liste.pdf'] }))).toEqual([
      { label: 'Note de livraison', text: 'Tout est joint.' },
      { label: 'Liens', text: 'https://a.fr/cr.pdf\nhttps://a.fr/liste.pdf', liens: ['https://a.fr/cr.pdf', 'https://a.fr/liste.pdf'] },
    ]);
    expect(details(event('affectation.accusee', { affectationId: AFF_FOIX }))).toEqual([]);
    expect(estLienWeb('https://a.fr/cr.pdf')).toBe(true);
    expect(estLienWeb('javascript:alert(1)')).toBe(false);
  });
});

describe('names for the fil', () => {
  it('reads the affectations and deliverables an issued commande lists, the screen’s own names winning', () => {
    const emise = event('commande.emise', {
      affectations: [{ affectationId: AFF_FOIX, maisonId: FOIX }],
      livrables: [{ id: CR, libelle: 'Compte rendu (fil)', echeance: null }],
    });
    const duFil = nomsDuFil([emise]);
    expect(duFil.affectations?.get(AFF_FOIX)).toBe(FOIX);
    expect(duFil.livrables?.get(CR)).toBe('Compte rendu (fil)');
    const merged = fusionnerNoms(duFil, { maisons: new Map([[FOIX, 'Maison de Ma Région – Foix']]), livrables: new Map([[CR, 'Compte rendu de l’atelier']]) });
    expect(merged.livrables?.get(CR)).toBe('Compte rendu de l’atelier');
    // An SLA event naming only its affectation finds its Maison through the fil.
    expect(phrase(event('sla.depassement', { horloge: 'accuse_reception', affectationId: AFF_FOIX }, null), merged)).toBe('Délai d’accusé de réception (Foix) dépassé : l’échéance est passée');
  });

  it('shortens Maison names', () => {
    expect(nomCourtMaison('Maison de Ma Région – Foix')).toBe('Foix');
    expect(nomCourtMaison('Maison de Foix')).toBe('Maison de Foix');
    expect(nomCourtMaison(null)).toBe('Maison inconnue');
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
    // Per affectation at once (the Cabinet's follow-up shows each Maison's latest question).
    const all = clarificationsParAffectation(fil);
    expect([...all.keys()].sort()).toEqual([AFF_FOIX, AFF_LIMOUX].sort());
    expect(all.get(AFF_LIMOUX)?.at(-1)).toMatchObject({ question: 'Autre Maison', demandeePar: 'Jean Roux', reponse: null });
  });
});

describe('capitalisation events', () => {
  it('say which earlier answer was reused at the desk, and that an answer was published', () => {
    expect(describeEvent(event('question.repondue_localement', { reponse: 'Oui.', reutilisation: { reponsePublieeId: 'r1' } })).phrase).toBe(
      'Claire Vidal a répondu sur place avec une réponse publiée (L’info pour tous)',
    );
    expect(describeEvent(event('question.repondue_localement', { reponse: 'Oui.', reutilisation: { questionSourceId: 'q1' } })).phrase).toBe(
      'Claire Vidal a répondu sur place avec la réponse d’une question similaire',
    );
    expect(describeEvent(event('question.repondue_localement', { reponse: 'Oui.' })).phrase).toBe('Claire Vidal a répondu sur place');
    expect(describeEvent(event('question.reponse_publiee', { reponsePublieeId: 'r1', diffusion: 'externe' }, 'Claire Vidal', undefined, 'interne')).phrase).toBe(
      'Claire Vidal a publié la réponse dans L’info pour tous (diffusion externe)',
    );
  });
});

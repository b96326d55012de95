import type { QuestionStatut } from './question.transitions';

/**
 * The usager's tracking link (GET /suivi/{token}): the token, its hash, how long it lives, and
 * what the page says of each state. Pure: no database, no clock of its own.
 */

/** The tracking link's token: a public link's secret token (see @app/core). */
export { JETON_SECRET as JETON_SUIVI, nouveauJetonSecret as nouveauJetonSuivi, hashJetonSecret as hashJetonSuivi } from '@app/core';

/**
 * When a closed question's link stops working: `mois` calendar months after closing (the last
 * day of the month when the day does not exist, e.g. 31 August + 6 months = 28 February).
 * An open (or reopened) question's link has no end.
 */
export function finDeValiditeSuivi(closedAt: Date | null, mois: number): Date | null {
  if (!closedAt) return null;
  const end = new Date(closedAt.getTime());
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCMonth(end.getUTCMonth() + mois);
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, lastDay));
  return end;
}

export function suiviValide(closedAt: Date | null, mois: number, now: Date): boolean {
  const fin = finDeValiditeSuivi(closedAt, mois);
  return fin === null || now.getTime() < fin.getTime();
}

/**
 * The current step as the usager reads it: plain words, nothing of the internal exchanges
 * (a référent asking the Maison for information reads as "being studied").
 */
export const ETAPE_USAGER: Record<QuestionStatut, { titre: string; texte: string }> = {
  recue: {
    titre: 'Demande enregistrée',
    texte: 'Votre demande a été enregistrée par la Maison de la Région.',
  },
  repondue_localement: {
    titre: 'Réponse apportée par la Maison',
    texte: 'La Maison de la Région a répondu à votre demande.',
  },
  escaladee: {
    titre: 'Transmise au service compétent',
    texte: 'Votre demande a été transmise au service compétent de la Région, qui va l’étudier.',
  },
  prise_en_charge: {
    titre: 'En cours d’étude',
    texte: 'Votre demande est en cours d’étude par le service compétent de la Région.',
  },
  en_attente_info: {
    titre: 'En cours d’étude',
    texte: 'Votre demande est en cours d’étude par le service compétent de la Région.',
  },
  repondue: {
    titre: 'Réponse reçue par la Maison',
    texte: 'La réponse du service compétent est arrivée à la Maison de la Région, qui va vous recontacter.',
  },
  close: {
    titre: 'Demande close',
    texte: 'Votre demande est close. Pour toute nouvelle question, adressez-vous à la Maison de la Région.',
  },
  rouverte: {
    titre: 'Demande rouverte',
    texte: 'Votre demande a été rouverte : la Maison de la Région l’étudie de nouveau.',
  },
};

/** A dated milestone of the page. */
export interface EtapeSuivi {
  libelle: string;
  at: Date;
}

/** Timeline event types that make a milestone, and how the page names them. Others (messages, reorientations, information asked) say nothing to the usager. */
const JALONS: Record<string, string> = {
  'question.recue': 'Demande enregistrée',
  'question.escaladee': 'Transmise au service compétent',
  'question.prise_en_charge': 'Étude commencée par le service compétent',
  'question.repondue': 'Réponse reçue par la Maison',
  'question.repondue_localement': 'Réponse apportée par la Maison',
  'question.close': 'Demande close',
  'question.rouverte': 'Demande rouverte',
};

/**
 * The milestones, in order, from the question's shared timeline events (type and date only):
 * each kind once per cycle (a reorientation's second claim is not news to the usager); a
 * reopening starts a new cycle.
 */
export function etapesSuivi(events: ReadonlyArray<{ type: string; at: Date }>): EtapeSuivi[] {
  const etapes: EtapeSuivi[] = [];
  let vus = new Set<string>();
  for (const e of events) {
    const libelle = JALONS[e.type];
    if (!libelle) continue;
    if (e.type === 'question.rouverte') vus = new Set();
    else if (vus.has(e.type)) continue;
    vus.add(e.type);
    etapes.push({ libelle, at: e.at });
  }
  return etapes;
}

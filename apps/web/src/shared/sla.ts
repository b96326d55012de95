import type { components } from '../api/schema';

type Horloge = components['schemas']['SlaHorlogeDto'];
export type SlaEtat = 'depasse' | 'a_risque' | 'dans_les_temps' | null;

/** The worst state of the running (or breached) clocks, as of `now`; null when none runs. */
export function slaEtat(clocks: Horloge[], now = Date.now()): SlaEtat {
  let etat: SlaEtat = null;
  for (const clock of clocks) {
    if (clock.etat === 'breached' || (clock.etat === 'running' && clock.echeance && Date.parse(clock.echeance) <= now)) return 'depasse';
    if (clock.etat === 'running') {
      if (clock.avertissementA && Date.parse(clock.avertissementA) <= now) etat = 'a_risque';
      else etat ??= 'dans_les_temps';
    }
  }
  return etat;
}

/** The nearest due date of the running clocks (for sorting queues); +∞ without one. */
export function prochaineEcheance(clocks: Horloge[]): number {
  const dues = clocks.filter((c) => c.etat === 'running' && c.echeance).map((c) => Date.parse(c.echeance!));
  return dues.length ? Math.min(...dues) : Number.POSITIVE_INFINITY;
}

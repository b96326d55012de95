import type { Schemas } from '../api/client';
import { Badge } from './page';

type Horloge = Schemas['SlaHorlogeDto'];
export type SlaEtat = 'depasse' | 'a_risque' | 'dans_les_temps' | null;

/** The worst state of the running (or breached) clocks, as of `now`. */
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

/** The nearest due date of the running clocks (for sorting queues). */
export function prochaineEcheance(clocks: Horloge[]): number {
  const dues = clocks.filter((c) => c.etat === 'running' && c.echeance).map((c) => Date.parse(c.echeance!));
  return dues.length ? Math.min(...dues) : Number.POSITIVE_INFINITY;
}

export function SlaBadge({ clocks }: { clocks: Horloge[] }) {
  const etat = slaEtat(clocks);
  if (etat === 'depasse') return <Badge tone="danger">Délai dépassé</Badge>;
  if (etat === 'a_risque') return <Badge tone="warning">Délai à risque</Badge>;
  if (etat === 'dans_les_temps') return <Badge tone="success">Dans les délais</Badge>;
  return null;
}

import type { Schemas } from '../api/client';
import { Badge } from './page';
import { slaEtat } from './sla';

/** The SLA state in words ("Délai à risque", "Délai dépassé"), the colour repeating it. */
export function SlaBadge({ clocks }: { clocks: Schemas['SlaHorlogeDto'][] }) {
  const etat = slaEtat(clocks);
  if (etat === 'depasse') return <Badge tone="danger">Délai dépassé</Badge>;
  if (etat === 'a_risque') return <Badge tone="warning">Délai à risque</Badge>;
  if (etat === 'dans_les_temps') return <Badge tone="success">Dans les délais</Badge>;
  return null;
}

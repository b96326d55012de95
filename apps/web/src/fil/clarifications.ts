import { useMemo } from 'react';
import type { FilEvent } from './events';
import { useFil } from './queries';

/** One clarification of an affectation: the Maison's question and, once given, the issuer's answer. */
export interface Clarification {
  question: string;
  demandeeAt: string;
  demandeePar: string | null;
  reponse: string | null;
  apporteeAt: string | null;
  apporteePar: string | null;
}

/**
 * The clarifications of each affectation of a commande, oldest first, read from its shared fil:
 * each answer goes to the latest question of its affectation still waiting for one.
 */
export function clarificationsParAffectation(fil: readonly FilEvent[]): Map<string, Clarification[]> {
  const out = new Map<string, Clarification[]>();
  for (const event of fil) {
    const affectationId = event.data?.affectationId;
    if (typeof affectationId !== 'string') continue;
    if (event.type === 'affectation.clarification_demandee') {
      const list = out.get(affectationId) ?? [];
      list.push({ question: String(event.data.question ?? ''), demandeeAt: event.at, demandeePar: event.acteur?.displayName ?? null, reponse: null, apporteeAt: null, apporteePar: null });
      out.set(affectationId, list);
    } else if (event.type === 'affectation.clarification_apportee') {
      const pending = [...(out.get(affectationId) ?? [])].reverse().find((c) => c.reponse === null);
      if (pending) Object.assign(pending, { reponse: String(event.data.reponse ?? ''), apporteeAt: event.at, apporteePar: event.acteur?.displayName ?? null });
    }
  }
  return out;
}

/** The clarifications of one affectation, oldest first. */
export function clarificationsDe(fil: readonly FilEvent[], affectationId: string): Clarification[] {
  return clarificationsParAffectation(fil).get(affectationId) ?? [];
}

/** The clarifications of every affectation of a commande, from its fil (the query the timeline shares). */
export function useClarifications(commandeId: string): Map<string, Clarification[]> {
  const fil = useFil('commandes', commandeId);
  return useMemo(() => clarificationsParAffectation(fil.data ?? []), [fil.data]);
}

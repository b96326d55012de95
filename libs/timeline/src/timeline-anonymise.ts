import { EntityManager } from 'typeorm';
import { keyringOf, TEXTE_ANONYMISE, TEXTES_ANONYMISABLES, texteEmpreinte } from './timeline-mac';
import { TicketType } from './timeline.types';

export interface FilAnonymise {
  /** Events whose free texts were replaced now. */
  evenements: number;
  /** Events from before format 2 that still hold a free text: their MAC covers it, so it stays (ADR 0023). */
  nonAnonymisables: number;
}

/**
 * Replaces every free text of a ticket's timeline by « [anonymisé] », keeping its keyed digest
 * in `empreintes`: the format-2 MAC covers the digest, so the chain, the head and the seals
 * still verify (ADR 0023). The application's role has no UPDATE on timeline_event: the rows
 * change only through fil_anonymiser_evenement(), whose trigger lets nothing else change.
 * Idempotent: a text already anonymised is left alone. Runs in the caller's transaction.
 */
export async function anonymiserFil(manager: EntityManager, ticketType: TicketType, ticketId: string): Promise<FilAnonymise> {
  const keyring = keyringOf(manager);
  const rows: Array<{ id: string; cle: string | null; format: number; data: Record<string, unknown> }> = await manager.query(
    `SELECT id, cle, format, data FROM timeline_event
      WHERE ticket_type = $1 AND ticket_id = $2 AND data ?| $3::text[]
      ORDER BY seq`,
    [ticketType, ticketId, [...TEXTES_ANONYMISABLES]],
  );
  let evenements = 0;
  let nonAnonymisables = 0;
  for (const row of rows) {
    const champs = TEXTES_ANONYMISABLES.filter((c) => typeof row.data[c] === 'string' && row.data[c] !== TEXTE_ANONYMISE);
    if (champs.length === 0) continue;
    const key = row.cle ? keyring.keys.get(row.cle) : undefined;
    if (row.format !== 2 || !key) {
      nonAnonymisables += 1;
      continue;
    }
    const empreintes = Object.fromEntries(champs.map((c) => [c, texteEmpreinte(key, row.id, c, row.data[c] as string)]));
    await manager.query(`SELECT fil_anonymiser_evenement($1::uuid, $2::jsonb)`, [row.id, JSON.stringify(empreintes)]);
    evenements += 1;
  }
  return { evenements, nonAnonymisables };
}

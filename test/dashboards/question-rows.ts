import { randomUUID } from 'node:crypto';

/** A question as the capitalisation and autonomy figures count it: where, when, escalated or answered at the desk. */
export interface QuestionRowSpec {
  dispositif: string | null;
  maison: string;
  at: string;
  escaladee?: boolean;
  reponse?: string | null;
  statut?: string;
}

/**
 * Writes hand-built question rows (no aggregate, no timeline) for suites whose figures are known
 * in advance. `ids` names the units by key (`ids[maison]`, `ids[dispositif]`, and `themeTourisme`,
 * `tourisme`, `agent`), read at each call; `prefix` keeps the references of two suites apart.
 */
export function questionRows(query: (sql: string, params: unknown[]) => Promise<unknown>, ids: Record<string, string>, prefix: string) {
  let n = 0;
  return async (o: QuestionRowSpec): Promise<string> => {
    const id = randomUUID();
    n += 1;
    const escaladee = o.escaladee ?? false;
    await query(
      `INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, dispositif_id, theme_id, statut, direction_id, reponse, created_by, created_at, updated_at, escaladee_at, version)
       VALUES ($1, $2, $3, 'Objet', 'Description', 'guichet', 'normale', $4, $5, $6, $7, $8, $9, $10, $10, $11, 1)`,
      [
        id,
        `Q-2026-${prefix}${String(n).padStart(5, '0')}`,
        ids[o.maison],
        o.dispositif ? ids[o.dispositif] : null,
        o.dispositif ? null : ids.themeTourisme,
        o.statut ?? (escaladee ? 'escaladee' : o.reponse ? 'repondue_localement' : 'recue'),
        escaladee ? ids.tourisme : null,
        o.reponse ?? null,
        ids.agent,
        o.at,
        escaladee ? o.at : null,
      ],
    );
    return id;
  };
}

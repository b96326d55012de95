import { EntityManager } from 'typeorm';
import { DomainError } from '@app/core';

/** 422 naming the field: the reused answer does not exist, is withdrawn, or has no answer. */
class ReutilisationRefuseeError extends DomainError {
  constructor(field: 'reponsePublieeId' | 'questionSourceId', message: string) {
    super('REUTILISATION_REFUSEE', 'unprocessable', message, { errors: [{ field, message }] });
  }
}

/** The earlier answer a question answered at the desk reuses: a published one, or a similar answered question's. */
export type Reutilisation = { reponsePublieeId: string; questionSourceId?: undefined } | { questionSourceId: string; reponsePublieeId?: undefined };

/**
 * Checks and records the reuse of an earlier answer, in the transition's transaction. Plain SQL
 * on the `reponse_reutilisee` and `reponse_publiee` tables of the capitalisation contract: the
 * questions library does not depend on the knowledge one (which depends on it).
 */
export async function verifierReutilisation(manager: EntityManager, questionId: string, r: Reutilisation): Promise<void> {
  if (r.reponsePublieeId) {
    const [row] = await manager.query(`SELECT retiree_le FROM reponse_publiee WHERE id = $1`, [r.reponsePublieeId]);
    if (!row) throw new ReutilisationRefuseeError('reponsePublieeId', 'Cette réponse publiée n’existe pas.');
    if (row.retiree_le) throw new ReutilisationRefuseeError('reponsePublieeId', 'Cette réponse publiée a été retirée : elle ne peut plus être réutilisée.');
    return;
  }
  const [row] = await manager.query(
    `SELECT id FROM question WHERE id = $1 AND id <> $2 AND statut IN ('repondue', 'repondue_localement', 'close') AND reponse IS NOT NULL`,
    [r.questionSourceId, questionId],
  );
  if (!row) throw new ReutilisationRefuseeError('questionSourceId', 'Cette question n’existe pas ou n’a pas de réponse à réutiliser.');
}

/** One row per question (its key): a retried request that got this far records nothing twice. */
export async function enregistrerReutilisation(
  manager: EntityManager,
  question: { id: string; dispositifId: string | null; maisonId: string },
  r: Reutilisation,
  auteurId: string,
  at: Date,
): Promise<void> {
  await manager.query(
    `INSERT INTO reponse_reutilisee (question_id, reponse_publiee_id, question_source_id, dispositif_id, maison_id, auteur_id, reutilisee_le)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (question_id) DO NOTHING`,
    [question.id, r.reponsePublieeId ?? null, r.questionSourceId ?? null, question.dispositifId, question.maisonId, auteurId, at],
  );
}

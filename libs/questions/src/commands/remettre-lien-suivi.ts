import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig, AuthContext } from '@app/core';
import { finDeValiditeSuivi, nouveauJetonSuivi } from '../domain/suivi';
import { QuestionCommandRunner } from './question-command.runner';

/** What the agent gets once: the page's address and its token (never stored, never shown again). */
export interface LienSuiviRemis {
  url: string;
  token: string;
  /** When the link stops working, if the question is closed; absent while it is open. */
  expireLe?: string;
}

export class RemettreLienSuiviCommand extends Command<LienSuiviRemis> {
  constructor(
    readonly ctx: AuthContext,
    readonly questionId: string,
    /** Origin the page's URL starts with (PUBLIC_URL, else the request's own). */
    readonly origin: string,
  ) {
    super();
  }
}

/**
 * The MdR hands the usager a tracking link. A question has at most one working link: a new one
 * revokes the previous (a lost or misprinted receipt is replaced, the old paper stops working).
 * No Idempotency-Key: a stored answer would keep the token in clear, and a retry is harmless —
 * it revokes the link whose answer was lost and returns a fresh one (ADR 0010). The question row
 * is locked first, so two concurrent requests leave exactly one active link.
 */
@CommandHandler(RemettreLienSuiviCommand)
export class RemettreLienSuiviHandler implements ICommandHandler<RemettreLienSuiviCommand, LienSuiviRemis> {
  constructor(
    private readonly runner: QuestionCommandRunner,
    private readonly config: AppConfig,
  ) {}

  execute({ ctx, questionId, origin }: RemettreLienSuiviCommand): Promise<LienSuiviRemis> {
    return this.runner.runReturning(ctx, questionId, 'lien_suivi', async (question, auteur, at, manager) => {
      await manager.query(`SELECT 1 FROM question WHERE id = $1 FOR UPDATE`, [questionId]);
      const fin = finDeValiditeSuivi(question.snapshot.closedAt, this.config.SUIVI_VALIDITE_MOIS);
      const lienId = randomUUID();
      // Checked by the aggregate before anything is written; the transaction rolls back otherwise.
      // Counted through a CTE: TypeORM returns an UPDATE's rows in another shape than a SELECT's.
      const [{ revoked }] = await manager.query(
        `WITH r AS (UPDATE question_lien_suivi SET revoque_le = $2 WHERE question_id = $1 AND revoque_le IS NULL RETURNING 1) SELECT count(*)::int AS revoked FROM r`,
        [questionId, at],
      );
      question.remettreLienSuivi(auteur, at, { lienId, remplace: revoked > 0 }, fin);
      const { jeton, hash } = nouveauJetonSuivi();
      await manager.query(`INSERT INTO question_lien_suivi (id, question_id, jeton_hash, cree_le, cree_par) VALUES ($1, $2, $3, $4, $5)`, [
        lienId,
        questionId,
        hash,
        at,
        ctx.userId,
      ]);
      return { url: `${origin.replace(/\/+$/, '')}/suivi/${jeton}`, token: jeton, ...(fin ? { expireLe: fin.toISOString() } : {}) };
    });
  }
}

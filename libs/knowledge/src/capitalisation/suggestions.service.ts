import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, AuthContext, Clock, ForbiddenError } from '@app/core';
import { canReadQuestion, jetonMois, QUESTION_SUGGESTION_PREDICATE, QUESTION_SUGGESTION_TSVECTOR } from '@app/questions';
import { REPONSE_PUBLIEE_TSVECTOR } from '../persistence/capitalisation.entities';
import { masquerUsager } from './donnees-personnelles';

export interface SuggestionReponsePubliee {
  id: string;
  question: string;
  reponse: string;
  dispositif: { id: string; nom: string } | null;
  diffusion: 'interne' | 'externe';
  score: number;
  reutilisations: number;
}

export interface SuggestionQuestion {
  id: string;
  /** Only when the caller may open the question (its Maison, a direction that held it, the network). */
  reference?: string;
  objet: string;
  reponse: string;
  dispositif: { id: string; nom: string } | null;
  reponduLe: string;
  score: number;
}

export interface Suggestions {
  reponsesPubliees: SuggestionReponsePubliee[];
  questions: SuggestionQuestion[];
}

/** How many of each kind the form shows. */
export const SUGGESTIONS_MAX = 5;
/** Index matches ranked at most: the ranking work is bounded whatever the volume (ADR 0016). */
export const CANDIDATS_MAX = 200;
/** A dispositif's own entries weigh this much more. */
const BONUS_DISPOSITIF = 2;

/** The words of a free text worth searching: letters and digits only (no tsquery syntax can get through), two characters or more, at most 12. */
export function motsRecherche(texte: string): string[] {
  const words = (texte.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 2).map((w) => w.toLowerCase());
  return [...new Set(words)].slice(0, 12);
}

/**
 * Similar published answers and similar answered questions for the "Nouvelle question" form.
 * Both are French full-text matches (`fr_relais`) of any of the objet's words (an OR query:
 * agents type few words, not all of which the earlier question used), ranked, boosted when the
 * dispositif matches. Each reads at most CANDIDATS_MAX rows off its GIN index before ranking.
 * Another Maison's question gives its objet and answer only (the usager's name, e-mail and
 * phone masked), and its reference only to a caller who may open it.
 */
@Injectable()
export class SuggestionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async suggerer(ctx: AuthContext, input: { objet: string; dispositifId?: string; description?: string }): Promise<Suggestions> {
    if (!['agent_mdr', 'responsable_mdr', 'referent', 'manager'].includes(ctx.role)) throw new ForbiddenError('Les suggestions servent aux Maisons et aux référents.');
    let words = motsRecherche(input.objet);
    if (words.length === 0 && input.description) words = motsRecherche(input.description);
    if (words.length === 0) return { reponsesPubliees: [], questions: [] };
    const query = words.join(' | ');
    const dispositifId = input.dispositifId ?? null;
    const [reponsesPubliees, questions] = await Promise.all([this.reponsesPubliees(query, dispositifId), this.questions(ctx, query, dispositifId)]);
    return { reponsesPubliees, questions };
  }

  /** Candidates off idx_reponse_publiee_recherche (the dispositif's own first), ranked on those only. */
  private async reponsesPubliees(query: string, dispositifId: string | null): Promise<SuggestionReponsePubliee[]> {
    const rows = await this.dataSource.query(
      `WITH requete AS (SELECT to_tsquery('fr_relais', $1) AS tsq),
       candidats AS (
         (SELECT r.id FROM reponse_publiee r, requete
           WHERE r.dispositif_id = $2::uuid AND r.retiree_le IS NULL AND ${REPONSE_PUBLIEE_TSVECTOR} @@ requete.tsq
           LIMIT ${CANDIDATS_MAX})
         UNION
         (SELECT r.id FROM reponse_publiee r, requete
           WHERE ${REPONSE_PUBLIEE_TSVECTOR} @@ requete.tsq AND r.retiree_le IS NULL
           LIMIT ${CANDIDATS_MAX})),
       classes AS (
         SELECT r.id, r.question, r.reponse, r.dispositif_id, r.diffusion, r.publiee_le,
                ts_rank(${REPONSE_PUBLIEE_TSVECTOR}, requete.tsq) * CASE WHEN r.dispositif_id = $2::uuid THEN ${BONUS_DISPOSITIF} ELSE 1 END AS score
           FROM candidats c JOIN reponse_publiee r ON r.id = c.id, requete
          ORDER BY score DESC, r.publiee_le DESC LIMIT ${SUGGESTIONS_MAX})
       SELECT c.*, dp.nom AS dispositif_nom,
              (SELECT count(*)::int FROM reponse_reutilisee x WHERE x.reponse_publiee_id = c.id) AS reutilisations
         FROM classes c LEFT JOIN dispositif dp ON dp.id = c.dispositif_id
        ORDER BY c.score DESC, c.publiee_le DESC`,
      [query, dispositifId],
    );
    return rows.map((r: any) => ({
      id: r.id,
      question: r.question,
      reponse: r.reponse,
      dispositif: r.dispositif_id ? { id: r.dispositif_id, nom: r.dispositif_nom } : null,
      diffusion: r.diffusion,
      score: round(r.score),
      reutilisations: r.reutilisations,
    }));
  }

  /**
   * Answered questions of the last SUGGESTIONS_MOIS months, off idx_question_suggestion: the
   * words OR'ed, AND one of the months' tokens, so recency narrows the index scan itself. A
   * question already published is left out (its published answer is the better suggestion).
   */
  private async questions(ctx: AuthContext, query: string, dispositifId: string | null): Promise<SuggestionQuestion[]> {
    const now = this.clock.now();
    const depuis = new Date(now);
    depuis.setUTCMonth(depuis.getUTCMonth() - this.config.SUGGESTIONS_MOIS);
    const mois: string[] = [];
    for (let m = new Date(Date.UTC(depuis.getUTCFullYear(), depuis.getUTCMonth(), 1)); m <= now; m.setUTCMonth(m.getUTCMonth() + 1)) mois.push(`'${jetonMois(m)}'`);
    const rows = await this.dataSource.query(
      `WITH requete AS (SELECT to_tsquery('fr_relais', $1) AS tsq, to_tsquery('fr_relais', $1) && $2::tsquery AS tsq_mois),
       candidats AS (
         SELECT q.id, q.reference, q.objet, q.reponse, q.dispositif_id, q.maison_id, q.direction_id, q.referent_id, q.created_at, q.updated_at,
                ts_rank(to_tsvector('fr_relais'::regconfig, q.objet::text), requete.tsq) * CASE WHEN q.dispositif_id = $3::uuid THEN ${BONUS_DISPOSITIF} ELSE 1 END AS score
           FROM (SELECT q.* FROM question q, requete
                  WHERE numnode(requete.tsq) > 0 AND ${QUESTION_SUGGESTION_TSVECTOR} @@ requete.tsq_mois AND ${QUESTION_SUGGESTION_PREDICATE} AND q.created_at >= $4
                  LIMIT ${CANDIDATS_MAX}) q, requete
          WHERE NOT EXISTS (SELECT 1 FROM reponse_publiee p WHERE p.question_source_id = q.id AND p.retiree_le IS NULL)
          ORDER BY score DESC, q.created_at DESC LIMIT ${SUGGESTIONS_MAX})
       SELECT c.*, dp.nom AS dispositif_nom, u.nom AS usager_nom, u.email AS usager_email, u.telephone AS usager_telephone,
              ($5::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM question_acces_direction a WHERE a.direction_id = $5::uuid AND a.question_created_at = c.created_at AND a.question_id = c.id)) AS held
         FROM candidats c
         LEFT JOIN dispositif dp ON dp.id = c.dispositif_id
         LEFT JOIN question_usager u ON u.question_id = c.id
        ORDER BY c.score DESC, c.created_at DESC`,
      [query, mois.join(' | '), dispositifId, depuis, ctx.directionId],
    );
    return rows.map((r: any) => {
      const ouvrable = canReadQuestion(ctx, { maisonId: r.maison_id, directionId: r.direction_id, referentId: r.referent_id, heldByCallerDirection: Boolean(r.held) });
      const usager = { nom: r.usager_nom, email: r.usager_email, telephone: r.usager_telephone };
      return {
        id: r.id,
        ...(ouvrable ? { reference: r.reference } : {}),
        objet: ouvrable ? r.objet : masquerUsager(r.objet, usager),
        reponse: ouvrable ? r.reponse : masquerUsager(r.reponse, usager),
        dispositif: r.dispositif_id ? { id: r.dispositif_id, nom: r.dispositif_nom } : null,
        reponduLe: new Date(r.updated_at).toISOString(),
        score: round(r.score),
      };
    });
  }
}

const round = (score: unknown) => Math.round(Number(score) * 10000) / 10000;

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, AuthContext, Clock, ForbiddenError, PLAN_PER_CALL } from '@app/core';
import { canReadQuestion, jetonMois, QUESTION_SUGGESTION_PREDICATE, QUESTION_SUGGESTION_TSVECTOR } from '@app/questions';
import { REPONSE_PUBLIEE_TSVECTOR } from '../persistence/capitalisation.entities';
import { masquerUsager } from './donnees-personnelles';
import { operande } from '../recherche/requete';

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
export const SUGGESTION_CANDIDATS_MAX = 100;
/** A dispositif's own entries weigh this much more. */
const BONUS_DISPOSITIF = 2;
/**
 * A lexeme found in more than this share of the indexed rows (PostgreSQL's own statistics of
 * the index expression) is too common to choose candidates: its posting list would be most of
 * the index. It still counts in the ranking.
 */
export const FREQUENCE_COMMUNE = 0.02;
/** An index of fewer rows is searched with every word (its statistics would call every word common). */
const INDEX_PETIT = 10_000;
/**
 * How long the lexeme frequencies read from pg_stats are kept (they change with ANALYZE only).
 * Each API process keeps its own copy, stale by this much at most: they only choose which words
 * pick the candidates, so two processes may rank a borderline suggestion differently for a few
 * minutes after an ANALYZE, never show what the caller may not see.
 */
const FREQUENCES_TTL_MS = 10 * 60_000;

const INDEX_REPONSES = 'idx_reponse_publiee_recherche';
const INDEX_QUESTIONS = 'idx_question_suggestion';

/** The words of a free text worth searching: letters and digits only, two characters or more, at most 12. */
export function motsRecherche(texte: string): string[] {
  const words = (texte.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 2).map((w) => w.toLowerCase());
  return [...new Set(words)].slice(0, 12);
}

/** A tsquery of lexemes (already normalised by fr_relais), joined by `op`, each an operand as the search writes it. */
export function requeteDeLexemes(lexemes: string[], op: '|' | '&'): string {
  return lexemes.map(operande).join(` ${op} `);
}

/**
 * The candidate queries, cheapest first: the objet's rare lexemes OR'ed (few, precise
 * candidates, short posting lists); then, should those give fewer than SUGGESTIONS_MAX, the two
 * least common of its common lexemes AND'ed (GIN intersects from the shorter list; more terms
 * would cost more index work than they save). All common: that AND alone.
 */
export function requetesCandidats(lexemes: string[], frequences: Map<string, number>): string[] {
  const freq = (l: string) => frequences.get(l) ?? 0;
  const rares = lexemes.filter((l) => freq(l) <= FREQUENCE_COMMUNE);
  const communs = lexemes.filter((l) => freq(l) > FREQUENCE_COMMUNE).sort((a, b) => freq(a) - freq(b));
  return [...(rares.length ? [requeteDeLexemes(rares, '|')] : []), ...(communs.length ? [requeteDeLexemes(communs.slice(0, 2), '&')] : [])];
}

/** Runs the candidate queries in order until SUGGESTIONS_MAX suggestions, each once; best scores first. */
async function parPaliers<T extends { id: string; score: number }>(requetes: string[], chercher: (requete: string) => Promise<T[]>): Promise<T[]> {
  const found = new Map<string, T>();
  for (const requete of requetes) {
    for (const item of await chercher(requete)) if (!found.has(item.id)) found.set(item.id, item);
    if (found.size >= SUGGESTIONS_MAX) break;
  }
  return [...found.values()].sort((a, b) => b.score - a.score).slice(0, SUGGESTIONS_MAX);
}

/**
 * Similar published answers and similar answered questions for the "Nouvelle question" form:
 * French full-text matches (`fr_relais`) of the objet's words, ranked, boosted when the
 * dispositif matches. Each side reads at most SUGGESTION_CANDIDATS_MAX rows off its GIN index, chosen by
 * the objet's distinctive words, before any ranking work (ADR 0016). Another Maison's question
 * gives its objet and answer only (the usager's name, e-mail and phone masked), and its
 * reference only to a caller who may open it.
 */
@Injectable()
export class SuggestionsService {
  private frequences: { at: number; parIndex: Map<string, Map<string, number>> } | null = null;

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
    // The objet's lexemes as the indexes hold them (stemmed, unaccented, stop words gone).
    const [{ lexemes }] = await this.dataSource.query(`SELECT tsvector_to_array(to_tsvector('fr_relais', $1)) AS lexemes`, [words.join(' ')]);
    const lexemesSurs = (lexemes as string[]).filter((l) => /^[\p{L}\p{N}_-]+$/u.test(l));
    if (lexemesSurs.length === 0) return { reponsesPubliees: [], questions: [] };
    const frequences = await this.frequencesLexemes();
    const rang = requeteDeLexemes(lexemesSurs, '|');
    const dispositifId = input.dispositifId ?? null;
    const [reponsesPubliees, questions] = await Promise.all([
      parPaliers(requetesCandidats(lexemesSurs, frequences.get(INDEX_REPONSES) ?? new Map()), (r) => this.reponsesPubliees(r, rang, dispositifId)),
      parPaliers(requetesCandidats(lexemesSurs, frequences.get(INDEX_QUESTIONS) ?? new Map()), (r) => this.questions(ctx, r, rang, dispositifId)),
    ]);
    return { reponsesPubliees, questions };
  }

  /** The most common lexemes of each index and their share of rows, from pg_stats (ANALYZE keeps them for expression indexes). */
  private async frequencesLexemes(): Promise<Map<string, Map<string, number>>> {
    const now = Date.now();
    if (this.frequences && now - this.frequences.at < FREQUENCES_TTL_MS) return this.frequences.parIndex;
    // Below INDEX_PETIT rows every word is searched: the scans are cheap, and few rows make every word look common.
    const rows: Array<{ index: string; elems: string[] | null; freqs: number[] | null }> = await this.dataSource.query(
      `SELECT s.tablename AS index, s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs
         FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = to_regnamespace(s.schemaname)
        WHERE s.schemaname = current_schema() AND s.tablename = ANY($1) AND s.attname = 'expr' AND c.reltuples >= $2`,
      [[INDEX_REPONSES, INDEX_QUESTIONS], INDEX_PETIT],
    );
    const parIndex = new Map<string, Map<string, number>>();
    for (const row of rows) parIndex.set(row.index, new Map((row.elems ?? []).map((e, i) => [e, Number(row.freqs?.[i] ?? 0)])));
    this.frequences = { at: now, parIndex };
    return parIndex;
  }

  /** Candidates off idx_reponse_publiee_recherche, ranked on those only (by their reworded question, the short text the objet is like). */
  private async reponsesPubliees(candidats: string, rang: string, dispositifId: string | null): Promise<SuggestionReponsePubliee[]> {
    const rows = await this.dataSource.query(
      `${PLAN_PER_CALL} WITH candidats AS (
         SELECT r.id, r.question, r.reponse, r.dispositif_id, r.diffusion, r.publiee_le FROM reponse_publiee r
          WHERE ${REPONSE_PUBLIEE_TSVECTOR} @@ $1::tsquery AND r.retiree_le IS NULL
          LIMIT ${SUGGESTION_CANDIDATS_MAX}),
       classes AS (
         SELECT c.*, (ts_rank(setweight(to_tsvector('fr_relais'::regconfig, c.question), 'A'), $2::tsquery) + 0.01)
                     * CASE WHEN c.dispositif_id = $3::uuid THEN ${BONUS_DISPOSITIF} ELSE 1 END AS score
           FROM candidats c
          ORDER BY score DESC, c.publiee_le DESC LIMIT ${SUGGESTIONS_MAX})
       SELECT c.*, dp.nom AS dispositif_nom,
              (SELECT count(*)::int FROM reponse_reutilisee x WHERE x.reponse_publiee_id = c.id) AS reutilisations
         FROM classes c LEFT JOIN dispositif dp ON dp.id = c.dispositif_id
        ORDER BY c.score DESC, c.publiee_le DESC`,
      [candidats, rang, dispositifId],
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
   * candidate words AND one month's token, month by month from the newest, until SUGGESTION_CANDIDATS_MAX
   * (each scan is an AND that GIN answers from its shortest posting list, even for common words;
   * the exact bound is applied to the candidates). A question already published is left out (its
   * published answer is the better suggestion).
   */
  private async questions(ctx: AuthContext, candidats: string, rang: string, dispositifId: string | null): Promise<SuggestionQuestion[]> {
    const now = this.clock.now();
    const depuis = new Date(now);
    depuis.setUTCMonth(depuis.getUTCMonth() - this.config.SUGGESTIONS_MOIS);
    const mois: string[] = [];
    for (let m = new Date(Date.UTC(depuis.getUTCFullYear(), depuis.getUTCMonth(), 1)); m <= now; m.setUTCMonth(m.getUTCMonth() + 1)) mois.push(jetonMois(m));
    const rows = await this.dataSource.query(
      `${PLAN_PER_CALL} WITH candidats AS (
         SELECT q.id, q.reference, q.objet, q.reponse, q.dispositif_id, q.maison_id, q.direction_id, q.referent_id, q.created_at, q.updated_at
           FROM unnest($2::text[]) AS m(jeton)
          CROSS JOIN LATERAL (
                SELECT q.* FROM question q
                 WHERE ${QUESTION_SUGGESTION_TSVECTOR} @@ ($1::tsquery && m.jeton::tsquery) AND ${QUESTION_SUGGESTION_PREDICATE}
                 LIMIT ${SUGGESTION_CANDIDATS_MAX}) q
          LIMIT ${SUGGESTION_CANDIDATS_MAX}),
       classes AS (
         SELECT c.*, (ts_rank(to_tsvector('fr_relais'::regconfig, c.objet::text), $3::tsquery) + 0.01)
                     * CASE WHEN c.dispositif_id = $4::uuid THEN ${BONUS_DISPOSITIF} ELSE 1 END AS score
           FROM candidats c
          WHERE c.created_at >= $5
            -- An anonymised question (ADR 0023, SUGGESTIONS_MOIS beyond the retention) has nothing left to suggest.
            AND c.reponse <> '[anonymisé]'
            AND NOT EXISTS (SELECT 1 FROM reponse_publiee p WHERE p.question_source_id = c.id AND p.retiree_le IS NULL)
          ORDER BY score DESC, c.created_at DESC LIMIT ${SUGGESTIONS_MAX})
       SELECT c.*, dp.nom AS dispositif_nom, u.nom AS usager_nom, u.email AS usager_email, u.telephone AS usager_telephone,
              ($6::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM question_acces_direction a WHERE a.direction_id = $6::uuid AND a.question_created_at = c.created_at AND a.question_id = c.id)) AS held
         FROM classes c
         LEFT JOIN dispositif dp ON dp.id = c.dispositif_id
         LEFT JOIN question_usager u ON u.question_id = c.id
        ORDER BY c.score DESC, c.created_at DESC`,
      [candidats, mois.reverse().map((m) => requeteDeLexemes([m], '|')), rang, dispositifId, depuis, ctx.directionId],
    );
    return rows.map((r: any) => {
      // Linked only when a participant may open it (a correspondent Maison still finds it in its network list).
      const ouvrable = canReadQuestion(ctx, { maisonId: r.maison_id, directionId: r.direction_id, referentId: r.referent_id, heldByCallerDirection: Boolean(r.held), correspondantDuTheme: false });
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

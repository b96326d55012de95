import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, PLAN_PER_CALL, ValidationFailedError } from '@app/core';
import { FTS_CONFIG, REPONSE_PUBLIEE_TSVECTOR } from '../persistence/capitalisation.entities';
import {
  DEBUT_SURLIGNE,
  FIN_SURLIGNE,
  lexemesUtiles,
  motifPremierMot,
  normaliserRecherche,
  refusRecherche,
  requetes,
  Segment,
  segments,
  TypeResultat,
} from './requete';

/** How much of a document's text is searched (its vector) and where its extract may come from. */
export const DOCUMENT_TEXTE_INDEXE = 100_000;
/**
 * Matches ranked per source at most: a word found in thousands of rows ranks only the first ones
 * the index returns (ADR 0015). Documents' vectors are the largest (a few kilobytes, read from
 * TOAST to be ranked), hence their lower bound.
 */
export const RECHERCHE_CANDIDATS_MAX = { dispositif: 1_000, document: 200, reponse: 1_000 } as const;
/** The slice of a long text ts_headline reads (it parses all of it): this many characters around the first match. */
const FENETRE = 360;
const AVANT = 100;
/** How far into a document's text the first match is looked for (a longer text's extract starts at its beginning). */
const EXTRAIT_CHERCHE = 10_000;
const HEADLINE = `StartSel=${DEBUT_SURLIGNE}, StopSel=${FIN_SURLIGNE}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;

export interface RechercheOptions {
  q: string;
  type?: TypeResultat;
  limit: number;
}

export interface ResultatRecherche {
  type: TypeResultat;
  id: string;
  titre: string;
  /** `historique`: a closed scheme (still found: usagers name closed ones, and the answer is that it closed). */
  dispositif: { id: string; nom: string; historique: boolean } | null;
  score: number;
  /** Does it contain every searched word (false: found by the fallback on any word)? */
  tousLesMots: boolean;
  extrait: Segment[];
}

/**
 * French full-text search over dispositifs, documents (title and extracted text) and published
 * answers (ADR 0015). Every authenticated role reads every document and every published answer
 * that is not withdrawn (DocumentsService: "interne" means inside the Région), so the scope is
 * the same for all: a deleted document has no row, a withdrawn answer (retiree_le) is never
 * returned.
 */
@Injectable()
export class RechercheService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async rechercher(_ctx: AuthContext, options: RechercheOptions): Promise<{ items: ResultatRecherche[] }> {
    const refus = refusRecherche(options.q);
    if (refus) throw new ValidationFailedError([{ field: 'q', message: refus }]);
    const [{ lexemes }] = await this.dataSource.query(
      `SELECT coalesce(array_agg(l ORDER BY l), '{}') AS lexemes FROM unnest(tsvector_to_array(to_tsvector('${FTS_CONFIG}'::regconfig, $1))) AS l`,
      [normaliserRecherche(options.q)],
    );
    const utiles = lexemesUtiles(lexemes);
    if (utiles.length === 0) {
      throw new ValidationFailedError([{ field: 'q', message: 'Aucun mot à chercher : les mots très courants (le, de, à…) sont ignorés.' }]);
    }
    const { tous, certains } = requetes(utiles);
    const motif = motifPremierMot(utiles);
    const items = (await this.chercher(tous, motif, options, [], true)).map((r) => ({ ...r, tousLesMots: true }));
    // Too strict for "eau tourisme camping"-like queries: the rows with some of the words come after.
    if (items.length < options.limit && utiles.length > 1) {
      const suite = await this.chercher(certains, motif, { ...options, limit: options.limit - items.length }, items.map((r) => r.id), false);
      items.push(...suite.map((r) => ({ ...r, tousLesMots: false })));
    }
    return { items };
  }

  /**
   * One pass: the best `limit` rows of the selected sources for this tsquery, with their extract.
   * With every word, the dispositifs come first: the scheme is what the agent looks for, and its
   * short text ranks below the answers that repeat its name.
   */
  private async chercher(
    tsquery: string,
    motif: string,
    { type, limit }: RechercheOptions,
    exclus: string[],
    dispositifsDabord: boolean,
  ): Promise<Omit<ResultatRecherche, 'tousLesMots'>[]> {
    const sources = SOURCES.filter((s) => !type || s.type === type);
    // A plan per call (ADR 0029): the words decide between the GIN index and reading in order.
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `${PLAN_PER_CALL} WITH requete AS (SELECT $1::tsquery AS q),
       ${sources.map((s) => `${s.cte} AS (${s.sql})`).join(',\n')},
       meilleurs AS MATERIALIZED (
         SELECT * FROM (${sources.map((s) => `SELECT * FROM ${s.cte}`).join(' UNION ALL ')}) u
          ORDER BY (type = 'dispositif' AND $6) DESC, score DESC, type, id
          LIMIT $2
       )
       SELECT m.type, m.id, m.titre, m.dispositif_id, m.dispositif_nom, m.dispositif_historique, m.score,
              ts_headline('${FTS_CONFIG}'::regconfig, translate(coalesce(s.source, ''), E'\\uE000\\uE001', ''), r.q, $5) AS extrait
         FROM meilleurs m
        CROSS JOIN requete r
        LEFT JOIN LATERAL (
          SELECT CASE m.type
            WHEN 'dispositif' THEN (SELECT concat_ws(' — ', d.description, d.public_vise, 'Mots-clés : ' || nullif(array_to_string(d.mots_cles, ', '), ''))
                                      FROM dispositif d WHERE d.id = m.id)
            WHEN 'document' THEN (SELECT CASE WHEN coalesce(d.texte, '') = '' THEN d.titre
                                              ELSE substr(d.texte, greatest(1, regexp_instr(left(d.texte, ${EXTRAIT_CHERCHE}), $4, 1, 1, 0, 'i') - ${AVANT}), ${FENETRE}) END
                                    FROM document d WHERE d.id = m.id)
            ELSE (SELECT substr(x.reponse, greatest(1, regexp_instr(left(x.reponse, ${EXTRAIT_CHERCHE}), $4, 1, 1, 0, 'i') - ${AVANT}), ${FENETRE})
                    FROM reponse_publiee x WHERE x.id = m.id)
          END AS source
        ) s ON true
        ORDER BY (m.type = 'dispositif' AND $6) DESC, m.score DESC, m.type, m.id`,
      [tsquery, limit, exclus, motif, HEADLINE, dispositifsDabord],
    );
    return rows.map((row) => ({
      type: row.type,
      id: row.id,
      titre: row.titre,
      dispositif: row.dispositif_id ? { id: row.dispositif_id, nom: row.dispositif_nom, historique: row.dispositif_historique } : null,
      score: Math.round(Number(row.score) * 10_000) / 10_000,
      extrait: segments(row.extrait ?? ''),
    }));
  }
}

// Each source: its matches (GIN index), at most RECHERCHE_CANDIDATS_MAX of them ranked from the stored
// vector (never recomputed), the best $2 kept. $3: ids already returned by the first pass.
const RANG = `ts_rank_cd(c.recherche, r.q, 1 | 32)`;

const DISPOSITIFS = `
  SELECT 'dispositif'::text AS type, c.id, c.nom::text AS titre, c.id AS dispositif_id, c.nom::text AS dispositif_nom, c.historique AS dispositif_historique, ${RANG} AS score
    FROM (SELECT d.id, d.nom, d.historique, d.recherche FROM dispositif d, requete r
           WHERE d.recherche @@ r.q AND d.id <> ALL ($3::uuid[]) LIMIT ${RECHERCHE_CANDIDATS_MAX.dispositif}) c, requete r
   ORDER BY score DESC LIMIT $2`;

const DOCUMENTS = `
  SELECT 'document'::text AS type, c.id, c.titre::text AS titre, p.id AS dispositif_id, p.nom::text AS dispositif_nom, p.historique AS dispositif_historique, c.score
    FROM (SELECT c.id, c.titre, c.dispositif_id, ${RANG} AS score
            FROM (SELECT d.id, d.titre, d.dispositif_id, d.recherche FROM document d, requete r
                   WHERE d.recherche @@ r.q AND d.id <> ALL ($3::uuid[]) LIMIT ${RECHERCHE_CANDIDATS_MAX.document}) c, requete r
           ORDER BY score DESC LIMIT $2) c
    JOIN dispositif p ON p.id = c.dispositif_id`;

// Published answers match through their contract index (REPONSE_PUBLIEE_TSVECTOR); withdrawn ones never.
const REPONSES = `
  SELECT 'reponse'::text AS type, c.id, c.question::text AS titre, p.id AS dispositif_id, p.nom::text AS dispositif_nom, p.historique AS dispositif_historique, c.score
    FROM (SELECT c.id, c.question, c.dispositif_id, ${RANG} AS score
            FROM (SELECT x.id, x.question, x.dispositif_id, x.recherche FROM reponse_publiee x, requete r
                   WHERE ${REPONSE_PUBLIEE_TSVECTOR} @@ r.q AND x.retiree_le IS NULL AND x.id <> ALL ($3::uuid[]) LIMIT ${RECHERCHE_CANDIDATS_MAX.reponse}) c, requete r
           ORDER BY score DESC LIMIT $2) c
    LEFT JOIN dispositif p ON p.id = c.dispositif_id`;

const SOURCES: Array<{ type: TypeResultat; cte: string; sql: string }> = [
  { type: 'dispositif', cte: 'dispositifs', sql: DISPOSITIFS },
  { type: 'document', cte: 'documents', sql: DOCUMENTS },
  { type: 'reponse', cte: 'reponses', sql: REPONSES },
];

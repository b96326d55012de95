import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DISPOSITIF_SELECT, searchable, searchWords } from './directory.sql';
import type { DispositifView } from './directory.views';

export interface DispositifSearch {
  /** Free text: every word must start a word of the name or the keywords, accents and case ignored. */
  q?: string;
  themeId?: string;
  directionId?: string;
  /** Closed schemes are included unless false: usagers often name one, and the answer is that it closed. */
  inclureHistoriques?: boolean;
}

export class ListDispositifsQuery extends Query<DispositifView[]> {
  constructor(readonly search: DispositifSearch = {}) {
    super();
  }
}

const Q = searchWords('$1::text');
const NAME = searchable('d.nom');
const NAME_AND_KEYWORDS = searchable(`d.nom || ' ' || array_to_string(d.mots_cles, ' ')`);

/**
 * Ranked: the exact name, then names containing the whole text, then names containing every
 * word, then matches through keywords; current schemes before closed ones.
 */
@QueryHandler(ListDispositifsQuery)
export class ListDispositifsHandler implements IQueryHandler<ListDispositifsQuery, DispositifView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  execute({ search }: ListDispositifsQuery): Promise<DispositifView[]> {
    const q = search.q?.trim() || null;
    return this.dataSource.query(
      `WITH words AS (
         SELECT w FROM regexp_split_to_table(${Q}, ' ') AS w WHERE w <> ''
       )
       ${DISPOSITIF_SELECT}
       WHERE ($1::text IS NULL OR NOT EXISTS (SELECT 1 FROM words WHERE strpos(${NAME_AND_KEYWORDS}, ' ' || words.w) = 0))
         AND ($2::uuid IS NULL OR d.theme_id = $2)
         AND ($3::uuid IS NULL OR d.direction_id = $3)
         AND ($4::boolean OR NOT d.historique)
       ORDER BY CASE WHEN $1::text IS NULL THEN 0
                     WHEN ${searchWords('d.nom')} = ${Q} THEN 0
                     WHEN strpos(${NAME}, ' ' || ${Q}) > 0 THEN 1
                     WHEN NOT EXISTS (SELECT 1 FROM words WHERE strpos(${NAME}, ' ' || words.w) = 0) THEN 2
                     ELSE 3
                END,
                d.historique, d.nom, d.id`,
      [q, search.themeId ?? null, search.directionId ?? null, search.inclureHistoriques ?? true],
    );
  }
}

import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, Clock } from '@app/core';
import { readTimeline } from '@app/timeline';
import type { QuestionStatut } from '../domain/question.transitions';
import { ETAPE_USAGER, EtapeSuivi, etapesSuivi, finDeValiditeSuivi, hashJetonSuivi, JETON_SUIVI, suiviValide } from '../domain/suivi';

/**
 * What the usager's page shows, and nothing else: the reference, the step in plain words, the
 * milestones' dates and the Maison (an office: its public name, address and opening hours). No
 * person, no note, no message, no answer, no direction.
 */
export interface SuiviView {
  reference: string;
  statut: QuestionStatut;
  etape: { titre: string; texte: string };
  etapes: EtapeSuivi[];
  maison: { nom: string; ville: string; adresse: string | null; horaires: string | null };
  expireLe: Date | null;
}

/** The page of a tracking token; null for a wrong, revoked or expired one, alike. */
export class GetSuiviQuery extends Query<SuiviView | null> {
  constructor(readonly jeton: string) {
    super();
  }
}

@QueryHandler(GetSuiviQuery)
export class GetSuiviHandler implements IQueryHandler<GetSuiviQuery, SuiviView | null> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute({ jeton }: GetSuiviQuery): Promise<SuiviView | null> {
    if (!JETON_SUIVI.test(jeton)) return null;
    const [row] = await this.dataSource.query(
      `SELECT q.id, q.reference, q.statut, q.closed_at, m.nom, m.ville, m.adresse, m.horaires
         FROM question_lien_suivi l
         JOIN question q ON q.id = l.question_id
         JOIN maison m ON m.id = q.maison_id
        WHERE l.jeton_hash = $1 AND l.revoque_le IS NULL`,
      [hashJetonSuivi(jeton)],
    );
    if (!row) return null;
    const closedAt: Date | null = row.closed_at ? new Date(row.closed_at) : null;
    if (!suiviValide(closedAt, this.config.SUIVI_VALIDITE_MOIS, this.clock.now())) return null;
    // Shared events only (no unit given), and of those only their type and date are used.
    const events = await readTimeline(this.dataSource, 'question', row.id, []);
    const statut = row.statut as QuestionStatut;
    return {
      reference: row.reference,
      statut,
      etape: ETAPE_USAGER[statut],
      etapes: etapesSuivi(events.map((e) => ({ type: e.type, at: new Date(e.at) }))),
      maison: { nom: row.nom, ville: row.ville, adresse: row.adresse, horaires: row.horaires },
      expireLe: finDeValiditeSuivi(closedAt, this.config.SUIVI_VALIDITE_MOIS),
    };
  }
}

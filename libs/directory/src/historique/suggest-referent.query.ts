import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@app/core';
import { REFERENTS_HISTORIQUE_SQL, windowStart } from './referents-historique.query';
import { Candidat, classerCandidats } from './referent-ranking';

export interface ReferentSuggere {
  referentId: string;
  userId: string;
  displayName: string;
  email: string;
  telephone: string | null;
  reponses: number;
  delaiMedianHeures: number | null;
  /** `historique`: chosen for answers in the window; `annuaire`: no answer, named by the directory. */
  motif: 'historique' | 'annuaire';
}

export interface SuggestionReferentView {
  directionId: string | null;
  dispositifId: string | null;
  mois: number;
  suggere: ReferentSuggere | null;
  renfort: ReferentSuggere | null;
}

export interface SuggestionSubject {
  dispositifId: string | null;
  themeId: string | null;
  /** The direction already chosen (an escalated question); else the dispositif's, else the thème's. */
  directionId: string | null;
}

export class SuggestReferentQuery extends Query<SuggestionReferentView> {
  constructor(
    readonly subject: SuggestionSubject,
    readonly mois: number,
    /** Defaults to the application's clock. */
    readonly now?: Date,
  ) {
    super();
  }
}

/** Best référent and a backup among the active référents of the owning direction (ADR 0014). */
@QueryHandler(SuggestReferentQuery)
export class SuggestReferentHandler implements IQueryHandler<SuggestReferentQuery, SuggestionReferentView> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async execute({ subject, mois, now }: SuggestReferentQuery): Promise<SuggestionReferentView> {
    const [owner] = await this.dataSource.query(
      `SELECT COALESCE($3::uuid, d.direction_id, t.direction_id) AS direction_id, COALESCE(d.theme_id, $2::uuid) AS theme_id
         FROM (SELECT 1) one
         LEFT JOIN dispositif d ON d.id = $1::uuid
         LEFT JOIN theme t ON t.id = $2::uuid`,
      [subject.dispositifId, subject.themeId, subject.directionId],
    );
    const directionId: string | null = owner.direction_id;
    const empty = { directionId, dispositifId: subject.dispositifId, mois, suggere: null, renfort: null };
    if (!directionId) return empty;

    const actifs: Array<Omit<Candidat, 'reponses' | 'delaiMedianHeures'> & { email: string; telephone: string | null }> =
      await this.dataSource.query(
        `SELECT r.id AS "referentId", u.id AS "userId", u.display_name AS "displayName", u.email, u.telephone,
                EXISTS (SELECT 1 FROM referent_dispositif rd WHERE rd.referent_id = r.id AND rd.dispositif_id = $2::uuid) AS "nommePourDispositif",
                EXISTS (SELECT 1 FROM referent_theme rt WHERE rt.referent_id = r.id AND rt.theme_id = $3::uuid) AS "nommePourTheme"
           FROM referent r JOIN users u ON u.id = r.user_id AND u.actif
          WHERE r.direction_id = $1`,
        [directionId, subject.dispositifId, owner.theme_id],
      );
    const historique: Array<{ userId: string; reponses: number; delaiMedianHeures: number | null }> = subject.dispositifId
      ? await this.dataSource.query(REFERENTS_HISTORIQUE_SQL, [subject.dispositifId, windowStart(now ?? this.clock.now(), mois)])
      : [];
    const parUser = new Map(historique.map((h) => [h.userId, h]));
    const classes = classerCandidats(
      actifs.map((a) => ({ ...a, reponses: parUser.get(a.userId)?.reponses ?? 0, delaiMedianHeures: parUser.get(a.userId)?.delaiMedianHeures ?? null })),
    );
    const view = (c: Candidat | undefined): ReferentSuggere | null => {
      if (!c) return null;
      const a = actifs.find((x) => x.referentId === c.referentId)!;
      return {
        referentId: c.referentId,
        userId: c.userId,
        displayName: c.displayName,
        email: a.email,
        telephone: a.telephone,
        reponses: c.reponses,
        delaiMedianHeures: c.delaiMedianHeures,
        motif: c.reponses > 0 ? 'historique' : 'annuaire',
      };
    };
    return { ...empty, suggere: view(classes[0]), renfort: view(classes[1]) };
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AuthContext, Clock, isoSql } from '@app/core';
import { SlaReader, SlaView } from '@app/sla';
import { canAct, canGiveLienSuivi, canPublierReponse, canReadQuestion, canSeeUsager, enLectureSeule, isParticipant, QuestionScope } from '../domain/question.access';
import { correspondantDuTheme } from '../persistence/specialisation.reader';
import { suiviValide } from '../domain/suivi';
import type { Canal, Priorite } from '../domain/question.aggregate';
import { nextStatut, QUESTION_ACTIONS, QuestionAction, QuestionStatut } from '../domain/question.transitions';

export interface QuestionView {
  id: string;
  reference: string;
  statut: QuestionStatut;
  objet: string;
  description: string;
  canal: Canal;
  priorite: Priorite;
  maison: { id: string; nom: string };
  dispositif: { id: string; nom: string } | null;
  theme: { id: string; libelle: string } | null;
  /** Where it sits at the siège; null with `enCoordination` means the network coordination queue. */
  direction: { id: string; nom: string; sigle: string | null } | null;
  enCoordination: boolean;
  referent: { id: string; displayName: string } | null;
  reponse: string | null;
  issue: string | null;
  creePar: { id: string; displayName: string };
  createdAt: string;
  updatedAt: string;
  escaladeeAt: string | null;
  closedAt: string | null;
  version: number;
  /** The SLA clocks, latest cycle of each kind. */
  sla: SlaView[];
  /** Only for the MdR that recorded it and the référent handling it. */
  usager?: { nom: string | null; organisation: string | null; email: string | null; telephone: string | null; consentement: boolean };
  /** What the caller may do now (one question only: lists leave it out). */
  actions?: QuestionAction[];
  /** Seen through a spécialisation only (ADR 0018): no action, no message. One question only. */
  lectureSeule?: boolean;
  /** May the caller hand the usager a tracking link now (its Maison, the question open or its links still valid)? One question only. */
  lienSuiviPossible?: boolean;
  /** May the caller publish its answer in "L'info pour tous" now (POST /questions/{id}/publier)? One question only. */
  publicationPossible?: boolean;
}

/**
 * The SELECT every question read shares, over `source` (the table, or a CTE of one page), with
 * `extra` columns of the source; `held` tells whether the caller's direction ($1) ever held it.
 * The columns the view shows, dates already as the API prints them.
 */
export const questionSelect = (source = 'question', extra = '') => `
  SELECT q.id, q.reference, q.statut, q.objet, q.description, q.canal, q.priorite, q.maison_id, q.dispositif_id, q.theme_id,
         q.direction_id, q.referent_id, q.reponse, q.issue, q.created_by, q.version,
         ${isoSql('q.created_at')} AS created_at, ${isoSql('q.updated_at')} AS updated_at,
         ${isoSql('q.escaladee_at')} AS escaladee_at, ${isoSql('q.closed_at')} AS closed_at${extra},
         m.nom AS maison_nom, dp.nom AS dispositif_nom, t.libelle AS theme_libelle,
         d.nom AS direction_nom, d.sigle AS direction_sigle, ru.display_name AS referent_nom,
         cu.display_name AS cree_par_nom,
         ($1::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM question_acces_direction a WHERE a.direction_id = $1::uuid AND a.question_created_at = q.created_at AND a.question_id = q.id)) AS held
    FROM ${source} q
    JOIN maison m ON m.id = q.maison_id
    JOIN users cu ON cu.id = q.created_by
    LEFT JOIN dispositif dp ON dp.id = q.dispositif_id
    LEFT JOIN theme t ON t.id = q.theme_id
    LEFT JOIN direction d ON d.id = q.direction_id
    LEFT JOIN users ru ON ru.id = q.referent_id`;

const AU_SIEGE = new Set(['escaladee', 'prise_en_charge', 'en_attente_info']);

/**
 * One page of questions: the CTE walks an index in `order` under LIMIT, then only that page is
 * joined to the directory for display (joining first lets the planner sort the whole set).
 * `extra` adds a computed column to the page: `{ inner: ', s.x', outer: ', q.x' }`.
 */
export function questionPageSql(where: string, order: string, limitParam: string, from = 'question q', outerOrder = order, extra = { inner: '', outer: '' }): string {
  return `WITH page AS (SELECT q.*${extra.inner} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ${limitParam})
    ${questionSelect('page', extra.outer)} ORDER BY ${outerOrder}`;
}

/** The scope facts of a row; `correspondantDuTheme` is asked for separately (ADR 0018). */
export function scopeOfRow(row: any, correspondant = false): QuestionScope {
  return { maisonId: row.maison_id, directionId: row.direction_id, referentId: row.referent_id, heldByCallerDirection: Boolean(row.held), correspondantDuTheme: correspondant };
}

/** A row of `questionSelect` to the view (its dates are ISO strings already). */
export function toQuestionView(row: any): QuestionView {
  return {
    id: row.id,
    reference: row.reference,
    statut: row.statut,
    objet: row.objet,
    description: row.description,
    canal: row.canal,
    priorite: row.priorite,
    maison: { id: row.maison_id, nom: row.maison_nom },
    dispositif: row.dispositif_id ? { id: row.dispositif_id, nom: row.dispositif_nom } : null,
    theme: row.theme_id ? { id: row.theme_id, libelle: row.theme_libelle } : null,
    direction: row.direction_id ? { id: row.direction_id, nom: row.direction_nom, sigle: row.direction_sigle } : null,
    enCoordination: row.direction_id === null && AU_SIEGE.has(row.statut),
    referent: row.referent_id ? { id: row.referent_id, displayName: row.referent_nom } : null,
    reponse: row.reponse,
    issue: row.issue,
    creePar: { id: row.created_by, displayName: row.cree_par_nom },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    escaladeeAt: row.escaladee_at,
    closedAt: row.closed_at,
    version: row.version,
    sla: [],
  };
}

/** Reads questions as the caller may see them, with their clocks. */
@Injectable()
export class QuestionViewReader {
  constructor(
    private readonly sla: SlaReader,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Rows of a page to views, clocks included (one query for the page's clocks). */
  async views(db: EntityManager | DataSource, rows: any[]): Promise<QuestionView[]> {
    const clocks = await this.sla.forTickets(db, 'question', rows.map((r) => r.id));
    return rows.map((row) => ({ ...toQuestionView(row), sla: clocks.get(row.id) ?? [] }));
  }

  /**
   * One question; null when it does not exist for the caller. `justRecorded`: the question was
   * inserted in the caller's transaction, with this usager. Two statements less: the usager is
   * shown as it would read back, and there are no clocks to read (the SLA consumer starts them
   * from the outbox event, after that transaction commits).
   */
  async read(db: EntityManager | DataSource, ctx: AuthContext, id: string, justRecorded?: { usager: NonNullable<QuestionView['usager']> }): Promise<QuestionView | null> {
    const readable = await this.readableRow(db, ctx, id);
    if (!readable) return null;
    const { row, scope } = readable;
    const view = justRecorded ? toQuestionView(row) : (await this.views(db, [row]))[0];
    const usager = justRecorded?.usager;
    view.lectureSeule = enLectureSeule(ctx, scope);
    view.actions = QUESTION_ACTIONS.filter((action) => nextStatut(view.statut, action) && canAct(ctx, scope, action));
    view.lienSuiviPossible = canGiveLienSuivi(ctx, scope) && suiviValide(row.closed_at ? new Date(row.closed_at) : null, this.config.SUIVI_VALIDITE_MOIS, this.clock.now());
    view.publicationPossible = canPublierReponse(ctx, scope, view.statut, Boolean(view.reponse)) === 'oui';
    if (canSeeUsager(ctx, scope)) {
      const [u] = usager
        ? [{ nom: usager.nom, organisation: usager.organisation, email: usager.email, telephone: usager.telephone, consentement: usager.consentement }]
        : await db.query(`SELECT nom, organisation, email, telephone, consentement FROM question_usager WHERE question_id = $1`, [id]);
      if (u) view.usager = u;
    }
    return view;
  }

  /**
   * Whether the caller may read the question, by the same rule as `read` but without building
   * the view (clocks, calendars, usager): what the fil routes need before reading the events.
   */
  async canRead(db: EntityManager | DataSource, ctx: AuthContext, id: string): Promise<boolean> {
    return (await this.readableRow(db, ctx, id)) !== null;
  }

  private async readableRow(db: EntityManager | DataSource, ctx: AuthContext, id: string): Promise<{ row: any; scope: QuestionScope } | null> {
    const [row] = await db.query(`${questionSelect()} WHERE q.id = $2`, [ctx.directionId, id]);
    if (!row) return null;
    let scope = scopeOfRow(row);
    // Only a non-participant needs the spécialisation looked up.
    if (!isParticipant(ctx, scope)) scope = scopeOfRow(row, await correspondantDuTheme(db, ctx, row.theme_id, row.dispositif_id));
    return canReadQuestion(ctx, scope) ? { row, scope } : null;
  }
}

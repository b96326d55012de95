import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, Clock, decodeCursor, DEFAULT_LIMIT, ForbiddenError, isMdrRole, Page, SqlWhere, toPage } from '@app/core';
import { readTimeline, TimelineEventView, TimelineVerification, unitesOf, verifyTimeline } from '@app/timeline';
import { QuestionStatut } from '../domain/question.transitions';
import { QuestionIntrouvableError } from '../domain/questions.errors';
import { questionPageSql, QuestionView, QuestionViewReader } from './question-view.reader';

export class GetQuestionQuery extends Query<QuestionView> {
  constructor(readonly ctx: AuthContext, readonly id: string) {
    super();
  }
}

@QueryHandler(GetQuestionQuery)
export class GetQuestionHandler implements IQueryHandler<GetQuestionQuery, QuestionView> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly views: QuestionViewReader) {}

  async execute({ ctx, id }: GetQuestionQuery): Promise<QuestionView> {
    const view = await this.views.read(this.dataSource, ctx, id);
    if (!view) throw new QuestionIntrouvableError();
    return view;
  }
}

/** Clocks worth a look: at risk (warning reached, still running) or breached. */
export type SlaFiltre = 'a_risque' | 'depasse';

/** Adds the SLA filter on `q` (at risk: warning reached and still running; breached). */
function whereSla(where: SqlWhere, filtre: SlaFiltre | undefined, now: Date): void {
  if (!filtre) return;
  const clock = `SELECT 1 FROM sla_horloge h WHERE h.ticket_type = 'question' AND h.ticket_id = q.id`;
  where.raw(
    filtre === 'depasse'
      ? `EXISTS (${clock} AND h.etat = 'breached')`
      : `EXISTS (${clock} AND h.etat = 'running' AND (h.avertie_a IS NOT NULL OR h.avertissement_a <= ${where.param(now)}::timestamptz))`,
  );
}

export interface ListQuestionsFilter {
  sla?: SlaFiltre;
  statut?: QuestionStatut[];
  maisonId?: string;
  directionId?: string;
  dispositifId?: string;
  priorite?: string;
  /** The question's thème or its dispositif's. */
  themeId?: string;
  /** The network's questions on the thèmes the caller's Maison follows, read-only (ADR 0018). */
  specialisation?: boolean;
  limit?: number;
  cursor?: string;
}

/**
 * A question of one of these thèmes (uuid[] parameter): its own thème, or its dispositif's
 * (the question copies it at recording, but the dispositif may move since).
 */
const deThemes = (p: string) =>
  `(q.theme_id = ANY(${p}::uuid[]) OR q.dispositif_id = ANY(ARRAY(SELECT d.id FROM dispositif d WHERE d.theme_id = ANY(${p}::uuid[]))))`;

/** Every question in the caller's scope, newest first, with filters and a keyset cursor. */
export class ListQuestionsQuery extends Query<Page<QuestionView>> {
  constructor(readonly ctx: AuthContext, readonly filter: ListQuestionsFilter) {
    super();
  }
}

@QueryHandler(ListQuestionsQuery)
export class ListQuestionsHandler implements IQueryHandler<ListQuestionsQuery, Page<QuestionView>> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly views: QuestionViewReader,
    private readonly clock: Clock,
  ) {}

  async execute({ ctx, filter }: ListQuestionsQuery): Promise<Page<QuestionView>> {
    if (!['agent_mdr', 'responsable_mdr', 'referent', 'manager'].includes(ctx.role)) throw new ForbiddenError('Votre rôle ne donne pas accès aux questions.');
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const cursor = decodeCursor(filter.cursor);
    const where = new SqlWhere([ctx.directionId]);
    // A direction walks its own access index; an MdR its MdR's rows; the network everything;
    // a correspondent Maison the network's questions on the thèmes it follows.
    const byDirection = ctx.perimetre === 'direction' && !filter.specialisation;
    if (filter.specialisation) where.raw(deThemes(where.param(await this.themesSuivis(ctx, filter.themeId))));
    else if (byDirection) where.raw(`a.direction_id = $1::uuid`);
    else if (ctx.perimetre === 'maison') where.when(ctx.maisonId, (p) => `q.maison_id = ${p}`);
    if (filter.themeId && !filter.specialisation) where.raw(deThemes(where.param([filter.themeId])));
    where
      .when(filter.statut, (p) => `q.statut = ANY(${p}::varchar[])`)
      .when(filter.maisonId, (p) => `q.maison_id = ${p}`)
      .when(filter.directionId, (p) => `q.direction_id = ${p}`)
      .when(filter.dispositifId, (p) => `q.dispositif_id = ${p}`)
      .when(filter.priorite, (p) => `q.priorite = ${p}`);
    whereSla(where, filter.sla, this.clock.now());
    const [createdAt, id] = byDirection ? ['a.question_created_at', 'a.question_id'] : ['q.created_at', 'q.id'];
    if (cursor) where.raw(`(${createdAt}, ${id}) < (${where.param(cursor.k)}::timestamptz, ${where.param(cursor.id)}::uuid)`);
    const from = byDirection ? 'question_acces_direction a JOIN question q ON q.id = a.question_id' : 'question q';
    const sql = questionPageSql(where.sql, `${createdAt} DESC, ${id} DESC`, where.param(limit + 1), from, 'q.created_at DESC, q.id DESC');
    const rows = await this.dataSource.query(sql, where.params);
    const page = toPage(rows, limit, (r: any) => ({ k: new Date(r.created_at).toISOString(), id: r.id }));
    return { items: await this.views.views(this.dataSource, page.items), nextCursor: page.nextCursor };
  }

  /** The thèmes the caller's Maison follows (one of them with `themeId`); only MdR staff have any. */
  private async themesSuivis(ctx: AuthContext, themeId: string | undefined): Promise<string[]> {
    if (!isMdrRole(ctx.role) || ctx.perimetre !== 'maison' || !ctx.maisonId) {
      throw new ForbiddenError('Les questions du réseau par spécialisation sont réservées aux agents et responsables des Maisons correspondantes.');
    }
    const rows: Array<{ theme_id: string }> = await this.dataSource.query(`SELECT theme_id FROM specialisation WHERE maison_id = $1`, [ctx.maisonId]);
    const themes = rows.map((r) => r.theme_id);
    // A thème the Maison does not follow: nothing, as a question out of scope is not there.
    return themeId ? themes.filter((t) => t === themeId) : themes;
  }
}

export interface FileReferentFilter {
  sla?: SlaFiltre;
  /** A direction id, or 'coordination' for the network queue (network managers). */
  directionId?: string;
  statut?: QuestionStatut[];
  priorite?: string;
  dispositifId?: string;
  /** Only the questions the caller claimed (true) or nobody claimed yet (false). */
  miennes?: boolean;
  nonAttribuees?: boolean;
  limit?: number;
  cursor?: string;
}

/**
 * The queue of a direction (or of the network coordination): questions at the siège, not
 * closed, nearest SLA due date first.
 */
export class FileReferentQuery extends Query<Page<QuestionView>> {
  constructor(readonly ctx: AuthContext, readonly filter: FileReferentFilter) {
    super();
  }
}

@QueryHandler(FileReferentQuery)
export class FileReferentHandler implements IQueryHandler<FileReferentQuery, Page<QuestionView>> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly views: QuestionViewReader,
    private readonly clock: Clock,
  ) {}

  async execute({ ctx, filter }: FileReferentQuery): Promise<Page<QuestionView>> {
    const directionId = this.queueOf(ctx, filter.directionId);
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const cursor = decodeCursor(filter.cursor);
    const where = new SqlWhere([ctx.directionId]).raw(`q.statut IN ('escaladee', 'prise_en_charge', 'en_attente_info')`);
    if (directionId) where.when(directionId, (p) => `q.direction_id = ${p}`);
    else where.raw(`q.direction_id IS NULL`);
    where
      .when(filter.statut, (p) => `q.statut = ANY(${p}::varchar[])`)
      .when(filter.priorite, (p) => `q.priorite = ${p}`)
      .when(filter.dispositifId, (p) => `q.dispositif_id = ${p}`)
      .when(filter.miennes ? ctx.userId : undefined, (p) => `q.referent_id = ${p}`);
    if (filter.nonAttribuees) where.raw(`q.statut = 'escaladee'`);
    whereSla(where, filter.sla, this.clock.now());
    // Nearest due date first (breached ones are already due, paused ones have none and come
    // last). The sort covers one queue's open questions, which the partial index finds.
    const due = `COALESCE(s.prochaine_echeance, 'infinity'::timestamptz)`;
    if (cursor) where.raw(`(${due}, q.id) > (COALESCE(${where.param(cursor.k)}::timestamptz, 'infinity'::timestamptz), ${where.param(cursor.id)}::uuid)`);
    const from = `question q LEFT JOIN LATERAL (
        SELECT min(h.echeance) AS prochaine_echeance FROM sla_horloge h
         WHERE h.ticket_type = 'question' AND h.ticket_id = q.id AND h.etat IN ('running', 'breached')) s ON TRUE`;
    const sql = questionPageSql(where.sql, `${due}, q.id`, where.param(limit + 1), from, `COALESCE(q.prochaine_echeance, 'infinity'::timestamptz), q.id`, {
      inner: ', s.prochaine_echeance',
      outer: ', q.prochaine_echeance',
    });
    const rows = await this.dataSource.query(sql, where.params);
    const page = toPage(rows, limit, (r: any) => ({ k: r.prochaine_echeance ? new Date(r.prochaine_echeance).toISOString() : null, id: r.id }));
    return { items: await this.views.views(this.dataSource, page.items), nextCursor: page.nextCursor };
  }

  /** Which queue the caller may read: their own direction's, or any for network managers. */
  private queueOf(ctx: AuthContext, asked: string | undefined): string | null {
    if (ctx.role === 'manager' && ctx.perimetre === 'reseau') return !asked || asked === 'coordination' ? null : asked;
    if ((ctx.role === 'referent' || ctx.role === 'manager') && ctx.perimetre === 'direction') {
      if (asked && asked !== ctx.directionId) throw new ForbiddenError('Vous ne voyez que la file de votre direction.');
      return ctx.directionId;
    }
    throw new ForbiddenError('La file des référents est réservée aux directions et à la coordination du réseau.');
  }
}

/** The question's timeline as the caller may read it (internal notes of other units hidden). */
export class GetQuestionFilQuery extends Query<TimelineEventView[]> {
  constructor(readonly ctx: AuthContext, readonly id: string, readonly afterSeq?: number) {
    super();
  }
}

@QueryHandler(GetQuestionFilQuery)
export class GetQuestionFilHandler implements IQueryHandler<GetQuestionFilQuery, TimelineEventView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly views: QuestionViewReader) {}

  async execute({ ctx, id, afterSeq }: GetQuestionFilQuery): Promise<TimelineEventView[]> {
    if (!(await this.views.canRead(this.dataSource, ctx, id))) throw new QuestionIntrouvableError();
    return readTimeline(this.dataSource, 'question', id, unitesOf(ctx), { afterSeq });
  }
}

export class VerifyQuestionFilQuery extends Query<TimelineVerification> {
  constructor(readonly ctx: AuthContext, readonly id: string) {
    super();
  }
}

@QueryHandler(VerifyQuestionFilQuery)
export class VerifyQuestionFilHandler implements IQueryHandler<VerifyQuestionFilQuery> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly views: QuestionViewReader) {}

  async execute({ ctx, id }: VerifyQuestionFilQuery) {
    if (!(await this.views.canRead(this.dataSource, ctx, id))) throw new QuestionIntrouvableError();
    return verifyTimeline(this.dataSource, 'question', id);
  }
}

export const QUESTION_QUERY_HANDLERS = [GetQuestionHandler, ListQuestionsHandler, FileReferentHandler, GetQuestionFilHandler, VerifyQuestionFilHandler];

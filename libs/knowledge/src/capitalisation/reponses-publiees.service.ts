import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuthContext,
  Clock,
  decodeCursor,
  DEFAULT_LIMIT,
  DomainError,
  FieldError,
  ForbiddenError,
  isMdrRole,
  NotFoundError,
  Page,
  StaleVersionError,
  toPage,
  withIdempotency,
} from '@app/core';
import { canPublierReponse, canReadQuestion, LIBELLE_STATUT, QuestionScope, QuestionStatut } from '@app/questions';
import { recordTicketEvents, TimelineEntry, unitesOf } from '@app/timeline';
import { referencesInconnues } from '@app/directory';
import { donneesPersonnellesCitees, messageDonneesPersonnelles, UsagerConnu } from './donnees-personnelles';

export type DiffusionReponse = 'interne' | 'externe';

export interface ReponsePublieeView {
  id: string;
  question: string;
  reponse: string;
  diffusion: DiffusionReponse;
  dispositif: { id: string; nom: string } | null;
  theme: { id: string; libelle: string } | null;
  /** The question it came from; null once that question is purged. */
  questionSourceId: string | null;
  auteur: { id: string; displayName: string; unite: string | null };
  publieeLe: string;
  modifieeLe: string | null;
  retireeLe: string | null;
  version: number;
  /** Questions answered at the desk with it. */
  reutilisations: number;
  /** May the caller change or withdraw it (its author, or the author's direction or Maison)? */
  peutModifier: boolean;
}

export interface PublierInput {
  question: string;
  reponse?: string;
  dispositifId?: string | null;
  themeId?: string | null;
  diffusion: DiffusionReponse;
}

export type ModifierInput = Partial<PublierInput>;

/** What the timeline of the source question records of a publication (the publisher's unit only). */
export const REPONSE_PUBLIEE_EVENT = 'question.reponse_publiee';

const INTROUVABLE = 'Réponse publiée introuvable.';

class PublicationImpossibleError extends DomainError {
  constructor(statut: QuestionStatut, message: string) {
    super('PUBLICATION_IMPOSSIBLE', 'conflict', message, { statutActuel: statut, libelleStatut: LIBELLE_STATUT[statut] });
  }
}

class ReponseRetireeError extends DomainError {
  constructor() {
    super('REPONSE_RETIREE', 'conflict', 'Cette réponse publiée a été retirée : elle ne peut plus être modifiée ni retirée.', { statutActuel: 'retiree' });
  }
}

/**
 * Published answers (FAQ entries, "L'info pour tous"): a question's answer, reworded without the
 * usager's personal data, published by the référent of the direction that answered it or by its
 * Maison once closed (ADR 0016). Every staff role reads them; `externe` ones may be handed to an
 * usager as they are.
 */
@Injectable()
export class ReponsesPublieesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Publishes the answer of a question. The row and an internal event on the source question's
   * timeline are written in one transaction (under the question row's lock, which the timeline
   * chain needs); an Idempotency-Key replays the first answer.
   */
  async publier(ctx: AuthContext, questionId: string, input: PublierInput, idempotencyKey?: string): Promise<{ body: ReponsePublieeView; replayed: boolean }> {
    const result = await this.dataSource.transaction((manager) =>
      withIdempotency(manager, { userId: ctx.userId, key: idempotencyKey, scope: `POST /questions/${questionId}/publier`, body: input }, async () => {
        const [q] = await manager.query(
          `SELECT q.id, q.maison_id, q.direction_id, q.referent_id, q.statut, q.reponse, q.dispositif_id, q.theme_id,
                  ($2::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM question_acces_direction a WHERE a.direction_id = $2::uuid AND a.question_created_at = q.created_at AND a.question_id = q.id)) AS held,
                  u.nom AS usager_nom, u.email AS usager_email, u.telephone AS usager_telephone
             FROM question q LEFT JOIN question_usager u ON u.question_id = q.id
            WHERE q.id = $1
            FOR UPDATE OF q`,
          [questionId, ctx.directionId],
        );
        if (!q) throw new NotFoundError('Question introuvable.');
        // A correspondent Maison reads the question but never publishes it (ADR 0018): no need to look its spécialisation up.
        const scope = { maisonId: q.maison_id, directionId: q.direction_id, referentId: q.referent_id, heldByCallerDirection: Boolean(q.held), correspondantDuTheme: false };
        if (!canReadQuestion(ctx, scope)) throw new NotFoundError('Question introuvable.');
        this.verifierDroitDePublier(ctx, scope, q);

        const fields = {
          question: input.question,
          reponse: input.reponse ?? q.reponse,
          dispositifId: input.dispositifId === undefined ? q.dispositif_id : input.dispositifId,
          themeId: input.themeId === undefined ? q.theme_id : input.themeId,
          diffusion: input.diffusion,
        };
        await this.verifierContenu(manager, fields, { nom: q.usager_nom, email: q.usager_email, telephone: q.usager_telephone });

        const id = randomUUID();
        const now = this.clock.now();
        await manager.query(
          `INSERT INTO reponse_publiee (id, dispositif_id, theme_id, question_source_id, question, reponse, diffusion, auteur_id, publiee_le, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)`,
          [id, fields.dispositifId, fields.themeId, questionId, fields.question, fields.reponse, fields.diffusion, ctx.userId, now],
        );
        const event: TimelineEntry = {
          eventId: randomUUID(),
          type: REPONSE_PUBLIEE_EVENT,
          at: now,
          acteur: { id: ctx.userId, displayName: ctx.displayName, role: ctx.role },
          visibilite: 'interne',
          unite: unitesOf(ctx)[0] ?? null,
          data: { reponsePublieeId: id, diffusion: fields.diffusion, dispositifId: fields.dispositifId },
        };
        await recordTicketEvents(manager, 'question', questionId, [event], (e) => ({
          ...e.data,
          questionId,
          maisonId: q.maison_id,
          directionId: q.direction_id,
          acteurId: ctx.userId,
          visibilite: e.visibilite,
          at: e.at.toISOString(),
        }));
        return { status: 201, body: (await this.lire(manager, ctx, id))! };
      }),
    );
    return { body: result.body, replayed: result.replayed };
  }

  /** canPublierReponse of the questions' access rules: the right side in the wrong state is a 409 naming the state, anyone else who reads the question a 403. */
  private verifierDroitDePublier(ctx: AuthContext, scope: QuestionScope, q: { statut: QuestionStatut; reponse: string | null }): void {
    const droit = canPublierReponse(ctx, scope, q.statut, q.reponse !== null && q.reponse !== '');
    if (droit === 'oui') return;
    if (droit === 'non') throw new ForbiddenError('Seuls le référent de la direction qui a répondu et la Maison de la question (une fois close) publient sa réponse.');
    throw new PublicationImpossibleError(
      q.statut,
      isMdrRole(ctx.role)
        ? `La Maison publie la réponse d’une question close avec une réponse : la question est « ${LIBELLE_STATUT[q.statut]} ».`
        : `La direction publie sa réponse une fois la question répondue : la question est « ${LIBELLE_STATUT[q.statut]} ».`,
    );
  }

  /** 422 naming the field: the usager's personal data, an unknown dispositif or thème. */
  private async verifierContenu(
    manager: EntityManager,
    fields: { question?: string; reponse?: string | null; dispositifId?: string | null; themeId?: string | null },
    usager: UsagerConnu | null,
  ): Promise<void> {
    const errors: FieldError[] = [];
    if (fields.reponse === null || fields.reponse === '') errors.push({ field: 'reponse', message: 'La réponse est obligatoire.' });
    for (const field of ['question', 'reponse'] as const) {
      const texte = fields[field];
      if (!usager || !texte) continue;
      const found = donneesPersonnellesCitees(texte, usager);
      if (found.length) errors.push({ field, message: messageDonneesPersonnelles(found) });
    }
    errors.push(...(await referencesInconnues(manager, fields)));
    if (errors.length) throw new DomainError('PUBLICATION_REFUSEE', 'unprocessable', errors[0].message, { errors });
  }

  /** One published answer, withdrawn ones included (with retireeLe); every staff role reads it. */
  async lire(db: EntityManager | DataSource, ctx: AuthContext, id: string): Promise<ReponsePublieeView | null> {
    const rows = await db.query(`${SELECT} WHERE r.id = $1`, [id]);
    return rows.length ? view(ctx, rows[0]) : null;
  }

  async get(ctx: AuthContext, id: string): Promise<ReponsePublieeView> {
    const found = await this.lire(this.dataSource, ctx, id);
    if (!found) throw new NotFoundError(INTROUVABLE);
    return found;
  }

  /** The live published answers, newest first, of a dispositif or thème if asked (keyset pages). */
  async lister(ctx: AuthContext, filter: { dispositifId?: string; themeId?: string; limit?: number; cursor?: string }): Promise<Page<ReponsePublieeView>> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const cursor = decodeCursor(filter.cursor);
    const params: unknown[] = [];
    const where = ['r.retiree_le IS NULL'];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (filter.dispositifId) where.push(`r.dispositif_id = ${p(filter.dispositifId)}`);
    if (filter.themeId) where.push(`r.theme_id = ${p(filter.themeId)}`);
    if (cursor) where.push(`(r.publiee_le, r.id) < (${p(cursor.k)}::timestamptz, ${p(cursor.id)}::uuid)`);
    const rows = await this.dataSource.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY r.publiee_le DESC, r.id DESC LIMIT ${p(limit + 1)}`, params);
    const page = toPage(rows, limit, (r: any) => ({ k: new Date(r.publiee_le).toISOString(), id: r.id }));
    return { items: page.items.map((r) => view(ctx, r)), nextCursor: page.nextCursor };
  }

  /** Changes the fields sent (If-Match required); personal data of the source question's usager refused as at publication. */
  async modifier(ctx: AuthContext, id: string, input: ModifierInput, expectedVersion: number): Promise<ReponsePublieeView> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.chargerPourModifier(manager, ctx, id, expectedVersion);
      const [usager] = row.question_source_id
        ? await manager.query(`SELECT nom, email, telephone FROM question_usager WHERE question_id = $1`, [row.question_source_id])
        : [];
      await this.verifierContenu(manager, input, usager ?? null);
      const sets: string[] = [];
      const params: unknown[] = [id];
      const set = (column: string, value: unknown) => sets.push(`${column} = $${params.push(value)}`);
      if (input.question !== undefined) set('question', input.question);
      if (input.reponse !== undefined) set('reponse', input.reponse);
      if (input.dispositifId !== undefined) set('dispositif_id', input.dispositifId);
      if (input.themeId !== undefined) set('theme_id', input.themeId);
      if (input.diffusion !== undefined) set('diffusion', input.diffusion);
      set('modifiee_le', this.clock.now());
      await manager.query(`UPDATE reponse_publiee SET ${sets.join(', ')}, version = version + 1 WHERE id = $1`, params);
      return (await this.lire(manager, ctx, id))!;
    });
  }

  /** Withdraws it: no longer listed nor suggested, nor reusable; its reuse history stays. */
  async retirer(ctx: AuthContext, id: string, expectedVersion: number | undefined): Promise<ReponsePublieeView> {
    return this.dataSource.transaction(async (manager) => {
      await this.chargerPourModifier(manager, ctx, id, expectedVersion);
      const now = this.clock.now();
      await manager.query(`UPDATE reponse_publiee SET retiree_le = $2, modifiee_le = $2, version = version + 1 WHERE id = $1`, [id, now]);
      return (await this.lire(manager, ctx, id))!;
    });
  }

  private async chargerPourModifier(manager: EntityManager, ctx: AuthContext, id: string, expectedVersion: number | undefined) {
    const [row] = await manager.query(
      `SELECT r.id, r.version, r.retiree_le, r.question_source_id, r.auteur_id, a.direction_id AS auteur_direction_id, a.maison_id AS auteur_maison_id
         FROM reponse_publiee r JOIN users a ON a.id = r.auteur_id WHERE r.id = $1 FOR UPDATE OF r`,
      [id],
    );
    if (!row) throw new NotFoundError(INTROUVABLE);
    if (!peutModifier(ctx, row)) throw new ForbiddenError('Seuls l’auteur de la réponse publiée et son unité (direction ou Maison) la modifient ou la retirent.');
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw new StaleVersionError(expectedVersion, row.version);
    if (row.retiree_le) throw new ReponseRetireeError();
    return row;
  }
}

const SELECT = `
  SELECT r.*, dp.nom AS dispositif_nom, t.libelle AS theme_libelle,
         a.display_name AS auteur_nom, a.direction_id AS auteur_direction_id, a.maison_id AS auteur_maison_id,
         COALESCE(ad.nom, am.nom) AS auteur_unite,
         (SELECT count(*)::int FROM reponse_reutilisee x WHERE x.reponse_publiee_id = r.id) AS reutilisations
    FROM reponse_publiee r
    JOIN users a ON a.id = r.auteur_id
    LEFT JOIN direction ad ON ad.id = a.direction_id
    LEFT JOIN maison am ON am.id = a.maison_id
    LEFT JOIN dispositif dp ON dp.id = r.dispositif_id
    LEFT JOIN theme t ON t.id = r.theme_id`;

function peutModifier(ctx: AuthContext, row: { auteur_id: string; auteur_direction_id: string | null; auteur_maison_id: string | null }): boolean {
  if (row.auteur_id === ctx.userId) return true;
  if ((ctx.role === 'referent' || ctx.role === 'manager') && ctx.perimetre === 'direction') return row.auteur_direction_id !== null && ctx.directionId === row.auteur_direction_id;
  return isMdrRole(ctx.role) && row.auteur_maison_id !== null && ctx.maisonId === row.auteur_maison_id;
}

function view(ctx: AuthContext, r: any): ReponsePublieeView {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: r.id,
    question: r.question,
    reponse: r.reponse,
    diffusion: r.diffusion,
    dispositif: r.dispositif_id ? { id: r.dispositif_id, nom: r.dispositif_nom } : null,
    theme: r.theme_id ? { id: r.theme_id, libelle: r.theme_libelle } : null,
    questionSourceId: r.question_source_id,
    auteur: { id: r.auteur_id, displayName: r.auteur_nom, unite: r.auteur_unite ?? null },
    publieeLe: iso(r.publiee_le)!,
    modifieeLe: iso(r.modifiee_le),
    retireeLe: iso(r.retiree_le),
    version: r.version,
    reutilisations: Number(r.reutilisations ?? 0),
    peutModifier: !r.retiree_le && peutModifier(ctx, r),
  };
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthContext, Clock, DomainError, ForbiddenError, NotFoundError, Page, pageOfList } from '@app/core';
import { resoudreParPublication } from './invitations';

/** An open invitation as the référents see it: the dispositif, the similar questions, the latest one. */
export interface InvitationView {
  id: string;
  dispositif: { id: string; nom: string };
  directionId: string;
  /** The latest escalation of the group: its page is where to publish from. */
  question: { id: string; reference: string };
  questions: Array<{ id: string; reference: string; objet: string }>;
  nombre: number;
  creeeLe: string;
  resolution: 'publiee' | 'ignoree' | null;
  resolueLe: string | null;
  version: number;
}

/**
 * The référents' side of the « invitation à capitaliser » (ADR 0017): the open prompts of their
 * direction, and dismissing one. Who: the référents and managers of the direction (network
 * managers and admins: every direction). Anyone else: 403 for the list; 404 for one prompt
 * (out of scope is not found).
 */
@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  private reseau(ctx: AuthContext): boolean {
    return ctx.role === 'admin' || (ctx.perimetre === 'reseau' && ctx.role === 'manager');
  }

  private deLaDirection(ctx: AuthContext, directionId: string): boolean {
    return this.reseau(ctx) || ((ctx.role === 'referent' || ctx.role === 'manager') && ctx.perimetre === 'direction' && ctx.directionId === directionId);
  }

  async lister(ctx: AuthContext, query: { directionId?: string; limit?: number; cursor?: string }): Promise<Page<InvitationView>> {
    const directionId = query.directionId ?? (this.reseau(ctx) ? undefined : ctx.directionId ?? undefined);
    if (directionId ? !this.deLaDirection(ctx, directionId) : !this.reseau(ctx)) {
      throw new ForbiddenError('Les invitations à publier sont réservées aux référents et managers de la direction.');
    }
    return this.dataSource.transaction(async (manager) => {
      // Publishing happened elsewhere: first close what a published answer now covers.
      const dispositifs: Array<{ dispositif_id: string }> = await manager.query(
        `SELECT DISTINCT dispositif_id FROM capitalisation_invitation WHERE resolue_le IS NULL AND ($1::uuid IS NULL OR direction_id = $1)`,
        [directionId ?? null],
      );
      for (const d of dispositifs) await resoudreParPublication(manager, d.dispositif_id);
      const ids: Array<{ id: string }> = await manager.query(
        `SELECT id FROM capitalisation_invitation WHERE resolue_le IS NULL AND ($1::uuid IS NULL OR direction_id = $1) ORDER BY creee_le DESC, id DESC`,
        [directionId ?? null],
      );
      const page = pageOfList(ids, (r) => r.id, query);
      return { items: await this.vues(manager, page.items.map((r) => r.id)), nextCursor: page.nextCursor };
    });
  }

  async ignorer(ctx: AuthContext, id: string): Promise<InvitationView> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(`SELECT direction_id, resolution FROM capitalisation_invitation WHERE id = $1 FOR UPDATE`, [id]);
      if (!row || !this.deLaDirection(ctx, row.direction_id)) throw new NotFoundError('Invitation introuvable.');
      if (row.resolution) {
        throw new DomainError(
          'INVITATION_RESOLUE',
          'conflict',
          row.resolution === 'publiee' ? 'Une réponse a déjà été publiée pour ces questions.' : 'Cette invitation a déjà été ignorée.',
        );
      }
      await manager.query(
        `UPDATE capitalisation_invitation SET resolution = 'ignoree', resolue_le = $2, resolue_par = $3, version = version + 1 WHERE id = $1`,
        [id, this.clock.now(), ctx.userId],
      );
      return (await this.vues(manager, [id]))[0];
    });
  }

  private async vues(manager: EntityManager, ids: string[]): Promise<InvitationView[]> {
    if (ids.length === 0) return [];
    const rows: any[] = await manager.query(
      `SELECT ci.id, ci.dispositif_id, d.nom AS dispositif_nom, ci.direction_id, ci.question_id, lq.reference AS question_reference,
              ci.creee_le, ci.resolution, ci.resolue_le, ci.version,
              (SELECT json_agg(json_build_object('id', q.id, 'reference', q.reference, 'objet', q.objet) ORDER BY q.escaladee_at, q.id)
                 FROM capitalisation_invitation_question ciq JOIN question q ON q.id = ciq.question_id
                WHERE ciq.invitation_id = ci.id) AS questions
         FROM capitalisation_invitation ci
         JOIN dispositif d ON d.id = ci.dispositif_id
         JOIN question lq ON lq.id = ci.question_id
        WHERE ci.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter(Boolean).map((r) => ({
      id: r.id,
      dispositif: { id: r.dispositif_id, nom: r.dispositif_nom },
      directionId: r.direction_id,
      question: { id: r.question_id, reference: r.question_reference },
      questions: r.questions ?? [],
      nombre: (r.questions ?? []).length,
      creeeLe: new Date(r.creee_le).toISOString(),
      resolution: r.resolution,
      resolueLe: r.resolue_le ? new Date(r.resolue_le).toISOString() : null,
      version: r.version,
    }));
  }
}

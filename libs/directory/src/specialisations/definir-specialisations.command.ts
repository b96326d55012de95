import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, DomainError, ForbiddenError, NotFoundError } from '@app/core';
import { MAISON_SELECT } from '../queries/directory.sql';
import type { MaisonView } from '../queries/directory.views';

/** Who names the correspondent Maisons: the network's steering (its manager) and administrators. */
export function peutDefinirSpecialisations(ctx: AuthContext): boolean {
  return ctx.role === 'admin' || (ctx.role === 'manager' && ctx.perimetre === 'reseau');
}

/**
 * Replaces the thèmes a Maison follows for the whole network (its spécialisations, ADR 0018).
 * The whole set each time: sending the same set twice changes nothing.
 */
export class DefinirSpecialisationsCommand extends Command<MaisonView> {
  constructor(
    readonly ctx: AuthContext,
    readonly maisonId: string,
    readonly themeIds: string[],
  ) {
    super();
  }
}

@CommandHandler(DefinirSpecialisationsCommand)
export class DefinirSpecialisationsHandler implements ICommandHandler<DefinirSpecialisationsCommand, MaisonView> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ ctx, maisonId, themeIds }: DefinirSpecialisationsCommand): Promise<MaisonView> {
    if (!peutDefinirSpecialisations(ctx)) throw new ForbiddenError('Les spécialisations des Maisons sont définies par le manager du réseau et les administrateurs.');
    return this.dataSource.transaction(async (manager) => {
      // The Maison's row locked: two concurrent PUTs apply one after the other, never mixed.
      const [maison] = await manager.query(`SELECT id FROM maison WHERE id = $1 FOR UPDATE`, [maisonId]);
      if (!maison) throw new NotFoundError('Maison de la Région introuvable.');
      const known: Array<{ id: string }> = await manager.query(`SELECT id FROM theme WHERE id = ANY($1::uuid[])`, [themeIds]);
      const inconnus = themeIds.filter((id) => !known.some((t) => t.id === id));
      if (inconnus.length) {
        throw new DomainError('SPECIALISATION_THEME_INCONNU', 'unprocessable', 'Un des thèmes n’existe pas dans l’annuaire.', {
          errors: [{ field: 'themeIds', message: `Thème inconnu de l’annuaire : ${inconnus.join(', ')}.` }],
        });
      }
      await manager.query(`DELETE FROM specialisation WHERE maison_id = $1 AND NOT (theme_id = ANY($2::uuid[]))`, [maisonId, themeIds]);
      await manager.query(
        `INSERT INTO specialisation (maison_id, theme_id) SELECT $1, t FROM unnest($2::uuid[]) AS t
         ON CONFLICT ON CONSTRAINT uq_specialisation_maison_theme DO NOTHING`,
        [maisonId, themeIds],
      );
      const [view] = await manager.query(`${MAISON_SELECT} WHERE m.id = $1`, [maisonId]);
      return view;
    });
  }
}

import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, Clock, decodeCursor, DEFAULT_LIMIT, ForbiddenError, Page, toPage } from '@app/core';
import { readTimeline, TimelineEventView, TimelineVerification, unitesOf, verifyTimeline } from '@app/timeline';
import { PolitiqueCommandes } from '../commandes.policy';
import type { VerificationBrief } from '../domain/brief';
import { uniteEmettriceOf } from '../domain/commande.access';
import { AffectationStatut, CommandeStatut } from '../domain/commande.transitions';
import { AffectationIntrouvableError, CommandeIntrouvableError } from '../domain/commandes.errors';
import { CommandeRepository } from '../persistence/commande.repository';
import { ReferencesReader } from '../persistence/references.reader';
import { AffectationAvecCommande, commandeSelect, CommandeView, CommandeViewReader } from './commande-view.reader';

export class GetCommandeQuery extends Query<CommandeView> {
  constructor(readonly ctx: AuthContext, readonly id: string) {
    super();
  }
}

@QueryHandler(GetCommandeQuery)
export class GetCommandeHandler implements IQueryHandler<GetCommandeQuery, CommandeView> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly views: CommandeViewReader) {}

  async execute({ ctx, id }: GetCommandeQuery): Promise<CommandeView> {
    const view = await this.views.read(this.dataSource, ctx, id);
    if (!view) throw new CommandeIntrouvableError();
    return view;
  }
}

export class GetAffectationQuery extends Query<AffectationAvecCommande> {
  constructor(readonly ctx: AuthContext, readonly id: string) {
    super();
  }
}

@QueryHandler(GetAffectationQuery)
export class GetAffectationHandler implements IQueryHandler<GetAffectationQuery, AffectationAvecCommande> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly views: CommandeViewReader) {}

  async execute({ ctx, id }: GetAffectationQuery): Promise<AffectationAvecCommande> {
    const view = await this.views.readAffectation(this.dataSource, ctx, id);
    if (!view) throw new AffectationIntrouvableError();
    return view;
  }
}

/** Is the brief complete enough to issue, as of now? The same list `emettre` refuses with. */
export class VerifierBriefQuery extends Query<VerificationBrief> {
  constructor(readonly ctx: AuthContext, readonly id: string) {
    super();
  }
}

@QueryHandler(VerifierBriefQuery)
export class VerifierBriefHandler implements IQueryHandler<VerifierBriefQuery, VerificationBrief> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly views: CommandeViewReader,
    private readonly repository: CommandeRepository,
    private readonly references: ReferencesReader,
    private readonly politique: PolitiqueCommandes,
    private readonly clock: Clock,
  ) {}

  async execute({ ctx, id }: VerifierBriefQuery): Promise<VerificationBrief> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      if (!(await this.views.read(manager, ctx, id))) throw new CommandeIntrouvableError();
      const commande = (await this.repository.load(manager, id, false))!;
      const inconnues = await this.references.maisonsInconnues(manager, commande.snapshot.brief.maisonIds);
      return commande.verifier(this.clock.now(), this.politique, inconnues);
    });
  }
}

export interface ListCommandesFilter {
  /** An MdR's received commandes (the default, and the only list, for MdR users). */
  recues?: boolean;
  statut?: CommandeStatut[];
  /** For an MdR, the state of its own affectation; otherwise, commandes with at least one affectation in one of these states. */
  statutAffectation?: AffectationStatut[];
  limit?: number;
  cursor?: string;
}

/**
 * The commandes of the caller's scope, newest first, with a keyset cursor: for an MdR, those it
 * received (by issue date); for an issuing unit, its own, drafts included; for network
 * managers, every issued one. Each walks its own index under LIMIT (see the plan test).
 */
export class ListCommandesQuery extends Query<Page<CommandeView>> {
  constructor(readonly ctx: AuthContext, readonly filter: ListCommandesFilter) {
    super();
  }
}

@QueryHandler(ListCommandesQuery)
export class ListCommandesHandler implements IQueryHandler<ListCommandesQuery, Page<CommandeView>> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly views: CommandeViewReader) {}

  async execute({ ctx, filter }: ListCommandesQuery): Promise<Page<CommandeView>> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const cursor = decodeCursor(filter.cursor);
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    let from = 'commande c';
    let key = 'c.created_at';
    let select = 'c.*';
    const unite = uniteEmettriceOf(ctx);
    if (ctx.perimetre === 'maison' && ctx.maisonId && (ctx.role === 'agent_mdr' || ctx.role === 'responsable_mdr' || ctx.role === 'manager')) {
      from = 'affectation a JOIN commande c ON c.id = a.commande_id';
      key = 'a.created_at';
      select = 'c.*, a.created_at AS tri_at';
      where.push(`a.maison_id = ${p(ctx.maisonId)}`);
    } else if (filter.recues) {
      throw new ForbiddenError('Les commandes reçues sont celles d’une Maison de la Région : votre compte n’est rattaché à aucune.');
    } else if (unite?.type === 'cabinet') {
      where.push(`c.emetteur_unite_type = 'cabinet'`, `c.emetteur_unite_id IS NULL`);
    } else if (unite?.type === 'direction') {
      where.push(`c.emetteur_unite_type = 'direction'`, `c.emetteur_unite_id = ${p(unite.id)}`);
    } else if (ctx.role === 'manager' && ctx.perimetre === 'reseau') {
      where.push(`c.statut <> 'brouillon'`);
    } else {
      throw new ForbiddenError('Votre rôle ne donne pas accès à la liste des commandes.');
    }
    if (filter.statut?.length) where.push(filter.statut.length === 1 ? `c.statut = ${p(filter.statut[0])}` : `c.statut = ANY(${p(filter.statut)}::varchar[])`);
    if (filter.statutAffectation?.length) {
      const statuts = `${p(filter.statutAffectation)}::varchar[]`;
      where.push(from.startsWith('affectation') ? `a.statut = ANY(${statuts})` : `EXISTS (SELECT 1 FROM affectation x WHERE x.commande_id = c.id AND x.statut = ANY(${statuts}))`);
    }
    const id = key === 'a.created_at' ? 'a.commande_id' : 'c.id';
    if (cursor) where.push(`(${key}, ${id}) < (${p(cursor.k)}::timestamptz, ${p(cursor.id)}::uuid)`);
    const sql = `WITH page AS (SELECT ${select} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${key} DESC, ${id} DESC LIMIT ${p(limit + 1)})
      ${commandeSelect('page')} ORDER BY ${key === 'a.created_at' ? 'c.tri_at' : 'c.created_at'} DESC, c.id DESC`;
    const rows = await this.dataSource.query(sql, params);
    const page = toPage(rows, limit, (r: any) => ({ k: new Date(r.tri_at ?? r.created_at).toISOString(), id: r.id }));
    return { items: await this.views.views(this.dataSource, ctx, page.items), nextCursor: page.nextCursor };
  }
}

/** The commande's timeline as the caller may read it (internal notes of other units hidden). */
export class GetCommandeFilQuery extends Query<TimelineEventView[]> {
  constructor(readonly ctx: AuthContext, readonly id: string, readonly afterSeq?: number) {
    super();
  }
}

@QueryHandler(GetCommandeFilQuery)
export class GetCommandeFilHandler implements IQueryHandler<GetCommandeFilQuery, TimelineEventView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly views: CommandeViewReader) {}

  async execute({ ctx, id, afterSeq }: GetCommandeFilQuery): Promise<TimelineEventView[]> {
    if (!(await this.views.read(this.dataSource, ctx, id))) throw new CommandeIntrouvableError();
    return readTimeline(this.dataSource, 'commande', id, unitesOf(ctx), { afterSeq });
  }
}

export class VerifyCommandeFilQuery extends Query<TimelineVerification> {
  constructor(readonly ctx: AuthContext, readonly id: string) {
    super();
  }
}

@QueryHandler(VerifyCommandeFilQuery)
export class VerifyCommandeFilHandler implements IQueryHandler<VerifyCommandeFilQuery> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly views: CommandeViewReader) {}

  async execute({ ctx, id }: VerifyCommandeFilQuery) {
    if (!(await this.views.read(this.dataSource, ctx, id))) throw new CommandeIntrouvableError();
    return verifyTimeline(this.dataSource, 'commande', id);
  }
}

export const COMMANDE_QUERY_HANDLERS = [
  GetCommandeHandler,
  GetAffectationHandler,
  VerifierBriefHandler,
  ListCommandesHandler,
  GetCommandeFilHandler,
  VerifyCommandeFilHandler,
];

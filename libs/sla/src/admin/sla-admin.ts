import { createHash, randomUUID } from 'node:crypto';
import { Command, CommandHandler, ICommandHandler, IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { appendToOutbox, Clock, DomainError, NotFoundError, StaleVersionError } from '@app/core';
import { BusinessCalendar } from '../calendar/business-calendar';
import type { BusinessCalendarSpec } from '../calendar/business-calendar.types';
import { validateCalendarSpec } from '../calendar/validate-calendar-spec';
import { CALENDRIER_RESEAU } from '../engine/calendars';
import { SlaCalendrierRow, SlaPolitiqueRow } from '../persistence/sla.entities';

export interface PolitiqueView {
  id: string;
  libelle: string;
  flux: string;
  horloge: string;
  priorite: string | null;
  directionId: string | null;
  themeId: string | null;
  cibleMinutesOuvrees: number;
  seuilAvertissementPct: number;
  actif: boolean;
  version: number;
  modifieeLe: string;
}

const toPolitiqueView = (p: SlaPolitiqueRow): PolitiqueView => ({
  id: p.id,
  libelle: p.libelle,
  flux: p.flux,
  horloge: p.horloge,
  priorite: p.priorite,
  directionId: p.directionId,
  themeId: p.themeId,
  cibleMinutesOuvrees: Number(p.cibleMinutes),
  seuilAvertissementPct: p.seuilPct,
  actif: p.actif,
  version: p.version,
  modifieeLe: p.updatedAt.toISOString(),
});

export class ListPolitiquesQuery extends Query<PolitiqueView[]> {}

@QueryHandler(ListPolitiquesQuery)
export class ListPolitiquesHandler implements IQueryHandler<ListPolitiquesQuery, PolitiqueView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(): Promise<PolitiqueView[]> {
    const rows = await this.dataSource.getRepository(SlaPolitiqueRow).find({ order: { flux: 'ASC', horloge: 'ASC', priorite: 'ASC', libelle: 'ASC', id: 'ASC' } });
    return rows.map(toPolitiqueView);
  }
}

export interface PolitiqueChange {
  libelle?: string;
  cibleMinutesOuvrees?: number;
  seuilAvertissementPct?: number;
  actif?: boolean;
}

/**
 * Changes a policy: a new version. Running clocks keep the target they started with; clocks
 * started from now on use the new one. Deactivating it stops its open clocks (through the
 * outbox): a switched-off SLA must not warn or breach anyone any more.
 */
export class UpdatePolitiqueCommand extends Command<PolitiqueView> {
  constructor(readonly id: string, readonly change: PolitiqueChange, readonly expectedVersion?: number) {
    super();
  }
}

@CommandHandler(UpdatePolitiqueCommand)
export class UpdatePolitiqueHandler implements ICommandHandler<UpdatePolitiqueCommand, PolitiqueView> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  execute({ id, change, expectedVersion }: UpdatePolitiqueCommand): Promise<PolitiqueView> {
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(SlaPolitiqueRow);
      const row = await repo.createQueryBuilder('p').setLock('pessimistic_write').where('p.id = :id', { id }).getOne();
      if (!row) throw new NotFoundError('Politique SLA introuvable.');
      if (expectedVersion !== undefined && expectedVersion !== row.version) throw new StaleVersionError(expectedVersion, row.version);
      await repo.update(
        { id },
        {
          libelle: change.libelle ?? row.libelle,
          cibleMinutes: change.cibleMinutesOuvrees ?? row.cibleMinutes,
          seuilPct: change.seuilAvertissementPct ?? row.seuilPct,
          actif: change.actif ?? row.actif,
          version: row.version + 1,
        },
      );
      if (row.actif && change.actif === false) {
        const at = this.clock.now();
        await appendToOutbox(manager, [
          {
            id: randomUUID(),
            type: 'sla.politique_desactivee',
            aggregateType: 'politique',
            aggregateId: id,
            occurredAt: at,
            payload: { politiqueId: id, at: at.toISOString() },
          },
        ]);
      }
      return toPolitiqueView((await repo.findOneBy({ id }))!);
    });
  }
}

export interface CalendrierView {
  id: string;
  /** An MdR without calendar of its own works on the network's: `herite` says so (version 0). */
  herite: boolean;
  version: number;
  spec: BusinessCalendarSpec;
  /** Public holidays and closures of this year and the next, for display. */
  joursFermes: Array<{ date: string; libelle: string }>;
}

export class GetCalendrierQuery extends Query<CalendrierView> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(GetCalendrierQuery)
export class GetCalendrierHandler implements IQueryHandler<GetCalendrierQuery, CalendrierView> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async execute({ id }: GetCalendrierQuery): Promise<CalendrierView> {
    const repo = this.dataSource.getRepository(SlaCalendrierRow);
    const own = await repo.findOneBy({ id });
    const maisonId = maisonDuCalendrier(id);
    if (!own && !(maisonId && (await maisonExiste(this.dataSource.manager, maisonId)))) throw new NotFoundError('Calendrier introuvable.');
    const row = own ?? (await repo.findOneByOrFail({ id: CALENDRIER_RESEAU }));
    const year = Number(new Intl.DateTimeFormat('fr-FR', { timeZone: row.spec.timeZone, year: 'numeric' }).format(this.clock.now()));
    const calendar = new BusinessCalendar(row.spec);
    return {
      id,
      herite: !own,
      version: own ? own.version : 0,
      spec: own ? row.spec : { ...row.spec, id },
      joursFermes: [...calendar.closedDays(year), ...calendar.closedDays(year + 1)],
    };
  }
}

/** One calendar in the list: the network's, the siège's, and one per MdR (its own or inherited). */
export interface CalendrierResume {
  id: string;
  libelle: string;
  /** The MdR it serves; null for the network's and the siège's. */
  maisonId: string | null;
  maisonNom: string | null;
  herite: boolean;
  version: number;
}

export class ListCalendriersQuery extends Query<CalendrierResume[]> {}

/**
 * Every calendar an administrator can edit: 'reseau', 'siege', then each MdR by name. An MdR
 * without a calendar of its own is listed as inheriting the network's (version 0), since its
 * id already accepts a first PUT.
 */
@QueryHandler(ListCalendriersQuery)
export class ListCalendriersHandler implements IQueryHandler<ListCalendriersQuery, CalendrierResume[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(): Promise<CalendrierResume[]> {
    const rows: Array<{ id: string; libelle: string; maison_id: string | null; maison_nom: string | null; herite: boolean; version: number }> = await this.dataSource.query(
      `SELECT c.id, c.spec->>'libelle' AS libelle, NULL::uuid AS maison_id, NULL::text AS maison_nom, false AS herite, c.version, 0 AS rang, '' AS nom
         FROM sla_calendrier c WHERE c.id IN ('reseau', 'siege')
       UNION ALL
       SELECT 'maison-' || m.id, coalesce(c.spec->>'libelle', m.nom), m.id, m.nom::text, c.id IS NULL, coalesce(c.version, 0), 1, m.nom
         FROM maison m LEFT JOIN sla_calendrier c ON c.id = 'maison-' || m.id
       ORDER BY rang, nom, id`,
    );
    return rows.map((r) => ({ id: r.id, libelle: r.libelle, maisonId: r.maison_id, maisonNom: r.maison_nom, herite: r.herite, version: Number(r.version) }));
  }
}

/**
 * Replaces a calendar's opening hours and closure days (a new version). The change goes to the
 * outbox with the previous spec, so that the worker re-plans every running clock on it: time
 * consumed so far on the old calendar, the rest on the new one.
 */
export class UpdateCalendrierCommand extends Command<CalendrierView> {
  constructor(readonly id: string, readonly spec: Omit<BusinessCalendarSpec, 'id'>, readonly expectedVersion?: number) {
    super();
  }
}

@CommandHandler(UpdateCalendrierCommand)
export class UpdateCalendrierHandler implements ICommandHandler<UpdateCalendrierCommand, CalendrierView> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly reader: GetCalendrierHandler,
  ) {}

  async execute({ id, spec, expectedVersion }: UpdateCalendrierCommand): Promise<CalendrierView> {
    const next: BusinessCalendarSpec = { ...spec, id };
    const errors = validateCalendarSpec(next);
    if (errors.length) {
      throw new DomainError('CALENDRIER_INVALIDE', 'invalid_input', 'Le calendrier est invalide.', {
        errors: errors.map((message) => ({ field: message.split(' ')[0], message })),
      });
    }
    const at = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(SlaCalendrierRow);
      const row = await repo.createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
      const maisonId = maisonDuCalendrier(id);
      // An MdR's first calendar of its own: it replaces the network's for that MdR, whose running
      // clocks move to it (the worker re-plans them from the network's spec).
      if (!row && !(maisonId && (await maisonExiste(manager, maisonId)))) throw new NotFoundError('Calendrier introuvable.');
      const version = row?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== version) throw new StaleVersionError(expectedVersion, version);
      const ancienne = row?.spec ?? (await repo.findOneByOrFail({ id: CALENDRIER_RESEAU })).spec;
      if (row) await repo.update({ id }, { spec: next, version: version + 1 });
      else await repo.insert({ id, spec: next, version: 1 });
      await appendToOutbox(manager, [
        {
          id: randomUUID(),
          type: 'sla.calendrier_modifie',
          aggregateType: 'calendrier',
          aggregateId: stableUuid(`calendrier:${id}`),
          occurredAt: at,
          payload: { calendrierId: id, ancienneSpec: ancienne, version: version + 1, remplace: row ? null : CALENDRIER_RESEAU, maisonId, at: at.toISOString() },
        },
      ]);
    });
    return this.reader.execute(new GetCalendrierQuery(id));
  }
}

export const SLA_ADMIN_HANDLERS = [ListPolitiquesHandler, UpdatePolitiqueHandler, ListCalendriersHandler, GetCalendrierHandler, UpdateCalendrierHandler];

/** The uuid a list cursor names a calendar by (cursors carry uuids; calendar ids are text). */
export function calendrierCursorId(id: string): string {
  return stableUuid(`calendrier:${id}`);
}

/** A uuid that is always the same for a name (calendars have text ids, outbox rows want a uuid). */
function stableUuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The MdR whose calendar this id names ('maison-<uuid>'), or null. */
function maisonDuCalendrier(id: string): string | null {
  return id.startsWith('maison-') ? id.slice('maison-'.length) : null;
}

async function maisonExiste(manager: EntityManager, maisonId: string): Promise<boolean> {
  const rows = await manager.query(`SELECT 1 FROM maison WHERE id = $1`, [maisonId]);
  return rows.length > 0;
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BusinessCalendar } from '../calendar/business-calendar';
import { ALWAYS_OPEN_CALENDAR } from '../calendar/calendars';

const PERMANENT = new BusinessCalendar(ALWAYS_OPEN_CALENDAR);
import type { SlaCalendrierRow } from '../persistence/sla.entities';

export const CALENDRIER_RESEAU = 'reseau';
export const CALENDRIER_SIEGE = 'siege';
/** Wall-clock time: absolute deadlines (a commande's échéance) are not business time. */
export const CALENDRIER_PERMANENT = 'permanent';

/** The calendar id of an MdR: its own when it has one, else the network's. */
export function calendrierDeMaison(maisonId: string): string {
  return `maison-${maisonId}`;
}

/**
 * Business calendars by id, cached by (id, version): a closure day added bumps the version and
 * the next read sees it. Safe per process (issue #16): every read checks the row's version, so
 * no process uses a calendar another one has changed.
 *
 * Inside a transaction, a calendar is read once (issue #17: a transition read it once per clock,
 * 12 round trips per question cycle, and a fire batch once per timer): the transaction then
 * works with the calendar as it was at its first read, as if its statements had all run at that
 * instant. A calendar's change reaches running clocks through its own event
 * (`sla.calendrier_modifie`), whose consumer locks and re-plans them after it commits, so no
 * transaction needs to see a change made while it runs; the change's own transaction reads no
 * calendar through here.
 */
@Injectable()
export class CalendarRegistry {
  private readonly cache = new Map<string, { version: number; calendar: BusinessCalendar }>();
  /** Per transaction (its query runner, gone with it): calendars and holders' calendars already read. */
  private readonly inTransaction = new WeakMap<object, Map<string, Promise<unknown>>>();

  /** `read` once per transaction under `key`; outside a transaction, every time. */
  private once<T>(manager: EntityManager, key: string, read: () => Promise<T>): Promise<T> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return read();
    let memo = this.inTransaction.get(runner);
    if (!memo) this.inTransaction.set(runner, (memo = new Map()));
    let found = memo.get(key) as Promise<T> | undefined;
    if (!found) {
      found = read();
      memo.set(key, found);
      // A failed read is not kept: the caller's error aborts the transaction anyway, and a retry in it must read again.
      found.catch(() => memo!.delete(key));
    }
    return found;
  }

  get(manager: EntityManager, id: string): Promise<BusinessCalendar> {
    if (id === CALENDRIER_PERMANENT) return Promise.resolve(PERMANENT);
    return this.once(manager, `calendrier:${id}`, () => this.read(manager, id));
  }

  /**
   * Versions of calendars the caller read in this transaction (beside the clock rows that name
   * them, when it locked them): a cached calendar of that version counts as read, so the
   * transaction does not read it again (issue #17). Any other is read on first use, as before.
   */
  known(manager: EntityManager, versions: Array<{ id: string; version: number | null }>): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return;
    let memo = this.inTransaction.get(runner);
    if (!memo) this.inTransaction.set(runner, (memo = new Map()));
    for (const { id, version } of versions) {
      const cached = this.cache.get(id);
      if (version === null || !cached || cached.version !== version || memo.has(`calendrier:${id}`)) continue;
      memo.set(`calendrier:${id}`, Promise.resolve(cached.calendar));
    }
  }

  private async read(manager: EntityManager, id: string): Promise<BusinessCalendar> {
    // Raw SQL: the registry also serves tools that run on a bare DataSource (no entity metadata).
    const [row]: Array<Pick<SlaCalendrierRow, 'spec' | 'version'>> = await manager.query(`SELECT spec, version FROM sla_calendrier WHERE id = $1`, [id]);
    if (!row) {
      if (id.startsWith('maison-')) return this.get(manager, CALENDRIER_RESEAU);
      throw new Error(`calendrier SLA inconnu : ${id}`);
    }
    return this.remember({ id, ...row });
  }

  /** The calendar of a row just read, from the cache when it holds that version. */
  private remember(row: Pick<SlaCalendrierRow, 'id' | 'spec' | 'version'>): BusinessCalendar {
    const cached = this.cache.get(row.id);
    if (cached && cached.version === row.version) return cached.calendar;
    const calendar = new BusinessCalendar(row.spec);
    this.cache.set(row.id, { version: row.version, calendar });
    return calendar;
  }

  /** The calendar a holder works on: the siège's for directions and the coordination, the MdR's (or network's) for an MdR. */
  forHolder(manager: EntityManager, holder: Holder): Promise<{ id: string; calendar: BusinessCalendar }> {
    return this.once(manager, `detenteur:${holder.type}:${holder.id ?? ''}`, () => this.readForHolder(manager, holder));
  }

  private async readForHolder(manager: EntityManager, holder: Holder): Promise<{ id: string; calendar: BusinessCalendar }> {
    if (holder.type !== 'maison' || !holder.id) return { id: CALENDRIER_SIEGE, calendar: await this.get(manager, CALENDRIER_SIEGE) };
    const propre = calendrierDeMaison(holder.id);
    const memo = manager.queryRunner?.isTransactionActive ? this.inTransaction.get(manager.queryRunner) : undefined;
    // Already read in this transaction (a clock of the ticket runs on it): it exists.
    if (memo?.has(`calendrier:${propre}`)) return { id: propre, calendar: await this.get(manager, propre) };
    // One statement (issue #17): the MdR's own calendar when it has one, else the network's.
    const [row]: Array<Pick<SlaCalendrierRow, 'id' | 'spec' | 'version'>> = await manager.query(
      `SELECT id, spec, version FROM sla_calendrier WHERE id IN ($1, $2) ORDER BY id = $1 DESC LIMIT 1`,
      [propre, CALENDRIER_RESEAU],
    );
    if (!row) throw new Error(`calendrier SLA inconnu : ${CALENDRIER_RESEAU}`);
    // A calendar this transaction read before stays as it was then (see the class's comment).
    const key = `calendrier:${row.id}`;
    if (memo?.has(key)) return { id: row.id, calendar: await this.get(manager, row.id) };
    const calendar = this.remember(row);
    memo?.set(key, Promise.resolve(calendar));
    return { id: row.id, calendar };
  }
}

export interface Holder {
  type: 'maison' | 'direction' | 'coordination' | 'cabinet';
  id: string | null;
}

import { EntityManager } from 'typeorm';
import { seedDemoData } from '@app/directory';
import { CALENDRIER_RESEAU, CALENDRIER_SIEGE, CalendarRegistry } from '@app/sla';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';

/**
 * The calendar registry reads a calendar once per transaction (issue #17: a transition read it
 * once per clock), and every time outside one; a change committed elsewhere is seen by the next
 * transaction, and a failed read is not kept.
 */
describe('calendar registry', () => {
  let scratch: ScratchDatabase;
  let maisonId: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_sla_calendar_registry');
    await seedDemoData(scratch.dataSource);
    [{ id: maisonId }] = await scratch.ownerQuery(`SELECT id FROM maison WHERE code = 'carcassonne'`);
  }, 60_000);

  afterAll(async () => {
    await scratch?.drop();
  });

  /** Counts the calendar statements a manager sends (the real ones, to the real database). */
  function counting(manager: EntityManager): { reads: () => number } {
    let reads = 0;
    const query = manager.query.bind(manager);
    manager.query = ((sql: string, params?: unknown[]) => {
      if (/FROM sla_calendrier/.test(sql)) reads++;
      return query(sql, params);
    }) as EntityManager['query'];
    return { reads: () => reads };
  }

  it('reads each calendar once in a transaction, every time outside one', async () => {
    const registry = new CalendarRegistry();
    await scratch.dataSource.transaction(async (manager) => {
      const c = counting(manager);
      const [a, b] = await Promise.all([registry.get(manager, CALENDRIER_SIEGE), registry.get(manager, CALENDRIER_SIEGE)]);
      expect(a).toBe(b);
      await registry.get(manager, CALENDRIER_SIEGE);
      expect(c.reads()).toBe(1);
      const holder = { type: 'maison' as const, id: maisonId };
      const first = await registry.forHolder(manager, holder);
      expect(await registry.forHolder(manager, holder)).toEqual(first);
      // The MdR has no calendar of its own: the network's, found and read once, in one statement;
      // the transaction then holds it as read.
      expect(first.id).toBe(CALENDRIER_RESEAU);
      expect(c.reads()).toBe(2);
      expect(await registry.get(manager, CALENDRIER_RESEAU)).toBe(first.calendar);
      expect(c.reads()).toBe(2);
    });
    const outside = scratch.dataSource.manager;
    const c = counting(outside);
    await registry.get(outside, CALENDRIER_SIEGE);
    await registry.get(outside, CALENDRIER_SIEGE);
    expect(c.reads()).toBe(2);
  });

  it('a transaction keeps the calendar of its first read; the next one sees a change committed meanwhile', async () => {
    const registry = new CalendarRegistry();
    const closure = '2031-06-10';
    await scratch.dataSource.transaction(async (manager) => {
      expect((await registry.get(manager, CALENDRIER_RESEAU)).isBusinessDay(closure)).toBe(true);
      await scratch.ownerQuery(
        `UPDATE sla_calendrier SET spec = jsonb_set(spec, '{closures}', (spec->'closures') || to_jsonb($1::text)), version = version + 1 WHERE id = $2`,
        [closure, CALENDRIER_RESEAU],
      );
      expect((await registry.get(manager, CALENDRIER_RESEAU)).isBusinessDay(closure)).toBe(true);
    });
    await scratch.dataSource.transaction(async (manager) => {
      expect((await registry.get(manager, CALENDRIER_RESEAU)).isBusinessDay(closure)).toBe(false);
    });
  });

  it('does not keep a failed read', async () => {
    const registry = new CalendarRegistry();
    await scratch.dataSource.transaction(async (manager) => {
      const c = counting(manager);
      await expect(registry.get(manager, 'inconnu')).rejects.toThrow(/calendrier SLA inconnu/);
      await expect(registry.get(manager, 'inconnu')).rejects.toThrow(/calendrier SLA inconnu/);
      expect(c.reads()).toBe(2);
    });
  });
});

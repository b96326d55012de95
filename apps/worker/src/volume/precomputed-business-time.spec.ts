import fc from 'fast-check';
import { BusinessCalendar, NETWORK_CALENDAR, SIEGE_CALENDAR } from '@app/sla';
import { PrecomputedBusinessTime } from './precomputed-business-time';

const FROM = new Date('2024-10-01T00:00:00Z');
const TO = new Date('2027-01-01T00:00:00Z');

describe('PrecomputedBusinessTime', () => {
  for (const spec of [NETWORK_CALENDAR, SIEGE_CALENDAR, { ...NETWORK_CALENDAR, id: 'mdr-test', closures: ['2025-12-24', '2026-08-14'] }]) {
    const real = new BusinessCalendar(spec);
    const fast = new PrecomputedBusinessTime(real, FROM, TO);
    // Inside the range and across its edges (where it hands over to the real calendar).
    const instant = fc.integer({ min: FROM.getTime() - 3 * 86_400_000, max: TO.getTime() + 3 * 86_400_000 }).map((ms) => new Date(ms));
    const minutes = fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.double({ min: 0, max: 5_000, noNaN: true }));

    it(`adds business minutes as BusinessCalendar does (${spec.id})`, () => {
      fc.assert(
        fc.property(instant, minutes, (start, m) => {
          expect(fast.addBusinessMinutes(start, m).getTime()).toBe(real.addBusinessMinutes(start, m).getTime());
        }),
        { numRuns: 800 },
      );
    });

    it(`counts business minutes as BusinessCalendar does (${spec.id})`, () => {
      fc.assert(
        fc.property(instant, fc.integer({ min: -86_400_000, max: 40 * 86_400_000 }), (a, span) => {
          const b = new Date(a.getTime() + span);
          expect(fast.businessMinutesBetween(a, b)).toBe(real.businessMinutesBetween(a, b));
        }),
        { numRuns: 800 },
      );
    });
  }

  it('lists the opening windows of a day, holidays closed', () => {
    const fast = new PrecomputedBusinessTime(new BusinessCalendar(NETWORK_CALENDAR), FROM, TO);
    // Tuesday 11 November 2025 is Armistice Day; Wednesday 12 is an ordinary day (UTC+1).
    expect(fast.openingWindows(new Date('2025-11-11T00:00:00Z'), new Date('2025-11-12T00:00:00Z'))).toEqual([]);
    expect(fast.openingWindows(new Date('2025-11-12T00:00:00Z'), new Date('2025-11-13T00:00:00Z')).map((w) => [new Date(w.start).toISOString(), new Date(w.end).toISOString()])).toEqual([
      ['2025-11-12T08:00:00.000Z', '2025-11-12T11:30:00.000Z'],
      ['2025-11-12T12:30:00.000Z', '2025-11-12T16:00:00.000Z'],
    ]);
  });
});

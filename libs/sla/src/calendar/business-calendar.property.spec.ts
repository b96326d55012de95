import fc from 'fast-check';
import { DateTime } from 'luxon';
import { MINUTE, SUBJECTS, ZONE, minutesArb, msInstantArb, subjectIdArb } from './testing/calendar-arbitraries';

/**
 * Algebraic properties of BusinessCalendar, on millisecond instants (not only whole minutes)
 * around public holidays, weekends and DST switches. Cheap: they use the fast paths only; the
 * comparison with the minute-by-minute reference is in business-calendar.reference.spec.ts.
 */
describe('BusinessCalendar — algebraic properties', () => {
  it('businessMinutesBetween(a, addBusinessMinutes(a, n)) === n, and the due instant closes the count', () => {
    fc.assert(
      fc.property(
        subjectIdArb.chain((id) => fc.tuple(fc.constant(id), msInstantArb, minutesArb(SUBJECTS[id].maxMinutes))),
        ([id, a, n]) => {
          const { calendar } = SUBJECTS[id];
          const due = calendar.addBusinessMinutes(new Date(a), n);
          expect(calendar.businessMinutesBetween(new Date(a), due)).toBe(n);
          // n > 0: the millisecond before the due instant is open time (it is the earliest
          // instant completing the count); n = 0: the due instant is the next open one.
          if (n > 0) expect(calendar.isOpen(new Date(due.getTime() - 1))).toBe(true);
          else expect(calendar.isOpen(due)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('businessMinutesBetween is additive: [a, b) + [b, c) = [a, c)', () => {
    const upToFourDays = fc.integer({ min: 0, max: 4 * 24 * 60 * MINUTE });
    fc.assert(
      fc.property(subjectIdArb, msInstantArb, upToFourDays, upToFourDays, (id, a, ab, bc) => {
        const { calendar } = SUBJECTS[id];
        const [ta, tb, tc] = [new Date(a), new Date(a + ab), new Date(a + ab + bc)];
        // Compared in whole milliseconds: fractional minutes are not exact binary numbers.
        const ms = (x: Date, y: Date) => Math.round(calendar.businessMinutesBetween(x, y) * MINUTE);
        expect(ms(ta, tb) + ms(tb, tc)).toBe(ms(ta, tc));
      }),
      { numRuns: 500 },
    );
  });

  it('adding n then m business minutes is adding n + m (m > 0)', () => {
    fc.assert(
      fc.property(
        subjectIdArb.chain((id) =>
          fc.tuple(
            fc.constant(id),
            msInstantArb,
            minutesArb(SUBJECTS[id].maxMinutes),
            fc.integer({ min: 1, max: SUBJECTS[id].maxMinutes }),
          ),
        ),
        ([id, a, n, m]) => {
          const { calendar } = SUBJECTS[id];
          const once = calendar.addBusinessMinutes(new Date(a), n + m);
          const twice = calendar.addBusinessMinutes(calendar.addBusinessMinutes(new Date(a), n), m);
          expect(twice).toEqual(once);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('businessDaysBetween and addBusinessDays agree with a day-by-day count of isBusinessDay', () => {
    fc.assert(
      fc.property(subjectIdArb, msInstantArb, fc.integer({ min: 0, max: 15 }), (id, a, k) => {
        const { calendar } = SUBJECTS[id];
        const day = calendar.addBusinessDays(new Date(a), k);
        const noonThatDay = DateTime.fromISO(`${day}T12:00`, { zone: ZONE }).toJSDate();
        expect(calendar.businessDaysBetween(new Date(a), noonThatDay)).toBe(k);
        if (k > 0) expect(calendar.isBusinessDay(day)).toBe(true);
        // Reference: walk the local days after a's one by one.
        let counted = 0;
        let cursor = DateTime.fromMillis(a, { zone: ZONE }).toISODate()!;
        while (cursor < day) {
          cursor = DateTime.fromISO(cursor, { zone: 'utc' }).plus({ days: 1 }).toISODate()!;
          if (calendar.isBusinessDay(cursor)) counted++;
        }
        expect(counted).toBe(k);
      }),
      { numRuns: 300 },
    );
  });
});

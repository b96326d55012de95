import fc from 'fast-check';
import {
  MAX_SPAN_MINUTES,
  MINUTE,
  SUBJECTS,
  minuteInstantArb,
  minutesArb,
  reference,
  shownLocal,
  subjectIdArb,
} from './testing/calendar-arbitraries';

/**
 * The day-by-day interval arithmetic of BusinessCalendar against a brute-force reference that
 * walks minute by minute and asks `isOpen` (the wall-clock definition of open time) at each
 * minute. Start instants are drawn in 2026–2027, mostly on or next to public holidays, ponts,
 * weekends and the four DST switches (see calendar-arbitraries.ts).
 */
describe('BusinessCalendar — against a minute-by-minute reference', () => {
  it('addBusinessMinutes and businessMinutesBetween agree with the reference', () => {
    fc.assert(
      fc.property(
        subjectIdArb.chain((id) =>
          fc.tuple(fc.constant(id), minuteInstantArb, minutesArb(SUBJECTS[id].maxMinutes), minutesArb(MAX_SPAN_MINUTES)),
        ),
        ([id, start, n, span]) => {
          const s = SUBJECTS[id];
          const expected = reference(s, start, n, span);
          const added = s.calendar.addBusinessMinutes(new Date(start), n).getTime();
          if (added !== expected.add) {
            throw new Error(
              `${id}: ${shownLocal(start)} + ${n} business minutes gave ${shownLocal(added)}, the reference ${shownLocal(expected.add)}`,
            );
          }
          const between = s.calendar.businessMinutesBetween(new Date(start), new Date(start + span * MINUTE));
          if (between !== expected.between) {
            throw new Error(
              `${id}: business minutes from ${shownLocal(start)} to ${shownLocal(start + span * MINUTE)}: ${between}, the reference ${expected.between}`,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

import { BusinessCalendar, NETWORK_CALENDAR } from '@app/sla';
import { limitesAnciennete } from './aging';

describe('aging limits', () => {
  const calendar = new BusinessCalendar(NETWORK_CALENDAR);

  it('counts business days back from today: weekends and public holidays do not age a ticket', () => {
    // Wednesday 25 November 2026, 16:00 Paris. Business days back: 25, 24, 23 | 20, 19 | 18, 17, 16, 13, 12 (11 November is a holiday).
    // A limit is the latest day with that many business days after it up to today: a ticket of
    // Sunday 22 is 3 days old on Wednesday (23, 24, 25), as is one of Friday 20.
    const limites = limitesAnciennete(calendar, new Date('2026-11-25T15:00:00Z'));
    expect(Object.fromEntries(limites)).toEqual({ 1: '2026-11-24', 3: '2026-11-22', 5: '2026-11-18', 10: '2026-11-11' });
  });

  it('on a Saturday, Friday is the first day back', () => {
    const limites = limitesAnciennete(calendar, new Date('2026-11-28T10:00:00Z'));
    expect(limites.get(1)).toBe('2026-11-26');
  });
});

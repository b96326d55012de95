import { BusinessCalendar, NETWORK_CALENDAR, SIEGE_CALENDAR } from '@app/sla';
import { creneauResume, DELAI_RATTRAPAGE_MS, estCreneauDuResume, fenetreDuResume, FENETRE_RESUME_MS } from './resume.planning';

const siege = new BusinessCalendar(SIEGE_CALENDAR);
const ouvre = (calendar: BusinessCalendar) => (jour: string) => calendar.isBusinessDay(jour);

describe('digest planning', () => {
  it('reads the slot in Paris time, winter and summer, rounding a tick a little early or late', () => {
    expect(creneauResume(new Date('2026-12-07T07:00:00Z'))).toEqual({ jour: '2026-12-07', heure: 8 });
    expect(creneauResume(new Date('2026-07-15T06:00:00Z'))).toEqual({ jour: '2026-07-15', heure: 8 });
    expect(creneauResume(new Date('2026-12-07T06:59:59.990Z'))).toEqual({ jour: '2026-12-07', heure: 8 });
    expect(creneauResume(new Date('2026-12-07T07:01:30Z'))).toEqual({ jour: '2026-12-07', heure: 8 });
    // 23:00 UTC on Sunday is Monday 00:00 in Paris.
    expect(creneauResume(new Date('2026-12-06T23:00:00Z'))).toEqual({ jour: '2026-12-07', heure: 0 });
  });

  it('is due at the user’s hour on business days only: not at weekends, not on public holidays', () => {
    const at = (iso: string) => creneauResume(new Date(iso));
    expect(estCreneauDuResume(at('2026-12-07T07:00:00Z'), 8, ouvre(siege))).toBe(true); // Monday
    expect(estCreneauDuResume(at('2026-12-07T08:00:00Z'), 8, ouvre(siege))).toBe(false); // 9 h
    expect(estCreneauDuResume(at('2026-12-07T08:00:00Z'), 9, ouvre(siege))).toBe(true);
    expect(estCreneauDuResume(at('2026-12-05T07:00:00Z'), 8, ouvre(siege))).toBe(false); // Saturday
    expect(estCreneauDuResume(at('2026-12-06T07:00:00Z'), 8, ouvre(siege))).toBe(false); // Sunday
    expect(estCreneauDuResume(at('2026-12-25T07:00:00Z'), 8, ouvre(siege))).toBe(false); // Noël
    expect(estCreneauDuResume(at('2026-05-14T06:00:00Z'), 8, ouvre(siege))).toBe(false); // Ascension
    expect(estCreneauDuResume(at('2026-05-15T06:00:00Z'), 8, ouvre(siege))).toBe(true);
    // A Maison's own closure day: its people get their digest the next open day.
    const albi = new BusinessCalendar({ ...NETWORK_CALENDAR, id: 'maison-albi', closures: ['2026-12-07'] });
    expect(estCreneauDuResume(at('2026-12-07T07:00:00Z'), 8, ouvre(albi))).toBe(false);
    expect(estCreneauDuResume(at('2026-12-08T07:00:00Z'), 8, ouvre(albi))).toBe(true);
  });

  it('carries a week at most; for a user in immediat only what the immediate path gave up on; nothing for aucun', () => {
    const at = new Date('2026-12-07T07:00:00Z');
    expect(fenetreDuResume('resume', at)).toEqual({ depuis: new Date(at.getTime() - FENETRE_RESUME_MS), jusqua: at });
    expect(fenetreDuResume('immediat', at)?.jusqua).toEqual(new Date(at.getTime() - DELAI_RATTRAPAGE_MS));
    expect(fenetreDuResume('aucun', at)).toBeNull();
  });
});

import { DateTime } from 'luxon';
import { BusinessCalendar } from './business-calendar';
import { BusinessCalendarSpec } from './business-calendar.types';
import { ALWAYS_OPEN_CALENDAR, NETWORK_CALENDAR, SIEGE_CALENDAR } from './calendars';

/** An instant given as Paris wall-clock time, e.g. '2026-06-12T16:50'. */
function paris(local: string): Date {
  const dt = DateTime.fromISO(local, { zone: 'Europe/Paris' });
  if (!dt.isValid) throw new Error(`bad test date ${local}`);
  return dt.toJSDate();
}

/** An instant shown as Paris wall-clock time with its offset, e.g. '2026-06-15T09:10+02:00'. */
function shown(at: Date): string {
  return DateTime.fromJSDate(at, { zone: 'Europe/Paris' }).toFormat("yyyy-MM-dd'T'HH:mmZZ");
}

const network = new BusinessCalendar(NETWORK_CALENDAR);
const siege = new BusinessCalendar(SIEGE_CALENDAR);
const alwaysOpen = new BusinessCalendar(ALWAYS_OPEN_CALENDAR);

/** Open every day from 02:00 to 03:30 only: the hour the clocks change. */
const nightShift = new BusinessCalendar({
  ...ALWAYS_OPEN_CALENDAR,
  id: 'nuit',
  libelle: 'Permanence de nuit',
  hours: Object.fromEntries(
    [1, 2, 3, 4, 5, 6, 7].map((weekday) => [weekday, [{ start: '02:00', end: '03:30' }]]),
  ) as BusinessCalendarSpec['hours'],
});

describe('BusinessCalendar — network calendar (Mon–Fri 09:00–12:30, 13:30–17:00)', () => {
  describe('addBusinessMinutes', () => {
    it('carries a Friday-evening remainder over the weekend: Friday 16:50 + 20 min = Monday 09:10', () => {
      expect(shown(network.addBusinessMinutes(paris('2026-06-12T16:50'), 20))).toBe('2026-06-15T09:10+02:00');
    });

    it('falls due at closing time when the target is used up exactly then (not at the next opening)', () => {
      expect(shown(network.addBusinessMinutes(paris('2026-06-12T16:40'), 20))).toBe('2026-06-12T17:00+02:00');
    });

    it('skips the lunch break', () => {
      expect(shown(network.addBusinessMinutes(paris('2026-06-10T12:20'), 20))).toBe('2026-06-10T13:40+02:00');
    });

    it('starts counting at the next opening when started while closed', () => {
      expect(shown(network.addBusinessMinutes(paris('2026-06-10T07:00'), 30))).toBe('2026-06-10T09:30+02:00');
      expect(shown(network.addBusinessMinutes(paris('2026-06-13T11:00'), 30))).toBe('2026-06-15T09:30+02:00'); // a Saturday
    });

    it('with 0 minutes, returns the start itself when open, else the next opening', () => {
      expect(network.addBusinessMinutes(paris('2026-06-10T10:17'), 0)).toEqual(paris('2026-06-10T10:17'));
      expect(shown(network.addBusinessMinutes(paris('2026-06-10T12:30'), 0))).toBe('2026-06-10T13:30+02:00');
      expect(shown(network.addBusinessMinutes(paris('2026-06-12T17:00'), 0))).toBe('2026-06-15T09:00+02:00');
    });

    it('handles an escalation on the eve of Ascension: Wednesday 16:00 + 1 business day = Friday 16:00', () => {
      // Thursday 14 May 2026 is Ascension; the "pont" Friday is a working day for the network.
      expect(shown(network.addBusinessMinutes(paris('2026-05-13T16:00'), 420))).toBe('2026-05-15T16:00+02:00');
    });

    it('handles an escalation the Thursday before Ascension, when 8 May (Friday) is off too', () => {
      // Thu 7 May 16:00–17:00 = 60; Fri 8 May (Victoire 1945) and the weekend closed;
      // Mon 11 May = 420; Tue 12 May 09:00–12:30 + 13:30–16:00 = 360 → 840 = 2 business days.
      expect(shown(network.addBusinessMinutes(paris('2026-05-07T16:00'), 840))).toBe('2026-05-12T16:00+02:00');
    });

    it('jumps Whit Monday: Friday 17:00 before Pentecost + 30 min = Tuesday 09:30', () => {
      expect(shown(network.addBusinessMinutes(paris('2026-05-22T17:00'), 30))).toBe('2026-05-26T09:30+02:00');
      expect(shown(network.addBusinessMinutes(paris('2026-05-22T17:00'), 0))).toBe('2026-05-26T09:00+02:00');
    });

    it('jumps Easter Monday, 15 August, 1 and 11 November and Christmas', () => {
      expect(shown(network.addBusinessMinutes(paris('2026-04-03T16:30'), 60))).toBe('2026-04-07T09:30+02:00');
      expect(shown(network.addBusinessMinutes(paris('2027-08-13T16:30'), 60))).toBe('2027-08-16T09:30+02:00'); // 15 Aug 2027 is a Sunday
      expect(shown(network.addBusinessMinutes(paris('2027-10-29T16:30'), 60))).toBe('2027-11-02T09:30+01:00'); // Mon 1 Nov 2027
      expect(shown(network.addBusinessMinutes(paris('2026-11-10T16:30'), 60))).toBe('2026-11-12T09:30+01:00');
      expect(shown(network.addBusinessMinutes(paris('2026-12-24T16:30'), 60))).toBe('2026-12-28T09:30+01:00');
    });

    it('crosses the spring-forward weekend in local time: Friday 16:30 + 60 min = Monday 09:30 (+02:00)', () => {
      expect(shown(network.addBusinessMinutes(paris('2026-03-27T16:30'), 60))).toBe('2026-03-30T09:30+02:00');
      expect(shown(network.addBusinessMinutes(paris('2026-10-23T16:30'), 60))).toBe('2026-10-26T09:30+01:00');
    });

    it('adds 10,000 business minutes (about 24 business days)', () => {
      const fresh = new BusinessCalendar(NETWORK_CALENDAR);
      const due = fresh.addBusinessMinutes(paris('2026-01-02T09:00'), 10_000);
      // Fri 2 Jan + 4 full weeks = 21 days (8,820) + Mon 2 and Tue 3 Feb (9,660); the last
      // 340 on Wed 4 Feb: 09:00–12:30 (210), then 13:30 + 130 = 15:40.
      expect(shown(due)).toBe('2026-02-04T15:40+01:00');
      expect(fresh.businessMinutesBetween(paris('2026-01-02T09:00'), due)).toBe(10_000);
    });

    it('rejects negative or non-finite minutes and invalid dates', () => {
      expect(() => network.addBusinessMinutes(paris('2026-06-10T10:00'), -1)).toThrow(RangeError);
      expect(() => network.addBusinessMinutes(paris('2026-06-10T10:00'), Number.NaN)).toThrow(RangeError);
      expect(() => network.addBusinessMinutes(new Date('nope'), 10)).toThrow(RangeError);
    });
  });

  describe('businessMinutesBetween', () => {
    it('counts only opening hours, [a, b)', () => {
      expect(network.businessMinutesBetween(paris('2026-06-10T08:00'), paris('2026-06-10T18:00'))).toBe(420);
      expect(network.businessMinutesBetween(paris('2026-06-10T12:00'), paris('2026-06-10T14:00'))).toBe(60);
      expect(network.businessMinutesBetween(paris('2026-06-12T16:00'), paris('2026-06-15T10:00'))).toBe(120);
    });

    it('is 0 when b <= a', () => {
      expect(network.businessMinutesBetween(paris('2026-06-10T11:00'), paris('2026-06-10T10:00'))).toBe(0);
      expect(network.businessMinutesBetween(paris('2026-06-10T11:00'), paris('2026-06-10T11:00'))).toBe(0);
    });

    it('skips 14 July', () => {
      // Mon 13 July 16:00–17:00 = 60, Tue 14 July off, Wed 15 July 09:00–10:00 = 60.
      expect(network.businessMinutesBetween(paris('2026-07-13T16:00'), paris('2026-07-15T10:00'))).toBe(120);
    });

    it('is exact to the millisecond (fractional minutes when instants are not on whole minutes)', () => {
      expect(network.businessMinutesBetween(paris('2026-06-10T08:59:30'), paris('2026-06-10T09:00:30'))).toBe(0.5);
      const a = paris('2026-06-10T10:00:12.345');
      const b = paris('2026-06-11T15:12:01.999');
      expect(network.addBusinessMinutes(a, network.businessMinutesBetween(a, b))).toEqual(b);
    });

    it('computes a whole year day by day: 252 business days in 2026 (9 holidays fall on weekdays)', () => {
      // Cold caches. Not timed: speed targets belong in benchmarks (test/bench), not in tests.
      const fresh = new BusinessCalendar(NETWORK_CALENDAR);
      expect(fresh.businessMinutesBetween(paris('2026-01-01T00:00'), paris('2027-01-01T00:00'))).toBe(252 * 420);
      expect(shown(fresh.addBusinessMinutes(paris('2027-01-01T00:00'), 252 * 420))).toBe('2027-12-29T17:00+01:00');
      expect(siege.businessMinutesBetween(paris('2026-01-01T00:00'), paris('2027-01-01T00:00'))).toBe(252 * 480);
    });
  });

  describe('business days', () => {
    it('counts 5 business days from a Monday to the next Monday', () => {
      expect(network.businessDaysBetween(paris('2026-06-08T10:00'), paris('2026-06-15T09:00'))).toBe(5);
    });

    it('counts the days after a, up to and including b’s day, whatever the time of day', () => {
      expect(network.businessDaysBetween(paris('2026-06-08T16:59'), paris('2026-06-09T00:01'))).toBe(1);
      expect(network.businessDaysBetween(paris('2026-06-08T10:00'), paris('2026-06-08T16:00'))).toBe(0);
      expect(network.businessDaysBetween(paris('2026-06-15T10:00'), paris('2026-06-08T10:00'))).toBe(0);
    });

    it('uses the local (Paris) day of an instant, not the UTC one', () => {
      // 2026-06-08T22:30Z is already Tuesday 9 June 00:30 in Paris.
      expect(network.businessDaysBetween(paris('2026-06-08T10:00'), new Date('2026-06-08T22:30:00Z'))).toBe(1);
    });

    it('skips 14 July', () => {
      expect(network.businessDaysBetween(paris('2026-07-13T10:00'), paris('2026-07-20T10:00'))).toBe(4);
      expect(network.addBusinessDays(paris('2026-07-13T10:00'), 1)).toBe('2026-07-15');
    });

    it('adds business days to a local day', () => {
      expect(network.addBusinessDays(paris('2026-06-12T15:00'), 0)).toBe('2026-06-12');
      expect(network.addBusinessDays(paris('2026-06-12T15:00'), 1)).toBe('2026-06-15');
      expect(network.addBusinessDays(paris('2026-06-13T15:00'), 1)).toBe('2026-06-15'); // from a Saturday
      expect(network.addBusinessDays(paris('2026-05-13T15:00'), 1)).toBe('2026-05-15'); // over Ascension
      expect(network.addBusinessDays(paris('2026-05-13T15:00'), 10)).toBe('2026-05-29'); // and Whit Monday
      expect(() => network.addBusinessDays(paris('2026-06-12T15:00'), 1.5)).toThrow(RangeError);
      expect(() => network.addBusinessDays(paris('2026-06-12T15:00'), -1)).toThrow(RangeError);
    });

    it('counts 252 business days in 2026', () => {
      expect(network.businessDaysBetween(paris('2025-12-31T12:00'), paris('2026-12-31T12:00'))).toBe(252);
    });
  });

  describe('isBusinessDay and isOpen', () => {
    it('knows the French public holidays and the weekend', () => {
      expect(network.isBusinessDay('2026-04-06')).toBe(false); // Lundi de Pâques
      expect(network.isBusinessDay('2026-04-07')).toBe(true);
      expect(network.isBusinessDay('2026-05-25')).toBe(false); // Lundi de Pentecôte
      expect(network.isBusinessDay('2026-06-13')).toBe(false); // Saturday
      expect(network.isBusinessDay('2026-04-03')).toBe(true); // Vendredi saint: Alsace-Moselle only
      expect(network.isBusinessDay('2026-12-28')).toBe(true);
    });

    it('takes the Paris day of an instant', () => {
      expect(network.isBusinessDay(new Date('2026-04-05T22:30:00Z'))).toBe(false); // Mon 6 April 00:30 Paris
      expect(network.isBusinessDay(new Date('2026-04-06T22:30:00Z'))).toBe(true); // Tue 7 April 00:30 Paris
    });

    it('rejects a malformed day', () => {
      expect(() => network.isBusinessDay('2026-02-30')).toThrow(RangeError);
      expect(() => network.isBusinessDay('6/4/2026')).toThrow(RangeError);
    });

    it('is open from the start of an interval, closed from its end', () => {
      expect(network.isOpen(paris('2026-06-10T08:59:59.999'))).toBe(false);
      expect(network.isOpen(paris('2026-06-10T09:00'))).toBe(true);
      expect(network.isOpen(paris('2026-06-10T12:29:59.999'))).toBe(true);
      expect(network.isOpen(paris('2026-06-10T12:30'))).toBe(false);
      expect(network.isOpen(paris('2026-06-10T13:30'))).toBe(true);
      expect(network.isOpen(paris('2026-07-14T10:00'))).toBe(false);
    });

    it('opens the siège at 08:30 and closes it at 17:30', () => {
      expect(siege.isOpen(paris('2026-06-10T08:30'))).toBe(true);
      expect(network.isOpen(paris('2026-06-10T08:30'))).toBe(false);
      expect(siege.isOpen(paris('2026-06-10T17:29'))).toBe(true);
      expect(siege.isOpen(paris('2026-06-10T17:30'))).toBe(false);
    });
  });

  describe('closedDays', () => {
    it('lists the 11 French public holidays of 2026, without observances or Alsace-Moselle extras', () => {
      const days = network.closedDays(2026);
      expect(days.map((d) => d.date)).toEqual([
        '2026-01-01',
        '2026-04-06',
        '2026-05-01',
        '2026-05-08',
        '2026-05-14',
        '2026-05-25',
        '2026-07-14',
        '2026-08-15',
        '2026-11-01',
        '2026-11-11',
        '2026-12-25',
      ]);
      expect(days.find((d) => d.date === '2026-05-25')?.libelle).toBe('Lundi de Pentecôte');
      expect(days.find((d) => d.date === '2026-12-25')?.libelle).toBe('Noël');
    });

    it('follows the movable feasts in 2027', () => {
      const dates = network.closedDays(2027).map((d) => d.date);
      expect(dates).toEqual(expect.arrayContaining(['2027-03-29', '2027-05-06', '2027-05-17']));
      expect(dates).toHaveLength(11);
    });

    it('is empty for a calendar without holidays nor closures', () => {
      expect(alwaysOpen.closedDays(2026)).toEqual([]);
    });
  });
});

describe('BusinessCalendar — closure days', () => {
  const mdr = new BusinessCalendar({
    ...NETWORK_CALENDAR,
    id: 'mdr-albi',
    libelle: 'Maison de la Région d’Albi',
    closures: ['2026-12-31', '2026-12-24', '2026-11-01', '2027-01-04'],
  });

  it('closes on closure days as on holidays', () => {
    expect(mdr.isBusinessDay('2026-12-24')).toBe(false);
    expect(network.isBusinessDay('2026-12-24')).toBe(true);
    expect(mdr.isOpen(paris('2026-12-24T10:00'))).toBe(false);
    // Wed 23 Dec 16:30 + 60: Thu 24 closed, Fri 25 Christmas, weekend → Mon 28 09:30.
    expect(shown(mdr.addBusinessMinutes(paris('2026-12-23T16:30'), 60))).toBe('2026-12-28T09:30+01:00');
    expect(mdr.businessMinutesBetween(paris('2026-12-23T00:00'), paris('2027-01-06T00:00'))).toBe(
      network.businessMinutesBetween(paris('2026-12-23T00:00'), paris('2027-01-06T00:00')) - 3 * 420,
    );
    expect(mdr.businessDaysBetween(paris('2026-12-23T10:00'), paris('2027-01-05T10:00'))).toBe(4); // 28, 29, 30, 5
  });

  it('lists closures with the holidays of their year, sorted, the holiday’s name winning', () => {
    const days = mdr.closedDays(2026);
    expect(days.slice(-4)).toEqual([
      { date: '2026-11-11', libelle: 'Armistice 1918' },
      { date: '2026-12-24', libelle: 'Fermeture exceptionnelle' },
      { date: '2026-12-25', libelle: 'Noël' },
      { date: '2026-12-31', libelle: 'Fermeture exceptionnelle' },
    ]);
    expect(days.find((d) => d.date === '2026-11-01')?.libelle).toBe('Toussaint');
    expect(mdr.closedDays(2027).filter((d) => d.libelle === 'Fermeture exceptionnelle')).toEqual([
      { date: '2027-01-04', libelle: 'Fermeture exceptionnelle' },
    ]);
  });
});

describe('BusinessCalendar — named closure periods (fermetures)', () => {
  const mdr = new BusinessCalendar({
    ...NETWORK_CALENDAR,
    id: 'mdr-foix',
    closures: ['2026-12-24'],
    fermetures: [
      { du: '2026-12-28', au: '2027-01-02', libelle: 'Fermeture de fin d’année' },
      { du: '2026-11-10', au: '2026-11-10', libelle: 'Inventaire' },
    ],
  });

  it('closes every day of a period, both ends included, across the year’s end', () => {
    for (const day of ['2026-11-10', '2026-12-28', '2026-12-31', '2027-01-02']) expect(mdr.isBusinessDay(day)).toBe(false);
    expect(mdr.isBusinessDay('2026-11-09')).toBe(true);
    // Wed 23 Dec 16:30 + 60: 24 closed, 25 Christmas, weekend, 28 Dec–2 Jan closed, weekend → Mon 4 Jan 09:30.
    expect(shown(mdr.addBusinessMinutes(paris('2026-12-23T16:30'), 60))).toBe('2027-01-04T09:30+01:00');
  });

  it('shows each day of a period under its libellé, the holiday’s name still winning', () => {
    const days = [...mdr.closedDays(2026), ...mdr.closedDays(2027)];
    expect(days.find((d) => d.date === '2026-11-10')?.libelle).toBe('Inventaire');
    expect(days.find((d) => d.date === '2026-12-24')?.libelle).toBe('Fermeture exceptionnelle');
    expect(days.filter((d) => d.date >= '2026-12-28' && d.date <= '2027-01-02')).toEqual([
      { date: '2026-12-28', libelle: 'Fermeture de fin d’année' },
      { date: '2026-12-29', libelle: 'Fermeture de fin d’année' },
      { date: '2026-12-30', libelle: 'Fermeture de fin d’année' },
      { date: '2026-12-31', libelle: 'Fermeture de fin d’année' },
      { date: '2027-01-01', libelle: 'Nouvel An' },
      { date: '2027-01-02', libelle: 'Fermeture de fin d’année' },
    ]);
  });
});

describe('BusinessCalendar — DST (opening hours are local wall-clock times)', () => {
  it('a 24/7 calendar counts real elapsed minutes: 23 h on the spring-forward day, 25 h on the fall-back one', () => {
    expect(alwaysOpen.businessMinutesBetween(paris('2026-03-28T12:00'), paris('2026-03-29T12:00'))).toBe(23 * 60);
    expect(alwaysOpen.businessMinutesBetween(paris('2026-10-24T12:00'), paris('2026-10-25T12:00'))).toBe(25 * 60);
    expect(alwaysOpen.businessMinutesBetween(paris('2027-03-28T00:00'), paris('2027-03-29T00:00'))).toBe(23 * 60);
    expect(alwaysOpen.businessMinutesBetween(paris('2027-10-31T00:00'), paris('2027-11-01T00:00'))).toBe(25 * 60);
    // Saturday 23:00 (+01:00) + 4 real hours = Sunday 04:00 (+02:00).
    expect(shown(alwaysOpen.addBusinessMinutes(paris('2026-03-28T23:00'), 240))).toBe('2026-03-29T04:00+02:00');
  });

  it('a 24/7 calendar behaves as wall-clock minutes on ordinary days, holidays included', () => {
    const a = paris('2026-07-13T18:07');
    expect(alwaysOpen.addBusinessMinutes(a, 1_000)).toEqual(new Date(a.getTime() + 1_000 * 60_000));
    expect(alwaysOpen.businessMinutesBetween(a, paris('2026-07-15T18:07'))).toBe(2 * 24 * 60);
    expect(alwaysOpen.addBusinessMinutes(a, 0)).toEqual(a);
    expect(alwaysOpen.businessDaysBetween(a, paris('2026-07-20T00:00'))).toBe(7);
  });

  it('an interval 02:00–03:30 lasts 30 min on the spring-forward day and 150 min on the fall-back day', () => {
    expect(nightShift.businessMinutesBetween(paris('2026-03-29T00:00'), paris('2026-03-29T12:00'))).toBe(30);
    expect(nightShift.businessMinutesBetween(paris('2026-03-28T00:00'), paris('2026-03-28T12:00'))).toBe(90);
    expect(nightShift.businessMinutesBetween(paris('2026-10-25T00:00'), paris('2026-10-25T12:00'))).toBe(150);
    expect(nightShift.businessMinutesBetween(paris('2027-10-31T00:00'), paris('2027-10-31T12:00'))).toBe(150);
  });

  it('counts both occurrences of the repeated hour on the fall-back day', () => {
    // 02:30 happens at 00:30Z (summer time) and again at 01:30Z (winter time).
    expect(nightShift.isOpen(new Date('2026-10-25T00:30:00Z'))).toBe(true);
    expect(nightShift.isOpen(new Date('2026-10-25T01:30:00Z'))).toBe(true);
    expect(nightShift.isOpen(new Date('2026-10-25T02:29:00Z'))).toBe(true); // 03:29 winter time
    expect(nightShift.isOpen(new Date('2026-10-25T02:30:00Z'))).toBe(false); // 03:30
    // 02:00 summer time + 100 business minutes = 02:40 winter time.
    expect(nightShift.addBusinessMinutes(new Date('2026-10-25T00:00:00Z'), 100)).toEqual(new Date('2026-10-25T01:40:00Z'));
  });

  it('opens at 03:00 on the spring-forward day, the first existing local time of the interval', () => {
    expect(shown(nightShift.addBusinessMinutes(paris('2026-03-29T00:00'), 0))).toBe('2026-03-29T03:00+02:00');
    expect(shown(nightShift.addBusinessMinutes(paris('2026-03-29T00:00'), 30))).toBe('2026-03-29T03:30+02:00');
    expect(shown(nightShift.addBusinessMinutes(paris('2026-03-29T00:00'), 31))).toBe('2026-03-30T02:01+02:00');
  });
});

describe('BusinessCalendar — zones far from UTC (an instant’s local day found from its UTC date)', () => {
  /** Open minutes in [a, a + minutes), by the reference definition: isOpen, minute by minute. */
  const openMinutes = (calendar: BusinessCalendar, a: Date, minutes: number) => {
    let count = 0;
    for (let m = 0; m < minutes; m++) if (calendar.isOpen(new Date(a.getTime() + m * 60_000))) count++;
    return count;
  };

  it.each([
    ['Pacific/Tahiti', '2026-06-11T00:00Z'],
    ['Pacific/Kiritimati', '2026-06-11T00:00Z'],
    ['America/Santiago', '2026-09-04T00:00Z'], // clocks change at local midnight
    ['Europe/Paris', '2026-10-23T00:00Z'],
  ])('%s: business minutes from every third hour of the day agree with isOpen', (timeZone, from) => {
    const calendar = new BusinessCalendar({ ...NETWORK_CALENDAR, id: `loin-${timeZone}`, timeZone });
    for (let hour = 0; hour < 72; hour += 3) {
      const a = new Date(Date.parse(from) + hour * 3_600_000);
      expect([hour, calendar.businessMinutesBetween(a, new Date(a.getTime() + 26 * 60 * 60_000))]).toEqual([hour, openMinutes(calendar, a, 26 * 60)]);
    }
  });
});

describe('BusinessCalendar — construction', () => {
  it('is exported, with the default calendars and the validator, by the library’s door', async () => {
    // Loaded here only: the door also brings the Nest/TypeORM side of the library.
    const door = await import('@app/sla');
    expect(door.BusinessCalendar).toBe(BusinessCalendar);
    expect(door.NETWORK_CALENDAR).toBe(NETWORK_CALENDAR);
    expect(door.SIEGE_CALENDAR).toBe(SIEGE_CALENDAR);
    expect(door.ALWAYS_OPEN_CALENDAR).toBe(ALWAYS_OPEN_CALENDAR);
    expect(typeof door.validateCalendarSpec).toBe('function');
  });

  it('refuses an invalid spec with the validation messages', () => {
    expect(
      () => new BusinessCalendar({ ...NETWORK_CALENDAR, timeZone: 'Europe/Parise' }),
    ).toThrow(/timeZone « Europe\/Parise » n'est pas un fuseau horaire connu/);
  });

  it('keeps a frozen copy of the spec, so a later change to the input cannot skew it', () => {
    const spec: BusinessCalendarSpec = { ...NETWORK_CALENDAR, id: 'mdr-x', closures: [] };
    const calendar = new BusinessCalendar(spec);
    spec.closures.push('2026-06-10');
    expect(calendar.isBusinessDay('2026-06-10')).toBe(true);
    expect(calendar.spec.closures).toEqual([]);
    expect(Object.isFrozen(calendar.spec.hours[1][0])).toBe(true);
  });

  it('exports frozen defaults', () => {
    expect(Object.isFrozen(NETWORK_CALENDAR)).toBe(true);
    expect(() => (NETWORK_CALENDAR.closures as string[]).push('2026-06-10')).toThrow(TypeError);
    expect(NETWORK_CALENDAR.id).toBe('reseau');
    expect(SIEGE_CALENDAR.id).toBe('siege');
    expect(ALWAYS_OPEN_CALENDAR.id).toBe('permanent');
  });
});

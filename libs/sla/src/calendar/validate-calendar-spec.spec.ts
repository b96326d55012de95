import { ALWAYS_OPEN_CALENDAR, NETWORK_CALENDAR, SIEGE_CALENDAR } from './calendars';
import { validateCalendarSpec } from './validate-calendar-spec';

/** The network calendar with some fields replaced; `hours` entries replace single weekdays. */
function networkWith(changes: Record<string, unknown> & { hours?: Record<string, unknown> }): unknown {
  return {
    ...NETWORK_CALENDAR,
    ...changes,
    hours: { ...NETWORK_CALENDAR.hours, ...(changes.hours ?? {}) },
  };
}

describe('validateCalendarSpec', () => {
  it('accepts the built-in calendars', () => {
    expect(validateCalendarSpec(NETWORK_CALENDAR)).toEqual([]);
    expect(validateCalendarSpec(SIEGE_CALENDAR)).toEqual([]);
    expect(validateCalendarSpec(ALWAYS_OPEN_CALENDAR)).toEqual([]);
  });

  it('accepts closures, touching intervals, 24:00 as an end, no holidays and extra fields', () => {
    expect(
      validateCalendarSpec(
        networkWith({
          holidays: null,
          closures: ['2026-12-24', '2026-12-31', '2026-12-24'],
          hours: { 6: [{ start: '00:00', end: '08:00' }, { start: '08:00', end: '24:00' }] },
          commentaire: 'ouverte le samedi',
        }),
      ),
    ).toEqual([]);
  });

  it('rejects what is not an object', () => {
    expect(validateCalendarSpec(null)).toEqual(['le calendrier doit être un objet']);
    expect(validateCalendarSpec('reseau')).toEqual(['le calendrier doit être un objet']);
  });

  it('requires id and libelle', () => {
    expect(validateCalendarSpec(networkWith({ id: '', libelle: undefined }))).toEqual([
      'id doit être une chaîne non vide',
      'libelle doit être une chaîne non vide',
    ]);
  });

  it('names a badly written time by its path', () => {
    expect(validateCalendarSpec(networkWith({ hours: { 1: [{ start: '9h00', end: '12:30' }] } }))).toEqual([
      'hours.1[0].start doit être au format HH:mm',
    ]);
    expect(validateCalendarSpec(networkWith({ hours: { 2: [{ start: '09:00', end: '24:30' }] } }))).toEqual([
      'hours.2[0].end doit être au format HH:mm (24:00 accepté)',
    ]);
    expect(validateCalendarSpec(networkWith({ hours: { 3: [{ start: '24:00', end: '24:00' }] } }))).toEqual([
      'hours.3[0].start doit être au format HH:mm',
    ]);
    expect(validateCalendarSpec(networkWith({ hours: { 4: [{ start: 9, end: '9:30' }] } }))).toEqual([
      'hours.4[0].start doit être au format HH:mm',
      'hours.4[0].end doit être au format HH:mm (24:00 accepté)',
    ]);
    expect(validateCalendarSpec(networkWith({ hours: { 5: ['09:00-12:00'] } }))).toEqual([
      'hours.5[0] doit être un objet { start, end }',
    ]);
  });

  it('rejects an interval that ends before it starts, or is empty', () => {
    expect(validateCalendarSpec(networkWith({ hours: { 1: [{ start: '12:30', end: '09:00' }] } }))).toEqual([
      'hours.1[0] : le début (12:30) doit précéder la fin (09:00)',
    ]);
    expect(validateCalendarSpec(networkWith({ hours: { 1: [{ start: '09:00', end: '09:00' }] } }))).toEqual([
      'hours.1[0] : le début (09:00) doit précéder la fin (09:00)',
    ]);
  });

  it('rejects overlapping intervals', () => {
    expect(
      validateCalendarSpec(
        networkWith({
          hours: {
            1: [
              { start: '09:00', end: '12:30' },
              { start: '12:00', end: '17:00' },
            ],
          },
        }),
      ),
    ).toEqual(['hours.1[1] chevauche hours.1[0]']);
  });

  it('rejects intervals out of order', () => {
    expect(
      validateCalendarSpec(
        networkWith({
          hours: {
            2: [
              { start: '13:30', end: '17:00' },
              { start: '09:00', end: '12:30' },
            ],
          },
        }),
      ),
    ).toEqual(["hours.2[1] doit être placé avant hours.2[0] : les intervalles doivent être dans l'ordre"]);
  });

  it('wants every weekday 1 to 7 as a list, and nothing else', () => {
    const { 7: _sunday, ...sixDays } = NETWORK_CALENDAR.hours;
    expect(validateCalendarSpec({ ...NETWORK_CALENDAR, hours: { ...sixDays, 0: [] } })).toEqual([
      "hours.0 n'est pas un jour : les jours vont de 1 (lundi) à 7 (dimanche)",
      "hours.7 doit être une liste d'intervalles (vide si le jour est fermé)",
    ]);
    expect(validateCalendarSpec({ ...NETWORK_CALENDAR, hours: [] })).toEqual([
      'hours doit être un objet avec les jours 1 (lundi) à 7 (dimanche)',
    ]);
  });

  it('rejects a calendar that never opens', () => {
    const closed = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };
    expect(validateCalendarSpec({ ...NETWORK_CALENDAR, hours: closed })).toEqual([
      "hours : au moins un jour doit avoir des heures d'ouverture",
    ]);
  });

  it('rejects bad closure dates', () => {
    expect(
      validateCalendarSpec(networkWith({ closures: ['2026-12-24', '2026-02-30', '24/12/2026', 20261224] })),
    ).toEqual([
      'closures[1] (2026-02-30) doit être une date valide au format yyyy-mm-dd',
      'closures[2] (24/12/2026) doit être une date valide au format yyyy-mm-dd',
      'closures[3] (20261224) doit être une date valide au format yyyy-mm-dd',
    ]);
    expect(validateCalendarSpec(networkWith({ closures: '2026-12-24' }))).toEqual([
      'closures doit être une liste de dates au format yyyy-mm-dd',
    ]);
  });

  it('rejects an unknown time zone', () => {
    expect(validateCalendarSpec(networkWith({ timeZone: 'Europe/Montpellier' }))).toEqual([
      "timeZone « Europe/Montpellier » n'est pas un fuseau horaire connu (ex. Europe/Paris)",
    ]);
    expect(validateCalendarSpec(networkWith({ timeZone: undefined }))).toEqual([
      'timeZone doit être un fuseau horaire IANA (ex. Europe/Paris)',
    ]);
  });

  it('accepts only FR or null as holidays', () => {
    expect(validateCalendarSpec(networkWith({ holidays: 'FR-57' }))).toEqual([
      "holidays doit valoir 'FR' (jours fériés français) ou null (aucun)",
    ]);
  });

  it('reports every error at once', () => {
    expect(
      validateCalendarSpec({ id: 'x', libelle: 'X', timeZone: 'Mars/Olympus', hours: {}, holidays: 'FR', closures: ['x'] }),
    ).toHaveLength(1 + 7 + 1);
  });

  it('checks named closure periods: real dates in order, at most a year, a libellé', () => {
    expect(validateCalendarSpec(networkWith({ fermetures: [{ du: '2026-12-28', au: '2027-01-02', libelle: 'Fin d’année' }] }))).toEqual([]);
    expect(validateCalendarSpec(networkWith({ fermetures: 'noël' }))).toEqual(['fermetures doit être une liste de périodes { du, au, libelle }']);
    expect(
      validateCalendarSpec(
        networkWith({
          fermetures: [
            { du: '2026-02-30', au: '2026-03-01', libelle: 'x' },
            { du: '2026-12-02', au: '2026-12-01', libelle: ' ' },
            { du: '2026-01-01', au: '2027-01-02', libelle: 'Trop long' },
            'nope',
          ],
        }),
      ),
    ).toEqual([
      'fermetures[0].du doit être une date valide au format yyyy-mm-dd',
      'fermetures[1].libelle : le libellé de la fermeture est obligatoire',
      'fermetures[1].au doit être le même jour que du ou un jour suivant',
      'fermetures[2].au : une fermeture dure au plus 366 jours',
      'fermetures[3] doit être un objet { du, au, libelle }',
    ]);
  });
});

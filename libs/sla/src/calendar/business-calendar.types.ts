/** ISO weekday: 1 = Monday … 7 = Sunday (luxon's numbering). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** An opening interval of a day, local time "HH:mm" (end exclusive; "24:00" allowed as end). */
export interface OpeningInterval {
  start: string;
  end: string;
}

/**
 * A business calendar: opening hours per weekday (several intervals allow a lunch break),
 * French public holidays from `date-holidays` (when `holidays` is 'FR'), extra closure days.
 */
export interface BusinessCalendarSpec {
  id: string;
  libelle: string;
  timeZone: string; // 'Europe/Paris'
  hours: Record<Weekday, OpeningInterval[]>;
  holidays: 'FR' | null;
  /** Extra closure days, local dates 'yyyy-mm-dd'. */
  closures: string[];
  /** Named closure periods (a bridge, the end-of-year closure), local dates, both days included. */
  fermetures?: Fermeture[];
}

/** A closure period an administrator names: from `du` to `au` included, local dates 'yyyy-mm-dd'. */
export interface Fermeture {
  du: string;
  au: string;
  libelle: string;
}

/** The longest closure period accepted (a year): longer is a typing error, not a closure. */
export const FERMETURE_MAX_JOURS = 366;

import { DateTime } from 'luxon';
import type { ModeCourriel } from '../notification.types';

/** The digest's clock: Europe/Paris, like every calendar of Relais. */
export const ZONE_RESUME = 'Europe/Paris';

/** The default of notification_preference for a user without a row. */
export const PREFERENCE_PAR_DEFAUT = { courriel: 'immediat' as ModeCourriel, heureResume: 8 };

/**
 * How far back a digest looks: unmailed notifications older than this stay in the inbox only.
 * A week covers the longest gap between two business days (a weekend with a bridge) and a relay
 * down over a long weekend, without mailing a month of history to someone who turns e-mail on.
 */
export const FENETRE_RESUME_MS = 7 * 24 * 3600_000;

/**
 * For a user in 'immediat', the digest also carries what the immediate path left behind (what
 * was pending when the user left 'resume', a mail whose job Redis lost or whose retries ran
 * out), once it is older than this: by then the immediate job has had all its attempts.
 */
export const DELAI_RATTRAPAGE_MS = 3600_000;

/** The hourly slot an instant falls in: the local day and hour, in Paris. */
export function creneauResume(at: Date): { jour: string; heure: number } {
  // Rounded to the nearest hour: a scheduler tick a few ms early or a job a minute late is still
  // the slot it was planned for.
  const local = DateTime.fromMillis(Math.round(at.getTime() / 3600_000) * 3600_000, { zone: ZONE_RESUME });
  return { jour: local.toISODate()!, heure: local.hour };
}

/**
 * Is this slot the user's digest? Its hour is the user's heure_resume and its day a business day
 * of the user's calendar. At the autumn clock change 02:00 happens twice: the digest's job id
 * (user, day) keeps it to one; at the spring change 02:00 does not exist, on a Sunday.
 */
export function estCreneauDuResume(creneau: { jour: string; heure: number }, heureResume: number, jourOuvre: (jour: string) => boolean): boolean {
  return creneau.heure === heureResume && jourOuvre(creneau.jour);
}

/**
 * The notifications a digest sent at `at` carries: unmailed, created in the window, and for a
 * user in 'immediat' only those the immediate path has given up on (see DELAI_RATTRAPAGE_MS).
 */
export function fenetreDuResume(mode: ModeCourriel, at: Date): { depuis: Date; jusqua: Date } | null {
  if (mode === 'aucun') return null;
  return {
    depuis: new Date(at.getTime() - FENETRE_RESUME_MS),
    jusqua: mode === 'resume' ? at : new Date(at.getTime() - DELAI_RATTRAPAGE_MS),
  };
}

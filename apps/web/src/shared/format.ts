const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' });
const number = new Intl.NumberFormat('fr-FR');

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function formatNumber(n: number): string {
  return number.format(n);
}

const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** A wall-clock duration in hours, as people say it: « 2 h », « 1,5 h », beyond two days « 3,2 j ». */
export function formatHeures(h: number | null | undefined): string {
  if (h == null) return '—';
  return h < 48 ? `${decimal.format(h)} h` : `${decimal.format(h / 24)} j`;
}

/** « 3 réponses, délai médian 2 h » from a count and a median in hours. */
export function formatReponses(reponses: number, delaiMedianHeures: number | null): string {
  const n = `${number.format(reponses)} réponse${reponses > 1 ? 's' : ''}`;
  return delaiMedianHeures == null ? n : `${n}, délai médian ${formatHeures(delaiMedianHeures)}`;
}

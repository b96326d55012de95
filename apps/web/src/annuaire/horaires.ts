/** Opening hours of an SLA calendar, as the Annuaire says them: « lun.–ven. 9:00–12:00, 13:30–17:00 ». */
export type Hours = Partial<Record<string, Array<{ start: string; end: string }>>>;

const JOURS = ['lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.', 'dim.'];

const heure = (hhmm: string) => hhmm.replace(/^0(\d)/, '$1');

/** Consecutive days with the same intervals are grouped; closed days are left out. */
export function formatHoraires(hours: Hours): string {
  const plages = JOURS.map((_, i) => (hours[String(i + 1)] ?? []).map((p) => `${heure(p.start)}–${heure(p.end)}`).join(', '));
  const groupes: Array<{ du: number; au: number; texte: string }> = [];
  plages.forEach((texte, i) => {
    if (!texte) return;
    const last = groupes[groupes.length - 1];
    if (last && last.au === i - 1 && last.texte === texte) last.au = i;
    else groupes.push({ du: i, au: i, texte });
  });
  if (groupes.length === 0) return 'Fermé';
  return groupes.map((g) => `${g.du === g.au ? JOURS[g.du] : `${JOURS[g.du]}–${JOURS[g.au]}`} ${g.texte}`).join(' ; ');
}

/** A référent who may be suggested, with what the history says of them for the dispositif. */
export interface Candidat {
  referentId: string;
  userId: string;
  displayName: string;
  /** Named in the directory for this dispositif (referent_dispositif). */
  nommePourDispositif: boolean;
  /** Named in the directory for the dispositif's thème (referent_theme). */
  nommePourTheme: boolean;
  reponses: number;
  delaiMedianHeures: number | null;
}

/**
 * The suggestion rule (ADR 0014): most answers on the dispositif in the window, then the
 * fastest median; those who never answered come after, the ones the directory names for the
 * dispositif first, then for its thème; the name last so the order is stable.
 */
export function classerCandidats(candidats: readonly Candidat[]): Candidat[] {
  return [...candidats].sort(
    (a, b) =>
      b.reponses - a.reponses ||
      (a.delaiMedianHeures ?? Infinity) - (b.delaiMedianHeures ?? Infinity) ||
      Number(b.nommePourDispositif) - Number(a.nommePourDispositif) ||
      Number(b.nommePourTheme) - Number(a.nommePourTheme) ||
      a.displayName.localeCompare(b.displayName, 'fr') ||
      a.referentId.localeCompare(b.referentId),
  );
}

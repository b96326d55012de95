/** The retention period in words: « un an », « 18 mois », « 2 ans »… */
export function dureeConservation(mois: number): string {
  if (mois % 12 !== 0) return `${mois} mois`;
  const ans = mois / 12;
  return ans === 1 ? 'un an' : `${ans} ans`;
}

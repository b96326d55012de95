import { describe, expect, it } from 'vitest';
import { affectationDe, type Commande, formatEcheance, materielLibelle, nomCourtMaison } from './labels';

const FOIX = 'f0000000-0000-4000-8000-000000000001';
const LIMOUX = 'f0000000-0000-4000-8000-000000000002';
const AFF_FOIX = 'a0000000-0000-4000-8000-000000000001';
const AFF_LIMOUX = 'a0000000-0000-4000-8000-000000000002';

describe('brief wording', () => {
  it('shows a deadline given as a date as that day alone, a precise one with its time (Paris)', () => {
    expect(formatEcheance('2026-12-18T22:59:59.999Z')).toBe('vendredi 18 décembre 2026');
    expect(formatEcheance('2026-12-18T16:00:00Z')).toBe('vendredi 18 décembre 2026 à 17 h 00');
    expect(formatEcheance(null)).toBe('non précisée');
  });

  it('says the material in words and shortens Maison names', () => {
    expect(materielLibelle('aucun')).toBe('Aucun matériel fourni');
    expect(materielLibelle(null)).toBe('Non précisé');
    expect(materielLibelle(['Support'])).toEqual(['Support']);
    expect(nomCourtMaison('Maison de Ma Région – Foix')).toBe('Foix');
    expect(nomCourtMaison('Maison de Foix')).toBe('Maison de Foix');
  });

  it('finds the Maison’s own affectation in a commande', () => {
    const commande = { affectations: [{ id: AFF_FOIX, maison: { id: FOIX } }, { id: AFF_LIMOUX, maison: { id: LIMOUX } }] } as unknown as Commande;
    expect(affectationDe(commande, LIMOUX)?.id).toBe(AFF_LIMOUX);
    expect(affectationDe(commande, null)).toBeNull();
    expect(affectationDe(commande, 'autre')).toBeNull();
  });
});

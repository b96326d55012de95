import { QUESTION_STATUTS } from './question.transitions';
import { ETAPE_USAGER, etapesSuivi, finDeValiditeSuivi, hashJetonSuivi, JETON_SUIVI, nouveauJetonSuivi, suiviValide } from './suivi';

describe('usager tracking link (pure rules)', () => {
  it('draws 256-bit URL-safe tokens, all distinct, and keeps their SHA-256', () => {
    const tokens = Array.from({ length: 200 }, () => nouveauJetonSuivi());
    for (const { jeton, hash } of tokens) {
      expect(jeton).toMatch(JETON_SUIVI);
      expect(Buffer.from(jeton, 'base64url')).toHaveLength(32);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).toBe(hashJetonSuivi(jeton));
    }
    expect(new Set(tokens.map((t) => t.jeton)).size).toBe(200);
    expect(hashJetonSuivi('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('ends a closed question’s link some calendar months after closing; an open one never', () => {
    expect(finDeValiditeSuivi(null, 6)).toBeNull();
    expect(finDeValiditeSuivi(new Date('2026-03-15T10:00:00Z'), 6)?.toISOString()).toBe('2026-09-15T10:00:00.000Z');
    // 31 August + 6 months: the end of February.
    expect(finDeValiditeSuivi(new Date('2026-08-31T08:00:00Z'), 6)?.toISOString()).toBe('2027-02-28T08:00:00.000Z');
    expect(finDeValiditeSuivi(new Date('2026-12-10T08:00:00Z'), 1)?.toISOString()).toBe('2027-01-10T08:00:00.000Z');
    const closed = new Date('2026-03-15T10:00:00Z');
    expect(suiviValide(closed, 6, new Date('2026-09-15T09:59:59Z'))).toBe(true);
    expect(suiviValide(closed, 6, new Date('2026-09-15T10:00:00Z'))).toBe(false);
    expect(suiviValide(null, 6, new Date('2100-01-01T00:00:00Z'))).toBe(true);
  });

  it('says every state in words for the usager, never the internal ones', () => {
    for (const statut of QUESTION_STATUTS) {
      expect(ETAPE_USAGER[statut].titre).toBeTruthy();
      expect(ETAPE_USAGER[statut].texte).toMatch(/^[A-ZÀ-Ý].*\.$/);
    }
    expect(ETAPE_USAGER.en_attente_info).toEqual(ETAPE_USAGER.prise_en_charge);
    expect(Object.values(ETAPE_USAGER).map((e) => `${e.titre} ${e.texte}`).join(' ')).not.toMatch(/information|référent|escalad|attente|'/i);
  });

  it('lists the milestones once per cycle, a reopening starting a new one; reorientations and exchanges are not milestones', () => {
    const at = (d: number) => new Date(Date.UTC(2026, 11, d));
    const etapes = etapesSuivi([
      { type: 'question.recue', at: at(1) },
      { type: 'question.message', at: at(1) },
      { type: 'question.escaladee', at: at(2) },
      { type: 'question.prise_en_charge', at: at(3) },
      { type: 'question.information_demandee', at: at(3) },
      { type: 'question.reorientee', at: at(4) },
      { type: 'question.prise_en_charge', at: at(5) },
      { type: 'question.repondue', at: at(6) },
      { type: 'question.close', at: at(7) },
      { type: 'question.rouverte', at: at(8) },
      { type: 'question.escaladee', at: at(9) },
    ]);
    expect(etapes.map((e) => [e.libelle, e.at.getUTCDate()])).toEqual([
      ['Demande enregistrée', 1],
      ['Transmise au service compétent', 2],
      ['Étude commencée par le service compétent', 3],
      ['Réponse reçue par la Maison', 6],
      ['Demande close', 7],
      ['Demande rouverte', 8],
      ['Transmise au service compétent', 9],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { choixPerimetres, ecrireFiltres, lireFiltres, nomFichierCsv } from './filtres';

const directions = [
  { id: 'd-tourisme', nom: 'Direction du Tourisme' },
  { id: 'd-def', nom: 'Direction de l’Emploi et de la Formation' },
  { id: 'd-old', nom: 'Ancienne direction', historique: true },
];
const maisons = [
  { id: 'm-foix', nom: 'Maison de Ma Région – Foix' },
  { id: 'm-carca', nom: 'Maison de Ma Région – Carcassonne' },
];

describe('dashboard filters', () => {
  it('read from and written to the query string, empty and unknown values left out', () => {
    const f = lireFiltres(new URLSearchParams('perimetre=direction:d-def&du=2026-11-02&au=&flux=autre&x=1'));
    expect(f).toEqual({ perimetre: 'direction:d-def', du: '2026-11-02' });
    expect(ecrireFiltres({ ...f, au: '2026-11-22', flux: 'commande' }).toString()).toBe('perimetre=direction%3Ad-def&du=2026-11-02&au=2026-11-22&flux=commande');
    expect(ecrireFiltres({}).toString()).toBe('');
  });

  it('name the CSV after the day in Paris, not the UTC day', () => {
    // 23:30 UTC on 5 December is 00:30 on 6 December in Paris.
    expect(nomFichierCsv('sla', new Date('2026-12-05T23:30:00Z'))).toBe('tableau-de-bord-sla-2026-12-06.csv');
    expect(nomFichierCsv('commandes', new Date('2026-07-01T10:00:00Z'))).toBe('tableau-de-bord-commandes-2026-07-01.csv');
  });

  it('offer each caller only the perimeters the API lets them see', () => {
    const reseau = choixPerimetres({ role: 'manager', perimetre: 'reseau', directionId: null, maisonId: null }, directions, maisons);
    expect(reseau.reseau?.value).toBe('reseau');
    // Historic directions aside, sorted in French.
    expect(reseau.directions.map((d) => d.value)).toEqual(['direction:d-def', 'direction:d-tourisme']);
    expect(reseau.maisons.map((m) => m.value)).toEqual(['maison:m-carca', 'maison:m-foix']);

    const direction = choixPerimetres({ role: 'manager', perimetre: 'direction', directionId: 'd-tourisme', maisonId: null }, directions, maisons);
    expect(direction).toEqual({ reseau: null, directions: [{ value: 'direction:d-tourisme', label: 'Direction du Tourisme' }], maisons: [] });

    const responsable = choixPerimetres({ role: 'responsable_mdr', perimetre: 'maison', directionId: null, maisonId: 'm-foix' }, directions, maisons);
    expect(responsable.maisons.map((m) => m.value)).toEqual(['maison:m-foix']);
    expect(responsable.reseau).toBeNull();

    expect(choixPerimetres({ role: 'agent_mdr', perimetre: 'maison', directionId: null, maisonId: 'm-foix' }, directions, maisons)).toEqual({ reseau: null, directions: [], maisons: [] });
  });
});

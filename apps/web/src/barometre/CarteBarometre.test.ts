import { describe, expect, it } from 'vitest';
import { x, y } from './CarteBarometre';
import { DEPARTEMENTS } from './occitanie-departements';

/** Préfectures (IGN town centres) and their département: each must land inside its outline's box. */
const PREFECTURES: Array<[string, string, number, number]> = [
  ['Perpignan', '66', 42.698, 2.895],
  ['Foix', '09', 42.965, 1.607],
  ['Carcassonne', '11', 43.213, 2.351],
  ['Montpellier', '34', 43.611, 3.877],
  ['Nîmes', '30', 43.837, 4.36],
  ['Mende', '48', 44.518, 3.501],
  ['Rodez', '12', 44.35, 2.575],
  ['Cahors', '46', 44.448, 1.441],
  ['Montauban', '82', 44.018, 1.355],
  ['Albi', '81', 43.929, 2.148],
  ['Toulouse', '31', 43.604, 1.444],
  ['Auch', '32', 43.646, 0.586],
  ['Tarbes', '65', 43.233, 0.078],
];

describe('the barometer map’s projection', () => {
  it('draws the thirteen départements of Occitanie', () => {
    expect(DEPARTEMENTS.map((d) => d.code).sort()).toEqual(PREFECTURES.map((p) => p[1]).sort());
  });

  it.each(PREFECTURES)('places %s inside its département (%s)', (_ville, code, latitude, longitude) => {
    const { boite } = DEPARTEMENTS.find((d) => d.code === code)!;
    expect(x(longitude)).toBeGreaterThan(boite.minX);
    expect(x(longitude)).toBeLessThan(boite.maxX);
    expect(y(latitude)).toBeGreaterThan(boite.minY);
    expect(y(latitude)).toBeLessThan(boite.maxY);
  });
});

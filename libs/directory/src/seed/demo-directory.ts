import type { DirectionType } from '../persistence/directory.entities';
import {
  DIRECTION_CODES_BY_NOM,
  DISPOSITIF_CODES_BY_NOM,
  EXTRA_DIRECTIONS,
  EXTRA_MAISONS,
  SECOND_REFERENT_DIRECTIONS,
  SPECIALISATIONS,
  THEME_DIRECTIONS,
} from './demo-assumptions';
import { buildDemoUsers, referentEmail } from './demo-users';
import { MOTS_CLES } from './dispositif-keywords';
import { OCCITANIE_REFERENCE, OccitanieReference, ReferenceDirection, ReferenceDispositif, ReferenceMaison } from './occitanie-reference';
import type { DemoDirectory, DirectionRow, DispositifRow, MaisonRow, ReferentRow, ThemeRow } from './seed-rows';
import { slugify } from './slugify';

const DIRECTION_TYPES: readonly DirectionType[] = ['direction', 'direction_generale', 'service', 'agence', 'fonds', 'groupement'];

/**
 * The whole demo directory, from the public reference data plus the documented demo
 * assumptions. Pure, so that its consistency (codes unique, every dispositif owned and answered
 * for) is checked before anything touches the database; throws on any inconsistency.
 */
export function buildDemoDirectory(reference: OccitanieReference = OCCITANIE_REFERENCE): DemoDirectory {
  const maisons = [...reference.maisons.map(toMaison), ...EXTRA_MAISONS];
  const directions = [...reference.directions.map(toDirection), ...EXTRA_DIRECTIONS];
  const directionCodes = new Set(directions.map((d) => d.code));
  const directionCodeByNom = new Map(directions.map((d) => [d.nom, d.code]));

  const themes: ThemeRow[] = reference.themes.map((t) => ({
    code: t.code,
    libelle: t.libelle,
    directionCode: known(directionCodes, THEME_DIRECTIONS[t.code], `owning direction of thème ${t.code}`),
  }));
  const themeDirection = new Map(themes.map((t) => [t.code, t.directionCode]));

  const dispositifs = reference.dispositifs.map((d) => toDispositif(d, themeDirection, directionCodeByNom));

  const referents = buildReferents(directions, themes, dispositifs);
  const users = buildDemoUsers(maisons, directions, referents);

  const maisonCodes = new Set(maisons.map((m) => m.code));
  for (const s of SPECIALISATIONS) {
    known(maisonCodes, s.maisonCode, 'specialisation maison');
    known(new Set(themeDirection.keys()), s.themeCode, 'specialisation thème');
  }
  for (const u of users) {
    if (u.maisonCode) known(maisonCodes, u.maisonCode, `maison of ${u.email}`);
    if (u.directionCode) known(directionCodes, u.directionCode, `direction of ${u.email}`);
  }
  assertUnique('maison code', maisons.map((m) => m.code));
  assertUnique('direction code', directions.map((d) => d.code));
  assertUnique('thème code', themes.map((t) => t.code));
  assertUnique('dispositif code', dispositifs.map((d) => d.code));
  assertUnique('user e-mail', users.map((u) => u.email));

  return { maisons, directions, themes, dispositifs, users, referents, specialisations: SPECIALISATIONS };
}

function toMaison(m: ReferenceMaison): MaisonRow {
  return {
    code: slugify(m.ville),
    nom: m.nom,
    ville: m.ville,
    departementCode: m.departement.code,
    departementNom: m.departement.nom,
    type: 'maison',
    adresse: m.adresse,
    horaires: m.horaires,
    source: m.source,
    verifie: m.verifie,
    note: m.note,
  };
}

function toDirection(d: ReferenceDirection): DirectionRow {
  const code = d.sigle ? slugify(d.sigle) : DIRECTION_CODES_BY_NOM[d.nom];
  if (!code) throw new Error(`Direction « ${d.nom} » has no sigle: give it a code in DIRECTION_CODES_BY_NOM`);
  if (!DIRECTION_TYPES.includes(d.type as DirectionType)) throw new Error(`Direction « ${d.nom} »: unknown type ${d.type}`);
  return {
    code,
    sigle: d.sigle,
    nom: d.nom,
    type: d.type as DirectionType,
    historique: d.historique,
    source: d.source,
    verifie: d.verifie,
    note: d.note,
  };
}

/** The owner is the direction the source names, else the thème's (a demo assumption). */
function toDispositif(d: ReferenceDispositif, themeDirection: Map<string, string>, directionCodeByNom: Map<string, string>): DispositifRow {
  const themeDirectionCode = themeDirection.get(d.theme);
  if (!themeDirectionCode) throw new Error(`Dispositif « ${d.nom} »: unknown thème ${d.theme}`);
  const directionCode = d.direction ? directionCodeByNom.get(d.direction) : themeDirectionCode;
  if (!directionCode) throw new Error(`Dispositif « ${d.nom} »: unknown direction « ${d.direction} »`);
  const code = DISPOSITIF_CODES_BY_NOM[d.nom] ?? slugify(d.nom);
  return {
    code,
    nom: d.nom,
    themeCode: d.theme,
    directionCode,
    publicVise: d.public,
    description: d.description,
    motsCles: MOTS_CLES[code] ?? [],
    historique: d.historique ?? false,
    source: d.source,
    verifie: d.verifie,
    note: d.note ?? null,
  };
}

/** One référent per direction that owns a thème or a dispositif (two where listed), answering for all of them. */
function buildReferents(directions: DirectionRow[], themes: ThemeRow[], dispositifs: DispositifRow[]): ReferentRow[] {
  const referents: ReferentRow[] = [];
  for (const direction of directions) {
    const themeCodes = themes.filter((t) => t.directionCode === direction.code).map((t) => t.code);
    const dispositifCodes = dispositifs.filter((d) => d.directionCode === direction.code).map((d) => d.code);
    if (!themeCodes.length && !dispositifCodes.length) continue;
    const count = SECOND_REFERENT_DIRECTIONS.includes(direction.code) ? 2 : 1;
    for (let rank = 1; rank <= count; rank++) {
      referents.push({ email: referentEmail(direction.code, rank), directionCode: direction.code, dispositifCodes, themeCodes });
    }
  }
  return referents;
}

function known(codes: Set<string>, code: string | undefined, what: string): string {
  if (!code || !codes.has(code)) throw new Error(`Demo directory: ${what} « ${code} » is not defined`);
  return code;
}

function assertUnique(what: string, values: string[]): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new Error(`Demo directory: duplicate ${what} « ${value} »`);
    seen.add(value);
  }
}

import type { Perimetre, Role } from '@app/core';
import type { DirectionType, MaisonType } from '../persistence/directory.entities';

/*
 * The demo directory as plain rows keyed by natural keys (codes, e-mails). Building them is
 * pure (and unit-tested); seed.ts alone turns codes into ids and writes them.
 */

export interface Sourced {
  source: string | null;
  verifie: boolean;
  note: string | null;
}

export interface MaisonRow extends Sourced {
  code: string;
  nom: string;
  ville: string;
  departementCode: string;
  departementNom: string;
  type: MaisonType;
  adresse: string | null;
  horaires: string | null;
}

export interface DirectionRow extends Sourced {
  code: string;
  sigle: string | null;
  nom: string;
  type: DirectionType;
  historique: boolean;
}

export interface ThemeRow {
  code: string;
  libelle: string;
  directionCode: string;
}

export interface DispositifRow extends Sourced {
  code: string;
  nom: string;
  themeCode: string;
  directionCode: string;
  publicVise: string | null;
  description: string | null;
  motsCles: string[];
  historique: boolean;
}

export interface UserRow {
  email: string;
  displayName: string;
  fonction: string;
  role: Role;
  perimetre: Perimetre;
  maisonCode: string | null;
  directionCode: string | null;
  telephone: string | null;
}

export interface ReferentRow {
  email: string;
  directionCode: string;
  dispositifCodes: string[];
  themeCodes: string[];
}

export interface SpecialisationRow {
  maisonCode: string;
  themeCode: string;
}

export interface DemoDirectory {
  maisons: MaisonRow[];
  directions: DirectionRow[];
  themes: ThemeRow[];
  dispositifs: DispositifRow[];
  users: UserRow[];
  referents: ReferentRow[];
  specialisations: SpecialisationRow[];
}

/** Per table: rows the seed holds, and how many it had to insert or change (0 and 0 on a re-run). */
export interface SeedCount {
  seeded: number;
  inserted: number;
  updated: number;
}

export interface SeedReport {
  maisons: SeedCount;
  directions: SeedCount;
  themes: SeedCount;
  dispositifs: SeedCount;
  users: SeedCount;
  referents: SeedCount;
  referentDispositifs: SeedCount;
  referentThemes: SeedCount;
  specialisations: SeedCount;
}

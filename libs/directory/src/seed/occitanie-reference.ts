import referenceJson from './data/occitanie-reference.json';

/**
 * The public reference data on the Région Occitanie (see data/occitanie-reference.json and
 * /docs of the shared brief): every entry carries its `source` and whether it was `verifie`.
 * Entries with `verifie: false` must never be shown as official.
 */
export interface ReferenceMaison {
  nom: string;
  ville: string;
  departement: { code: string; nom: string };
  adresse: string | null;
  horaires: string | null;
  telephone?: string | null;
  source: string | null;
  verifie: boolean;
  note: string | null;
}

export interface ReferenceDirection {
  sigle: string | null;
  nom: string;
  historique: boolean;
  type: string;
  source: string | null;
  verifie: boolean;
  sigle_verifie?: boolean;
  note: string | null;
}

export interface ReferenceTheme {
  code: string;
  libelle: string;
}

export interface ReferenceDispositif {
  nom: string;
  theme: string;
  public: string | null;
  description: string | null;
  /** The owning direction's `nom`, only when the source names it. */
  direction: string | null;
  source: string | null;
  verifie: boolean;
  historique?: boolean;
  note?: string | null;
}

export interface OccitanieReference {
  maisons: ReferenceMaison[];
  directions: ReferenceDirection[];
  themes: ReferenceTheme[];
  dispositifs: ReferenceDispositif[];
}

export const OCCITANIE_REFERENCE: OccitanieReference = referenceJson as OccitanieReference;

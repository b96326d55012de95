import type { DirectionType, MaisonType } from '../persistence/directory.entities';

/*
 * What the directory queries return: shaped for the screens (an agent choosing a dispositif
 * and seeing whom to ask). `verifie: false` marks demo data that must not be shown as official.
 */

export interface DirectionRef {
  id: string;
  code: string;
  sigle: string | null;
  nom: string;
}

export interface ThemeRef {
  id: string;
  code: string;
  libelle: string;
}

export interface DispositifRef {
  id: string;
  code: string;
  nom: string;
  historique: boolean;
}

interface SourcedView {
  verifie: boolean;
  source: string | null;
  note: string | null;
}

export interface MaisonView extends SourcedView {
  id: string;
  code: string;
  nom: string;
  ville: string;
  departement: { code: string; nom: string };
  type: MaisonType;
  adresse: string | null;
  horaires: string | null;
  /** The thèmes this MdR follows for the whole network. */
  specialisations: ThemeRef[];
  /** The MdR's active responsables (role responsable_mdr): whom to call at the Maison. */
  responsables: Array<{ id: string; displayName: string; email: string; telephone: string | null }>;
}

export interface DirectionView extends SourcedView {
  id: string;
  code: string;
  sigle: string | null;
  nom: string;
  type: DirectionType;
  historique: boolean;
}

export interface DirectionDetailView extends DirectionView {
  themes: ThemeRef[];
  dispositifs: DispositifRef[];
}

/** A Maison named in another resource: the correspondents of a thème (its spécialisations). */
export interface MaisonRef {
  id: string;
  code: string;
  nom: string;
  ville: string;
}

export interface ThemeView extends ThemeRef {
  direction: DirectionRef | null;
  /** The Maisons that follow the thème for the whole network (ADR 0018). */
  correspondants: MaisonRef[];
}

/** Whom an agent contacts about a dispositif. */
export interface ReferentContact {
  id: string;
  userId: string;
  displayName: string;
  email: string;
  telephone: string | null;
}

export interface DispositifView extends SourcedView {
  id: string;
  code: string;
  nom: string;
  theme: ThemeRef | null;
  direction: DirectionRef;
  publicVise: string | null;
  description: string | null;
  motsCles: string[];
  historique: boolean;
  referents: ReferentContact[];
  /** The Maisons that follow the dispositif's thème for the whole network (ADR 0018). */
  correspondants: MaisonRef[];
}

export interface ReferentView extends ReferentContact {
  fonction: string | null;
  direction: DirectionRef;
  dispositifs: DispositifRef[];
  themes: ThemeRef[];
}

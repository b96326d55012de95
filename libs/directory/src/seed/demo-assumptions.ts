import type { DirectionRow, MaisonRow, SpecialisationRow } from './seed-rows';

/*
 * Everything in this file is a DEMO ASSUMPTION, not a fact from the public sources: the field
 * study named places and directions the archived sources do not confirm, and the sources never
 * say which direction owns a thème. Each entry is flagged `verifie: false` (or documented here)
 * so that the UI can show it as unconfirmed. Check on laregion.fr before any public demo.
 */

const DEMO_NOTE = 'Hypothèse de démonstration, absente des sources publiques consultées : à confirmer, ne pas présenter comme réelle.';

/** Limoux comes from the field study; no public source lists it among the Maisons. */
export const EXTRA_MAISONS: MaisonRow[] = [
  {
    code: 'limoux',
    nom: 'Maison de Ma Région – Limoux',
    ville: 'Limoux',
    departementCode: '11',
    departementNom: 'Aude',
    type: 'bureau_territorial',
    adresse: null,
    horaires: null,
    source: null,
    verifie: false,
    note: `Bureau territorial cité par l'étude de terrain. ${DEMO_NOTE}`,
  },
];

/** Directions the field study names but the sources do not describe. */
export const EXTRA_DIRECTIONS: DirectionRow[] = [
  {
    code: 'ditee',
    sigle: 'DITEE',
    nom: 'DITEE (intitulé à confirmer)',
    type: 'direction',
    historique: false,
    source: null,
    verifie: false,
    note: `Sigle cité par l'étude de terrain ; aucun intitulé trouvé. Chargée ici de l'eau et de la transition énergétique. ${DEMO_NOTE}`,
  },
  {
    code: 'tourisme',
    sigle: null,
    nom: 'Direction du Tourisme',
    type: 'direction',
    historique: false,
    source: null,
    verifie: false,
    note: `Direction du tourisme évoquée par l'étude de terrain (Ec'Eau Tourisme) ; intitulé et sigle non vérifiés. ${DEMO_NOTE}`,
  },
];

/**
 * Codes of the reference directions that have no sigle (those with one use its slug). Explicit
 * rather than derived from the long names, so that rewording a name never changes a natural key.
 */
export const DIRECTION_CODES_BY_NOM: Record<string, string> = {
  "Direction de l'Économie et de l'Innovation": 'economie-innovation',
  'Direction des Sports': 'sports',
  'Direction de la Mer': 'mer',
  'Direction des Solidarités': 'solidarites',
  "Direction Maîtrise d'Ouvrage Éducative": 'maitrise-ouvrage-educative',
  "Service de la connaissance et de l'inventaire des patrimoines": 'inventaire-patrimoines',
  'Sud de France Développement (SEML, tourisme/export, Pérols)': 'sud-de-france-developpement',
  'Invest Sud de France': 'invest-sud-de-france',
  'Transferts LR': 'transferts-lr',
  Synersud: 'synersud',
  'Occitanie en scène (agence régionale du spectacle vivant)': 'occitanie-en-scene',
  'Agence des Pyrénées': 'agence-des-pyrenees',
  'Groupement « Ma santé, Ma Région »': 'ma-sante-ma-region',
};

/**
 * The direction that owns each thème: where a question on the thème without a dispositif goes.
 * The sources never give it. Where the data has no fitting direction (agriculture, youth,
 * culture, health) the closest one present is used rather than inventing another direction.
 */
export const THEME_DIRECTIONS: Record<string, string> = {
  TOURISME: 'tourisme',
  ECONOMIE: 'economie-innovation',
  AGRICULTURE: 'economie-innovation', // agroalimentaire and viticulture schemes; no agriculture direction in the data
  EAU: 'ditee',
  TRANSITION_ENERGETIQUE: 'ditee',
  LOGEMENT: 'dat', // habitat as part of territorial planning
  MOBILITE: 'ditm',
  JEUNESSE_EDUCATION: 'def', // no education or youth direction in the data
  FORMATION_EMPLOI: 'def',
  CULTURE: 'occitanie-en-scene', // the performing-arts agency; no culture direction in the data
  SPORT: 'sports',
  SANTE: 'ma-sante-ma-region',
};

/** Dispositifs whose name has no usable slug. */
export const DISPOSITIF_CODES_BY_NOM: Record<string, string> = {
  '+ = 0': 'plus-egale-zero', // pronounced « plus égale zéro »
  'Billets de train liO à 1 €': 'billets-de-train-lio-a-1-euro',
};

/** MdRs that follow a thème for the whole network. */
export const SPECIALISATIONS: SpecialisationRow[] = [
  { maisonCode: 'carcassonne', themeCode: 'TOURISME' },
  { maisonCode: 'foix', themeCode: 'FORMATION_EMPLOI' },
  { maisonCode: 'mende', themeCode: 'AGRICULTURE' },
];

/** Directions with a second référent, to show that a dispositif may have several. */
export const SECOND_REFERENT_DIRECTIONS = ['tourisme'];

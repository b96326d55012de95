import { Prng } from './prng';

/*
 * Plausible French wording for generated questions. Templates only: no real usager, no real
 * organisation (e-mails on example.org, telephones in 05 36 49, the range the ARCEP keeps for
 * fiction, as the demo directory does).
 */

const OBJETS = [
  (s: string) => `Éligibilité à « ${s} »`,
  (s: string) => `Montant et conditions de « ${s} »`,
  (s: string) => `Pièces à fournir pour « ${s} »`,
  (s: string) => `Délai d’instruction – ${s}`,
  (s: string) => `Cumul de « ${s} » avec une autre aide`,
  (s: string) => `Suivi d’un dossier déposé – ${s}`,
  (s: string) => `Date limite de dépôt – ${s}`,
  (s: string) => `Versement de l’aide – ${s}`,
];

const PUBLICS = [
  'Un gérant de camping',
  'Une association sportive',
  'Une jeune diplômée',
  'Un artisan du bâtiment',
  'Une commune rurale',
  'Un demandeur d’emploi',
  'Une exploitante agricole',
  'Une start-up',
  'Un lycéen et ses parents',
  'Une compagnie de théâtre',
  'Une TPE de la restauration',
  'Un retraité bénévole',
];

const DEMANDES = [
  'souhaite savoir s’il peut bénéficier de l’aide et sous quelles conditions.',
  'demande quel est le montant maximal et comment il est calculé.',
  'a déposé un dossier il y a plusieurs semaines et n’a pas de nouvelles.',
  'veut connaître les pièces justificatives à joindre au dossier.',
  'demande si l’aide est cumulable avec un financement de l’État.',
  'hésite entre deux dispositifs et demande lequel correspond à son projet.',
  'demande si le dispositif est toujours ouvert cette année.',
];

const CONTEXTES = [
  'Le projet doit démarrer avant l’été.',
  'Le devis a déjà été signé.',
  'La structure est implantée dans le département depuis moins d’un an.',
  'Le dossier a été refusé une première fois pour pièce manquante.',
  'L’usager a été orienté vers nous par sa mairie.',
  '',
  '',
];

const MESSAGES_ESCALADE = [
  'Pouvez-vous nous aider sur ce dossier ? Nous n’avons pas trouvé la réponse dans la documentation.',
  'Question précise sur les conditions d’éligibilité, merci pour votre retour.',
  'L’usager attend une réponse rapide, le projet démarre bientôt.',
  'Cas particulier : cumul avec une autre aide régionale.',
];

const DEMANDES_INFO = [
  'Pouvez-vous préciser le statut juridique de la structure ?',
  'Merci de nous transmettre le montant du projet et le calendrier prévu.',
  'Le projet est-il situé en zone de revitalisation rurale ?',
  'Avez-vous le numéro du dossier déjà déposé ?',
];

const INFOS_FOURNIES = [
  'Il s’agit d’une SARL créée en 2021.',
  'Montant du projet : environ 45 000 €, démarrage prévu à la rentrée.',
  'Oui, la commune est classée en ZRR.',
  'Numéro de dossier communiqué par l’usager par téléphone.',
];

const REPONSES = [
  'L’usager est éligible : le dossier se dépose en ligne, l’aide couvre jusqu’à 30 % des dépenses éligibles.',
  'Le dispositif n’est pas cumulable avec l’aide de l’État pour les mêmes dépenses ; il reste possible sur la part non financée.',
  'Le dossier est en cours d’instruction, une décision est attendue en commission du mois prochain.',
  'Les pièces à fournir : statuts, Kbis de moins de trois mois, devis, plan de financement et RIB.',
  'Ce projet relève plutôt d’un autre dispositif ; les coordonnées du service instructeur sont dans la fiche jointe.',
];

const REPONSES_LOCALES = [
  'Réponse donnée au guichet à partir de la fiche du dispositif.',
  'Documentation remise à l’usager, lien vers le dépôt en ligne communiqué.',
  'Rendez-vous pris avec le conseiller du territoire.',
  'Information donnée par téléphone : dépôt en ligne sur le portail des aides.',
];

const MOTIFS_REORIENTATION = [
  'Ce dispositif est instruit par une autre direction depuis la réorganisation.',
  'La question porte sur un volet qui ne relève pas de notre direction.',
  'Mauvais aiguillage : le projet relève de la formation, pas de l’économie.',
];

const ISSUES = [
  'Usager informé par téléphone',
  'Réponse transmise par courriel',
  'Usager reçu au guichet',
  null,
];

const MOTIFS_REOUVERTURE = [
  'L’usager revient avec une question complémentaire.',
  'La réponse ne correspond pas au cas de l’usager.',
  'Nouveau refus du dossier, l’usager demande des explications.',
];

const PRENOMS = ['Marie', 'Jean', 'Pierre', 'Sylvie', 'Laurent', 'Chantal', 'Karim', 'Inès', 'Louis', 'Emma', 'Hugo', 'Léa', 'Nadia', 'Paul', 'Rose', 'Yanis'];
const NOMS = ['Martin', 'Bernard', 'Durand', 'Lefèvre', 'Moreau', 'Garcia', 'Fournier', 'Mercier', 'Blanc', 'Guerin', 'Muller', 'Henry', 'Rousseau', 'Nicolas'];
const ORGANISATIONS = ['SARL Les Pins', 'Association Les Amis du Lac', 'Camping du Moulin', 'EARL du Causse', 'Compagnie Théâtre en Herbe', 'Commune de Saint-Martin', 'SAS Bois & Forêt', 'Club Sportif Occitan'];

export function objetFor(rng: Prng, sujet: string): string {
  return rng.pick(OBJETS)(sujet).slice(0, 200);
}

export function descriptionFor(rng: Prng, sujet: string): string {
  const contexte = rng.pick(CONTEXTES);
  return `${rng.pick(PUBLICS)} ${rng.pick(DEMANDES)} Sujet : ${sujet}.${contexte ? ` ${contexte}` : ''}`;
}

export const texts = {
  messageEscalade: (rng: Prng) => (rng.chance(0.4) ? null : rng.pick(MESSAGES_ESCALADE)),
  demandeInfo: (rng: Prng) => rng.pick(DEMANDES_INFO),
  infoFournie: (rng: Prng) => rng.pick(INFOS_FOURNIES),
  reponse: (rng: Prng) => rng.pick(REPONSES),
  reponseLocale: (rng: Prng) => rng.pick(REPONSES_LOCALES),
  motifReorientation: (rng: Prng) => rng.pick(MOTIFS_REORIENTATION),
  issue: (rng: Prng) => rng.pick(ISSUES),
  motifReouverture: (rng: Prng) => rng.pick(MOTIFS_REOUVERTURE),
};

export interface UsagerValues {
  nom: string;
  organisation: string | null;
  email: string | null;
  telephone: string | null;
}

export function usagerFor(rng: Prng): UsagerValues {
  const prenom = rng.pick(PRENOMS);
  const nom = rng.pick(NOMS);
  const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const hasEmail = rng.chance(0.7);
  const hasPhone = !hasEmail || rng.chance(0.5);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    nom: `${prenom} ${nom}`,
    organisation: rng.chance(0.45) ? rng.pick(ORGANISATIONS) : null,
    email: hasEmail ? `${ascii(prenom)}.${ascii(nom)}${rng.int(100)}@example.org` : null,
    telephone: hasPhone ? `05 36 49 ${pad(rng.int(100))} ${pad(rng.int(100))}` : null,
  };
}

import type { Me } from '../auth/session';

export interface NavItem {
  to: string;
  label: string;
}

/** The navigation of each role (the screens of this first version), the dashboards last. */
export function navigationOf(role: Me['role']): NavItem[] {
  // The Annuaire is for everyone: "who to call" is every role's question.
  return [...screensOf(role), ...tableauxDeBordOf(role), { to: '/annuaire', label: 'Annuaire' }];
}

/**
 * The dashboards each role may open (the API scopes them: a manager, the Cabinet or an admin
 * their perimeter, the head of an MdR their MdR, a référent their own line; agents none).
 */
function tableauxDeBordOf(role: Me['role']): NavItem[] {
  const sla = { to: '/tableaux-de-bord/sla', label: 'Tableau de bord SLA' };
  const commandes = { to: '/tableaux-de-bord/commandes', label: 'Tableau des commandes' };
  const capitalisation = { to: '/tableaux-de-bord/capitalisation', label: 'Capitalisation' };
  // The autonomy gauge and survey (ADR 0021): for those who answer the survey.
  const autonomie = { to: '/autonomie', label: 'Autonomie' };
  // The barometer (ADR 0020): the network's weather and the month's figures per Maison.
  const barometre = { to: '/barometre', label: 'Baromètre' };
  switch (role) {
    case 'manager':
    case 'cabinet':
    case 'responsable_mdr':
      return [sla, commandes, capitalisation, barometre, autonomie];
    case 'admin':
      return [sla, commandes, capitalisation, barometre];
    case 'referent':
      return [sla, capitalisation];
    default:
      return [];
  }
}

function screensOf(role: Me['role']): NavItem[] {
  switch (role) {
    case 'agent_mdr':
    case 'responsable_mdr':
      return [
        { to: '/questions', label: 'Questions de ma Maison' },
        { to: '/questions/nouvelle', label: 'Nouvelle question' },
        // A correspondent Maison's read-only view of its thèmes (the page says when there is none).
        { to: '/questions/reseau', label: 'Questions du réseau' },
        { to: '/commandes-recues', label: 'Commandes reçues' },
      ];
    case 'referent':
      return [{ to: '/file-referent', label: 'File des questions' }];
    case 'cabinet':
      return [
        { to: '/cabinet/commandes', label: 'Commandes' },
        { to: '/cabinet/commandes/nouvelle', label: 'Nouvelle commande' },
      ];
    case 'admin':
      return [
        { to: '/admin/politiques-sla', label: 'Politiques SLA' },
        { to: '/admin/calendriers', label: 'Calendriers' },
        { to: '/admin/files', label: 'Tableau des files' },
        { to: '/admin/webhooks', label: 'Webhooks' },
        { to: '/admin/rgpd', label: 'Données personnelles (RGPD)' },
      ];
    default:
      return [];
  }
}

export function homeOf(role: Me['role']): string {
  return navigationOf(role)[0]?.to ?? '/bienvenue';
}

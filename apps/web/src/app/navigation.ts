import type { Me } from '../auth/session';

export interface NavItem {
  to: string;
  label: string;
}

/** The navigation of each role (the screens of this first version). */
export function navigationOf(role: Me['role']): NavItem[] {
  switch (role) {
    case 'agent_mdr':
    case 'responsable_mdr':
      return [
        { to: '/questions', label: 'Questions de ma Maison' },
        { to: '/questions/nouvelle', label: 'Nouvelle question' },
        { to: '/commandes-recues', label: 'Commandes reçues' },
      ];
    case 'referent':
      return [{ to: '/file-referent', label: 'File des questions' }];
    default:
      return [];
  }
}

export function homeOf(role: Me['role']): string {
  return navigationOf(role)[0]?.to ?? '/bienvenue';
}

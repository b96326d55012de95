import type { DirectionRow, MaisonRow, ReferentRow, UserRow } from './seed-rows';

/*
 * Invented demo accounts: French, plausible, and no real person. Telephone numbers are in
 * 05 36 49 xx xx, a range the ARCEP reserves for fiction, so a demo never rings anyone.
 */

const FIRST_NAMES: ReadonlyArray<readonly [string, 'f' | 'm']> = [
  ['Claire', 'f'], ['Julien', 'm'], ['Sophie', 'f'], ['Mathieu', 'm'], ['Élodie', 'f'], ['Nicolas', 'm'],
  ['Camille', 'f'], ['Thomas', 'm'], ['Laure', 'f'], ['Sébastien', 'm'], ['Manon', 'f'], ['Guillaume', 'm'],
  ['Aurélie', 'f'], ['Florian', 'm'], ['Marion', 'f'], ['Jérôme', 'm'], ['Pauline', 'f'], ['Damien', 'm'],
  ['Céline', 'f'], ['Romain', 'm'], ['Anaïs', 'f'], ['Benoît', 'm'], ['Hélène', 'f'], ['Lucas', 'm'],
  ['Nathalie', 'f'], ['Olivier', 'm'], ['Émilie', 'f'], ['Fabien', 'm'], ['Isabelle', 'f'],
];

const LAST_NAMES: readonly string[] = [
  'Vidal', 'Fabre', 'Roux', 'Marty', 'Pujol', 'Sabatier', 'Bonnet', 'Mas', 'Puech', 'Rouquette', 'Estève',
  'Cabrol', 'Combes', 'Granier', 'Bourrel', 'Teisseire', 'Serres', 'Lacombe', 'Alibert', 'Andrieu', 'Barthe',
  'Cros', 'Delmas', 'Garrigues', 'Mazet', 'Pagès', 'Roques', 'Salles', 'Vergnes', 'Laborde', 'Cazals',
];

/**
 * The i-th invented person. 29 and 31 are coprime (and 7 is invertible modulo 29), so the first
 * 899 names are all distinct; the stride of 7 mixes genders, which alternate in FIRST_NAMES, so
 * that agents and heads of MdR (taken in turns) are not all women or all men.
 */
export function inventedPerson(i: number): { displayName: string; feminine: boolean } {
  const [first, gender] = FIRST_NAMES[(i * 7) % FIRST_NAMES.length];
  return { displayName: `${first} ${LAST_NAMES[i % LAST_NAMES.length]}`, feminine: gender === 'f' };
}

/** The accounts that are one of a kind: Cabinet, managers, administrator. */
const SINGLE_ACCOUNTS: UserRow[] = [
  account('cabinet.conseiller', 'Vincent Carrère', 'Conseiller technique du Cabinet', 'cabinet'),
  account('manager.reseau', 'Sandrine Molinier', 'Coordinatrice du réseau des Maisons de Ma Région', 'manager'),
  account('manager.tourisme', 'Hervé Castan', 'Chef de service – Direction du Tourisme', 'manager', { directionCode: 'tourisme' }),
  account('manager.def', 'Martine Rességuier', "Cheffe de service – Direction de l'Emploi et de la Formation", 'manager', {
    directionCode: 'def',
  }),
  account('manager.carcassonne', 'Lionel Bousquet', 'Manager territorial – Maison de Ma Région de Carcassonne', 'manager', {
    maisonCode: 'carcassonne',
  }),
  account('admin', 'Nadia Ferrand', 'Administratrice fonctionnelle de Relais', 'admin'),
];

export function referentEmail(directionCode: string, rank: number): string {
  return `referent${rank === 1 ? '' : rank}.${directionCode}@relais.demo`;
}

/** Every demo account: two per MdR, the référents, then the one-of-a-kind accounts. */
export function buildDemoUsers(maisons: MaisonRow[], directions: DirectionRow[], referents: ReferentRow[]): UserRow[] {
  const users: UserRow[] = [];
  let next = 0;
  for (const maison of [...maisons].sort((a, b) => a.code.localeCompare(b.code))) {
    const agent = inventedPerson(next++);
    const agentFonction = agent.feminine ? "Agente d'accueil polyvalente" : "Agent d'accueil polyvalent";
    users.push(account(`agent.${maison.code}`, agent.displayName, agentFonction, 'agent_mdr', { maisonCode: maison.code }));
    const head = inventedPerson(next++);
    const headFonction = maison.type === 'bureau_territorial' ? 'Responsable du bureau territorial' : 'Responsable de la Maison de Ma Région';
    users.push(account(`responsable.${maison.code}`, head.displayName, headFonction, 'responsable_mdr', { maisonCode: maison.code }));
  }
  const directionByCode = new Map(directions.map((d) => [d.code, d]));
  for (const referent of referents) {
    const person = inventedPerson(next++);
    const direction = directionByCode.get(referent.directionCode);
    if (!direction) throw new Error(`Référent ${referent.email}: unknown direction ${referent.directionCode}`);
    const fonction = `${person.feminine ? 'Chargée' : 'Chargé'} de mission – ${direction.sigle ?? direction.nom}`;
    users.push({
      ...account(referent.email.replace(/@relais\.demo$/, ''), person.displayName, fonction, 'referent', {
        directionCode: referent.directionCode,
      }),
      telephone: fictionalPhone(next),
    });
  }
  return [...users, ...SINGLE_ACCOUNTS];
}

/** 05 36 49 xx xx: reserved for fiction by the ARCEP. */
function fictionalPhone(n: number): string {
  const pad = (v: number) => String(v).padStart(2, '0');
  return `05 36 49 ${pad(Math.floor(n / 100) % 100)} ${pad(n % 100)}`;
}

/** A user row; the perimetre follows from the scope given, as the `chk_users_scope` constraint requires. */
function account(
  localPart: string,
  displayName: string,
  fonction: string,
  role: UserRow['role'],
  scope: { maisonCode?: string; directionCode?: string } = {},
): UserRow {
  return {
    email: `${localPart}@relais.demo`,
    displayName,
    fonction,
    role,
    perimetre: scope.maisonCode ? 'maison' : scope.directionCode ? 'direction' : 'reseau',
    maisonCode: scope.maisonCode ?? null,
    directionCode: scope.directionCode ?? null,
    telephone: null,
  };
}

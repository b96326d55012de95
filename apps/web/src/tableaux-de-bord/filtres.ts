import type { Me } from '../auth/session';

/** What a dashboard is asked for, as kept in the URL's query string (shareable, survives a reload). */
export interface FiltresTableau {
  /** 'reseau', 'direction:<id>' or 'maison:<id>'; absent: the caller's own perimeter (the API decides). */
  perimetre?: string;
  /** First and last local days, 'yyyy-mm-dd'; absent: the API's default period. */
  du?: string;
  au?: string;
  /** SLA dashboard only: questions (default) or commandes' assignments. */
  flux?: 'question' | 'commande';
}

export const tableauKeys = {
  all: ['tableaux-de-bord'] as const,
  sla: (f: FiltresTableau) => ['tableaux-de-bord', 'sla', f] as const,
  commandes: (f: FiltresTableau) => ['tableaux-de-bord', 'commandes', f] as const,
  capitalisation: (f: FiltresTableau) => ['tableaux-de-bord', 'capitalisation', f] as const,
};

/** 'reseau' | 'direction:<id>' | 'maison:<id>' of the perimeter the API answered for. */
export const perimetreDe = (p: { type: string; id: string | null }) => (p.type === 'reseau' ? 'reseau' : `${p.type}:${p.id}`);

const CLES = ['perimetre', 'du', 'au', 'flux'] as const;

/** The filters read from the query string (empty values are absent; the API validates the rest). */
export function lireFiltres(search: URLSearchParams): FiltresTableau {
  const out: FiltresTableau = {};
  for (const cle of CLES) {
    const v = search.get(cle)?.trim();
    if (!v) continue;
    if (cle === 'flux') {
      if (v === 'question' || v === 'commande') out.flux = v;
    } else out[cle] = v;
  }
  return out;
}

/** The query string of the filters, in a stable order, without empty values. */
export function ecrireFiltres(filtres: FiltresTableau): URLSearchParams {
  const search = new URLSearchParams();
  for (const cle of CLES) {
    const v = filtres[cle];
    if (v) search.set(cle, v);
  }
  return search;
}

/** Today in Paris, 'yyyy-mm-dd' (what a French user calls today, whatever the UTC offset). */
export function aujourdhuiParis(now: Date = new Date()): string {
  // The Swedish locale writes dates as ISO does.
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The French name of a downloaded dashboard: tableau-de-bord-sla-2026-12-06.csv. */
export function nomFichierCsv(tableau: 'sla' | 'commandes' | 'capitalisation', now: Date = new Date()): string {
  return `tableau-de-bord-${tableau}-${aujourdhuiParis(now)}.csv`;
}

export interface ChoixPerimetre {
  value: string;
  label: string;
}

export interface ChoixPerimetres {
  reseau: ChoixPerimetre | null;
  directions: ChoixPerimetre[];
  maisons: ChoixPerimetre[];
}

/**
 * The perimeters the caller may ask for, as the API's rule (libs/dashboards/src/scope.ts): the
 * network scope (admins, network managers, the Cabinet) sees the network, every direction and
 * every MdR; a direction's manager or référent their direction; an MdR's manager or head their
 * MdR. The API still decides: anything else would be refused with a 403.
 */
export function choixPerimetres(
  user: Pick<Me, 'role' | 'perimetre' | 'directionId' | 'maisonId'>,
  directions: Array<{ id: string; nom: string; historique?: boolean }>,
  maisons: Array<{ id: string; nom: string }>,
): ChoixPerimetres {
  const tri = (a: ChoixPerimetre, b: ChoixPerimetre) => a.label.localeCompare(b.label, 'fr');
  const d = directions.filter((x) => !x.historique).map((x) => ({ value: `direction:${x.id}`, label: x.nom }));
  const m = maisons.map((x) => ({ value: `maison:${x.id}`, label: x.nom }));
  const reseau = user.role === 'admin' || (user.perimetre === 'reseau' && (user.role === 'manager' || user.role === 'cabinet'));
  if (reseau) return { reseau: { value: 'reseau', label: 'Tout le réseau' }, directions: d.sort(tri), maisons: m.sort(tri) };
  if (user.perimetre === 'direction' && (user.role === 'manager' || user.role === 'referent')) {
    return { reseau: null, directions: d.filter((x) => x.value === `direction:${user.directionId}`), maisons: [] };
  }
  if (user.perimetre === 'maison' && (user.role === 'manager' || user.role === 'responsable_mdr')) {
    return { reseau: null, directions: [], maisons: m.filter((x) => x.value === `maison:${user.maisonId}`) };
  }
  return { reseau: null, directions: [], maisons: [] };
}

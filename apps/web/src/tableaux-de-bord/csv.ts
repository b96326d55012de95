import { api, unwrap } from '../api/client';
import type { FiltresTableau } from './filtres';

type Chemin = '/api/v1/tableaux-de-bord/sla' | '/api/v1/tableaux-de-bord/commandes' | '/api/v1/tableaux-de-bord/capitalisation';

/**
 * Downloads a dashboard as the API writes it for `Accept: text/csv` (the same figures as the
 * screen), through the typed client so the bearer token goes along, and saves it under a French
 * file name. A refusal comes back as an ApiProblem like any other call.
 */
export async function telechargerCsv(chemin: Chemin, filtres: FiltresTableau, nomFichier: string): Promise<void> {
  const blob = (await unwrap(
    api.GET(chemin, { params: { query: filtres }, headers: { Accept: 'text/csv' }, parseAs: 'blob' }) as Promise<{ data?: Blob; error?: unknown; response: Response }>,
  )) as Blob;
  enregistrer(blob, nomFichier);
}

/** Hands a file to the browser's download (an object URL on a temporary link). */
export function enregistrer(blob: Blob, nomFichier: string): void {
  const url = URL.createObjectURL(blob);
  const lien = document.createElement('a');
  lien.href = url;
  lien.download = nomFichier;
  lien.hidden = true;
  document.body.append(lien);
  lien.click();
  lien.remove();
  // After the click has been handled: the browser has taken the file.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

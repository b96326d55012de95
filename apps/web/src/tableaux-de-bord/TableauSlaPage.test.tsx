import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../test/fake-api';
import { renderInApp } from '../../test/render';
import { api, type Schemas } from '../api/client';
import { setSession } from '../auth/session';
import { nomFichierCsv } from './filtres';
import { TableauSlaPage } from './TableauSlaPage';

const TOURISME = '11111111-1111-4111-8111-111111111111';

const ligne = (over: Partial<Schemas['LigneRepartitionDto']>): Schemas['LigneRepartitionDto'] => ({
  id: null,
  libelle: '',
  ouverts: 0,
  aRisque: 0,
  depasses: 0,
  termines: 0,
  aTemps: 0,
  tauxPct: null,
  medianeResolutionMinutesOuvrees: null,
  ...over,
});

/** The network view of the API's own test dataset (test/dashboards/sla-dashboard.e2e-spec.ts). */
const tableau = (over: Partial<Schemas['TableauSlaDto']> = {}): Schemas['TableauSlaDto'] => ({
  perimetre: { type: 'reseau', id: null, libelle: 'Réseau des Maisons de la Région' },
  referentId: null,
  flux: 'question',
  du: '2026-11-02',
  au: '2026-11-22',
  genereA: '2026-11-25T15:00:00.000Z',
  donneesPeriodeA: '2026-11-25T14:59:00.000Z',
  maintenant: {
    ouverts: 4,
    aRisque: 2,
    depasses: 1,
    anciennete: [
      { tranche: 'moins_1', libelle: 'moins d’un jour ouvré', ouverts: 1 },
      { tranche: 'de_1_a_3', libelle: '1 à 3 jours ouvrés', ouverts: 0 },
      { tranche: 'de_3_a_5', libelle: '3 à 5 jours ouvrés', ouverts: 0 },
      { tranche: 'de_5_a_10', libelle: '5 à 10 jours ouvrés', ouverts: 1 },
      { tranche: 'plus_de_10', libelle: 'plus de 10 jours ouvrés', ouverts: 2 },
    ],
  },
  conformite: [
    { horloge: 'prise_en_charge', termines: 6, aTemps: 5, tauxPct: 83.3 },
    { horloge: 'relais', termines: 3, aTemps: 2, tauxPct: 66.7 },
    { horloge: 'reponse', termines: 4, aTemps: 3, tauxPct: 75 },
  ],
  delais: {
    premiereReponse: { horloge: 'prise_en_charge', termines: 6, medianeMinutesOuvrees: 70, p90MinutesOuvrees: 480 },
    resolution: { horloge: 'reponse', termines: 4, medianeMinutesOuvrees: 270, p90MinutesOuvrees: 1440 },
  },
  tempsParDetenteur: { maison: 1380, siege: 2040, usager: 1440, cabinet: 0 },
  tendance: [
    { semaine: '2026-11-02', termines: 7, aTemps: 6, tauxPct: 85.7 },
    { semaine: '2026-11-09', termines: 4, aTemps: 4, tauxPct: 100 },
    { semaine: '2026-11-16', termines: 2, aTemps: 0, tauxPct: 0 },
  ],
  repartition: {
    directions: [ligne({ id: TOURISME, libelle: 'Direction du Tourisme', ouverts: 2, aRisque: 1, termines: 7, aTemps: 6, tauxPct: 85.7, medianeResolutionMinutesOuvrees: 240 })],
    maisons: [],
    referents: [ligne({ libelle: 'Non prise en charge', ouverts: 1, aRisque: 1 })],
  },
  ...over,
});


/** The cells of the table row holding an element. */
const rowOf = (el: HTMLElement) => [...el.closest('tr')!.children].map((c) => c.textContent);

function Where() {
  return <output data-testid="where">{useLocation().search}</output>;
}

// Rendering every chart and table in jsdom takes a few seconds on a busy machine.
describe('SLA dashboard page', { timeout: 20_000 }, () => {
  let get: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    // recharts measures its container; jsdom has no layout.
    vi.stubGlobal(
      'ResizeObserver',
      class {
        observe() {}
        unobserve() {}
        disconnect() {}
      },
    );
    setSession({
      token: 't',
      user: { id: 'u', displayName: 'Sandrine Molinier', email: 'manager.reseau@relais.demo', role: 'manager', perimetre: 'reseau', directionId: null, maisonId: null },
    });
    get = vi.fn((path: string, init?: { params?: { query?: Record<string, unknown> } }) => {
      if (path === '/api/v1/directions') return ok({ items: [{ id: TOURISME, nom: 'Direction du Tourisme', historique: false }], nextCursor: null });
      if (path === '/api/v1/maisons') return ok({ items: [], nextCursor: null });
      if (path === '/api/v1/tableaux-de-bord/sla') {
        const q = init?.params?.query ?? {};
        if (q.du === '2026-13-01') {
          return Promise.resolve({
            error: { status: 400, title: 'Requête invalide', detail: 'Paramètres refusés.', code: 'VALIDATION', errors: [{ field: 'du', message: 'doit être une date au format AAAA-MM-JJ.' }] },
            response: new Response(null, { status: 400 }),
          });
        }
        if (q.perimetre === `direction:${TOURISME}`) {
          return ok(tableau({ perimetre: { type: 'direction', id: TOURISME, libelle: 'Direction du Tourisme' }, maintenant: { ...tableau().maintenant, ouverts: 2, aRisque: 1, depasses: 0 } }));
        }
        return ok(tableau());
      }
      throw new Error(`unexpected ${path}`);
    });
    vi.spyOn(api, 'GET').mockImplementation(get as never);
  });

  afterEach(() => {
    setSession(null);
    vi.unstubAllGlobals();
  });

  const render = (route: string) =>
    renderInApp(
      <>
        <TableauSlaPage />
        <Where />
      </>,
      { route },
    );

  it('asks the API for the filters of the URL, and each chart’s table says its numbers', async () => {
    render('/tableaux-de-bord/sla?perimetre=reseau&du=2026-11-02&au=2026-11-22');
    await screen.findByText('Réseau des Maisons de la Région');
    expect(get).toHaveBeenCalledWith('/api/v1/tableaux-de-bord/sla', { params: { query: { perimetre: 'reseau', du: '2026-11-02', au: '2026-11-22' } } });

    expect(screen.getByText('Questions ouvertes').nextSibling).toHaveTextContent('4');
    expect(screen.getByText('À risque', { selector: 'dt' }).nextSibling).toHaveTextContent('2');
    expect(screen.getByText('Délai dépassé', { selector: 'dt' }).nextSibling).toHaveTextContent('1');

    // The trend chart: an image named by its summary, its numbers in a table.
    const trend = screen.getByRole('figure', { name: 'Conformité par semaine' });
    expect(within(trend).getByRole('img')).toHaveAccessibleName(/sem\. du 2 nov\. 85,7 %, sem\. du 9 nov\. 100 %, sem\. du 16 nov\. 0 %/);
    expect(rowOf(within(trend).getByText('sem. du 2 nov.'))).toEqual(['sem. du 2 nov.', '7', '6', '85,7 %']);

    const aging = screen.getByRole('figure', { name: 'Ancienneté des ouverts' });
    expect(rowOf(within(aging).getByText('plus de 10 jours ouvrés', { selector: 'th' }))).toEqual(['plus de 10 jours ouvrés', '2']);
    const holders = screen.getByRole('figure', { name: 'Temps par détenteur' });
    expect(rowOf(within(holders).getByText('Siège', { selector: 'th' }))).toEqual(['Siège', '34 h', '2\u202f040']);

    // Delays in business time, median and p90.
    expect(rowOf(screen.getByText('Résolution (réponse)'))).toEqual(['Résolution (réponse)', '4', '4 h 30 min', '24 h']);
    // Breakdowns: visible tables.
    const direction = screen.getByText('Direction du Tourisme', { selector: 'th' });
    expect(direction).toBeVisible();
    expect(rowOf(direction)).toEqual(['Direction du Tourisme', '2', '1', '0', '7', '6', '85,7 %', '4 h']);
  });

  it('puts the chosen perimeter and period in the query string, and shows the new figures', async () => {
    const user = userEvent.setup();
    render('/tableaux-de-bord/sla');
    await screen.findByText('Réseau des Maisons de la Région');
    await screen.findByRole('option', { name: 'Direction du Tourisme' });
    await user.selectOptions(screen.getByLabelText('Périmètre'), `direction:${TOURISME}`);
    await user.type(screen.getByLabelText('Du'), '2026-10-01');
    await user.type(screen.getByLabelText('Au'), '2026-10-31');
    await user.click(screen.getByRole('button', { name: 'Afficher' }));
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent(`?perimetre=direction%3A${TOURISME}&du=2026-10-01&au=2026-10-31`));
    expect(get).toHaveBeenLastCalledWith('/api/v1/tableaux-de-bord/sla', { params: { query: { perimetre: `direction:${TOURISME}`, du: '2026-10-01', au: '2026-10-31' } } });
    await screen.findByText('Direction du Tourisme', { selector: 'strong' });
    expect(screen.getByText('Questions ouvertes').nextSibling).toHaveTextContent('2');
  });

  it('shows the API’s message about a field next to that field', async () => {
    render('/tableaux-de-bord/sla?du=2026-13-01');
    const message = await screen.findByText('doit être une date au format AAAA-MM-JJ.');
    const du = screen.getByLabelText('Du');
    expect(du).toHaveAttribute('aria-invalid', 'true');
    expect(du).toHaveAttribute('aria-describedby', message.id);
    expect(screen.getByRole('alert')).toHaveTextContent('Requête invalide');
    // A refused request would be refused again: no retry offered.
    expect(screen.queryByRole('button', { name: 'Réessayer' })).toBeNull();
  });

  it('downloads the same figures as CSV (Accept: text/csv, with the token) under a French file name', async () => {
    const user = userEvent.setup();
    const blob = new Blob(['\uFEFFSection;Libellé\n'], { type: 'text/csv' });
    get.mockImplementationOnce(() => ok(tableau()));
    render('/tableaux-de-bord/sla?perimetre=reseau');
    await screen.findByText('Réseau des Maisons de la Région');
    get.mockImplementation((path: string) => (path === '/api/v1/tableaux-de-bord/sla' ? ok(blob) : ok({ items: [], nextCursor: null })));
    const createObjectURL = vi.fn(() => 'blob:relais/1');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const downloads: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push(this.download);
    });
    await user.click(screen.getByRole('button', { name: 'Télécharger en CSV' }));
    await waitFor(() => expect(downloads).toEqual([nomFichierCsv('sla')]));
    expect(downloads[0]).toMatch(/^tableau-de-bord-sla-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(createObjectURL).toHaveBeenCalledWith(blob);
    expect(get).toHaveBeenCalledWith('/api/v1/tableaux-de-bord/sla', { params: { query: { perimetre: 'reseau' } }, headers: { Accept: 'text/csv' }, parseAs: 'blob' });
  });
});

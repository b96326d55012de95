import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../test/fake-api';
import { renderInApp } from '../../test/render';
import { api, type Schemas } from '../api/client';
import { setSession } from '../auth/session';
import { TableauCapitalisationPage } from './TableauCapitalisationPage';

const ECEAU = '33333333-3333-4333-8333-333333333333';

/** The network view of the API's own dataset (test/dashboards/capitalisation-dashboard.e2e-spec.ts). */
const tableau = (over: Partial<Schemas['TableauCapitalisationDto']> = {}): Schemas['TableauCapitalisationDto'] => ({
  perimetre: { type: 'reseau', id: null, libelle: 'Réseau des Maisons de la Région' },
  du: '2026-11-01',
  au: '2026-11-30',
  genereA: '2026-12-02T09:00:00.000Z',
  total: { escalations: 8, reponsesPubliees: 3, reponsesLocales: 4, reutilisations: 3, tauxCapitalisationPct: 37.5, tauxReutilisationPct: 25 },
  dispositifs: [
    { dispositifId: ECEAU, libelle: "Ec'Eau Tourisme", escalations: 4, reponsesPubliees: 2, reponsesLocales: 3, reutilisations: 2, tauxCapitalisationPct: 50, tauxReutilisationPct: 28.6 },
    { dispositifId: null, libelle: 'Sans dispositif', escalations: 1, reponsesPubliees: 0, reponsesLocales: 0, reutilisations: 0, tauxCapitalisationPct: 0, tauxReutilisationPct: null },
  ],
  ...over,
});

describe('capitalisation dashboard page', { timeout: 20_000 }, () => {
  let get: ReturnType<typeof vi.fn>;
  let reponse: Schemas['TableauCapitalisationDto'];

  beforeEach(() => {
    setSession({
      token: 't',
      user: { id: 'u', displayName: 'Sandrine Molinier', email: 'manager.reseau@relais.demo', role: 'manager', perimetre: 'reseau', directionId: null, maisonId: null },
    });
    reponse = tableau();
    get = vi.fn((path: string) => (path === '/api/v1/tableaux-de-bord/capitalisation' ? ok(reponse) : ok({ items: [], nextCursor: null })));
    vi.spyOn(api, 'GET').mockImplementation(get as never);
  });

  afterEach(() => setSession(null));

  it('shows the rates in French (decimal comma, %), per dispositif in an accessible table, with the filters asked for', async () => {
    renderInApp(<TableauCapitalisationPage />, { route: '/tableaux-de-bord/capitalisation?perimetre=reseau&du=2026-11-01&au=2026-11-30' });
    const table = await screen.findByRole('table', { name: 'Capitalisation par dispositif, les plus escaladés d’abord' });
    expect(get).toHaveBeenCalledWith('/api/v1/tableaux-de-bord/capitalisation', { params: { query: { perimetre: 'reseau', du: '2026-11-01', au: '2026-11-30' } } });
    const ligne = (nom: string) => [...within(table).getByRole('rowheader', { name: nom }).closest('tr')!.children].map((c) => c.textContent);
    expect(ligne("Ec'Eau Tourisme")).toEqual(["Ec'Eau Tourisme", '4', '2', '50 %', '3', '2', '28,6 %']);
    // No question at all: no rate, said as a dash rather than 0 %.
    expect(ligne('Sans dispositif')).toEqual(['Sans dispositif', '1', '0', '0 %', '0', '0', '—']);
    expect(screen.getByText('Taux de capitalisation', { selector: 'dt' }).nextSibling).toHaveTextContent('37,5 %');
    expect(screen.getByText('Taux de réutilisation', { selector: 'dt' }).nextSibling).toHaveTextContent('25 %');
    expect(screen.getByRole('heading', { level: 1, name: 'Tableau de bord de la capitalisation' })).toBeInTheDocument();
  });

  it('says so when nothing happened on the perimeter and period', async () => {
    reponse = tableau({ dispositifs: [], total: { escalations: 0, reponsesPubliees: 0, reponsesLocales: 0, reutilisations: 0, tauxCapitalisationPct: null, tauxReutilisationPct: null } });
    renderInApp(<TableauCapitalisationPage />, { route: '/tableaux-de-bord/capitalisation' });
    await screen.findByText('Aucune question ni réponse publiée sur ce périmètre et cette période.');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});

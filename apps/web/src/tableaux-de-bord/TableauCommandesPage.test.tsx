import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../test/fake-api';
import { renderInApp } from '../../test/render';
import { api, type Schemas } from '../api/client';
import { setSession } from '../auth/session';
import { TableauCommandesPage } from './TableauCommandesPage';

const FOIX = '22222222-2222-4222-8222-222222222222';

const commande = (n: number, over: Partial<Schemas['LigneCommandeDto']> = {}): Schemas['LigneCommandeDto'] => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  reference: `C-2026-00000${n}`,
  titre: 'Atelier de concertation BTP',
  statut: 'emise',
  emetteur: { type: 'cabinet', id: null, libelle: 'Cabinet' },
  emiseLe: '2026-12-02T09:00:00.000Z',
  echeance: '2026-12-18T22:59:00.000Z',
  affectations: 3,
  parStatut: { envoyee: 1, accusee: 0, clarification_demandee: 0, en_cours: 1, livree: 0, renvoyee: 0, validee: 1, annulee: 0 },
  enRetard: 2,
  avancementMoyenPct: 47,
  livrables: { faits: 3, total: 6 },
  ...over,
});

const page = (commandes: Schemas['LigneCommandeDto'][], nextCursor: string | null): Schemas['TableauCommandesDto'] => ({
  perimetre: { type: 'reseau', id: null, libelle: 'Réseau des Maisons de la Région' },
  du: '2026-09-23',
  au: '2026-12-22',
  genereA: '2026-12-22T09:00:00.000Z',
  total: { commandes: 2, recues: 4, aTemps: 1, enRetard: 3, enCours: 0 },
  maisons: [{ id: FOIX, libelle: 'Maison de Ma Région – Foix', recues: 1, aTemps: 1, enRetard: 0, enCours: 0 }],
  commandes,
  nextCursor,
});


describe('commandes dashboard page', { timeout: 20_000 }, () => {
  let get: ReturnType<typeof vi.fn>;

  beforeEach(() => {
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
      if (path === '/api/v1/tableaux-de-bord/commandes') {
        return init?.params?.query?.cursor === 'page-2' ? ok(page([commande(2, { enRetard: 1, avancementMoyenPct: null })], null)) : ok(page([commande(1)], 'page-2'));
      }
      return ok({ items: [], nextCursor: null });
    });
    vi.spyOn(api, 'GET').mockImplementation(get as never);
  });

  afterEach(() => {
    setSession(null);
    vi.unstubAllGlobals();
  });

  const rowOf = (el: HTMLElement) => [...el.closest('tr')!.children].map((c) => c.textContent);

  it('shows per commande the assignments by state, the late ones, progress and deliverables; per MdR its table; more on demand', async () => {
    const user = userEvent.setup();
    renderInApp(<TableauCommandesPage />, { route: '/tableaux-de-bord/commandes?du=2026-09-23' });
    const first = await screen.findByText('C-2026-000001');
    expect(get).toHaveBeenCalledWith('/api/v1/tableaux-de-bord/commandes', { params: { query: { du: '2026-09-23', limit: 50 } } });
    const cells = rowOf(first);
    expect(cells[4]).toBe('3 : 1 envoyée, 1 en cours, 1 validée');
    expect(cells[5]).toBe('2 en retard');
    expect(cells[6]).toContain('47 %');
    expect(cells[7]).toBe('3 sur 6');
    expect(within(first.closest('tr')!).getByRole('progressbar', { name: 'Avancement de C-2026-000001' })).toHaveAttribute('value', '47');
    expect(screen.getByText('En retard', { selector: 'dt' }).nextSibling).toHaveTextContent('3');

    const foix = screen.getByRole('figure', { name: 'Tenue des affectations par Maison' });
    expect(rowOf(within(foix).getByText('Maison de Ma Région – Foix', { selector: 'th' }))).toEqual(['Maison de Ma Région – Foix', '1', '1', '0', '0']);

    await user.click(screen.getByRole('button', { name: 'Afficher plus de commandes' }));
    const second = await screen.findByText('C-2026-000002');
    expect(get).toHaveBeenLastCalledWith('/api/v1/tableaux-de-bord/commandes', { params: { query: { du: '2026-09-23', limit: 50, cursor: 'page-2' } } });
    expect(rowOf(second)[6]).toBe('—');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Afficher plus de commandes' })).not.toBeInTheDocument());
  });
});

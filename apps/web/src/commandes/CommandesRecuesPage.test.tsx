import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json } from '../../test/fake-api';
import { renderInApp } from '../../test/render';
import { setSession } from '../auth/session';
import { CommandesRecuesPage } from './CommandesRecuesPage';
import type { Affectation, Commande } from './labels';

// The API client keeps the fetch it finds when it is created: stub it before anything imports it.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn();
  globalThis.fetch = mock as unknown as typeof fetch;
  return mock;
});

const FOIX = 'f0000000-0000-4000-8000-000000000001';
const LIMOUX = 'f0000000-0000-4000-8000-000000000002';

const affectation = (id: string, maisonId: string, over: Partial<Affectation> = {}): Affectation =>
  ({
    id,
    maison: { id: maisonId, nom: maisonId === FOIX ? 'Maison de Ma Région – Foix' : 'Maison de Ma Région – Limoux' },
    statut: 'envoyee',
    pourcentage: 0,
    livrables: [
      { id: 'l1', libelle: 'Compte rendu', echeance: null, fait: false, enRetard: false },
      { id: 'l2', libelle: 'Liste', echeance: null, fait: false, enRetard: false },
    ],
    enRetard: false,
    joursDeRetard: 0,
    sla: [],
    actions: [],
    ...over,
  }) as Affectation;

const commande = (id: string, titre: string, affectations: Affectation[], over: Partial<Commande> = {}): Commande =>
  ({
    id,
    reference: `C-2026-00000${id.slice(-1)}`,
    statut: 'emise',
    titre,
    echeance: '2026-12-18T22:59:59.999Z',
    urgent: false,
    emetteur: { id: 'u', displayName: 'Vincent Carrère', unite: { type: 'cabinet', id: null, nom: 'Cabinet' } },
    affectations,
    ...over,
  }) as Commande;

let requested: URL[];

beforeEach(() => {
  requested = [];
  setSession({ token: 't', user: { id: 'u1', email: 'agent.foix@relais.demo', displayName: 'Claire Vidal', role: 'agent_mdr', maisonId: FOIX, directionId: null, perimetre: 'maison' } });
  fetchMock.mockReset();
});

function answer(items: Commande[] | ((url: URL) => Commande[])) {
  fetchMock.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    requested.push(url);
    return json({ items: typeof items === 'function' ? items(url) : items, nextCursor: null });
  });
}

describe('CommandesRecuesPage', () => {
  it('lists the received commandes with the state of the Maison’s own affectation, its lateness and its progress', async () => {
    answer([
      commande('c1', 'Atelier BTP', [
        affectation('a1', LIMOUX, { statut: 'livree', pourcentage: 100 }),
        affectation('a2', FOIX, { statut: 'en_cours', pourcentage: 40, enRetard: true, joursDeRetard: 2, livrables: [{ id: 'l1', libelle: 'CR', echeance: null, fait: true, enRetard: false }, { id: 'l2', libelle: 'Liste', echeance: null, fait: false, enRetard: true }] }),
      ]),
      commande('c2', 'Relais des offres DEF', [affectation('a3', FOIX)], { statut: 'annulee', urgent: true }),
    ]);
    renderInApp(<CommandesRecuesPage />);
    const rows = (await screen.findAllByRole('row')).slice(1);
    expect(rows).toHaveLength(2);
    const [atelier, def] = rows as [HTMLElement, HTMLElement];
    expect(within(atelier).getByRole('link', { name: 'Atelier BTP' })).toHaveAttribute('href', '/commandes-recues/a2');
    expect(within(atelier).getByText('en cours')).toHaveClass('badge-info');
    expect(within(atelier).getByText('En retard de 2 jours ouvrés')).toHaveClass('badge-danger');
    expect(atelier).toHaveTextContent(/40 %.*1 livrable sur 2/);
    expect(atelier).toHaveTextContent('vendredi 18 décembre 2026');
    expect(within(def).getByText('à accuser réception')).toBeInTheDocument();
    expect(def).toHaveTextContent(/Urgente.*Commande annulée/);
    expect(requested[0]!.searchParams.get('recues')).toBe('true');
  });

  it('filters by the Maison’s affectation ("À traiter": every state still expected of it) and by the commande’s state', async () => {
    const user = userEvent.setup();
    answer([]);
    renderInApp(<CommandesRecuesPage />);
    await screen.findByText('Votre Maison n’a reçu aucune commande pour l’instant.');
    await user.selectOptions(screen.getByLabelText('Pour votre Maison'), 'a_traiter');
    await screen.findByText('Aucune commande reçue par votre Maison pour ces critères.');
    expect(requested.at(-1)!.searchParams.getAll('statutAffectation')).toEqual(['envoyee', 'accusee', 'en_cours', 'clarification_demandee', 'renvoyee']);
    await user.selectOptions(screen.getByLabelText('Commandes'), 'close');
    await vi.waitFor(() => expect(requested.at(-1)!.searchParams.getAll('statut')).toEqual(['close']));
    expect(requested.at(-1)!.searchParams.getAll('statutAffectation')).toHaveLength(5);
  });

  it('says what went wrong, and retries on demand', async () => {
    const user = userEvent.setup();
    fetchMock.mockImplementation(async () => json({ type: 'about:blank', title: 'Accès refusé', status: 403, detail: 'Votre compte n’est rattaché à aucune Maison.' }, 403));
    renderInApp(<CommandesRecuesPage />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Votre compte n’est rattaché à aucune Maison.');
    answer([commande('c1', 'Atelier BTP', [affectation('a1', FOIX)])]);
    await user.click(screen.getByRole('button', { name: 'Réessayer' }));
    await screen.findByRole('link', { name: 'Atelier BTP' });
  });
});

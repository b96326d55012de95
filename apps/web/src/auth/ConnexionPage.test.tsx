import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { ConnexionPage } from './ConnexionPage';
import { setSession } from './session';

// The API client captures fetch when it is created: the mock is in place before any import.
const { fetchMock } = vi.hoisted(() => {
  const fetchMock = vi.fn<(input: Request) => Promise<Response>>();
  globalThis.fetch = fetchMock as unknown as typeof fetch;
  return { fetchMock };
});

const json = (body: unknown, status = 200, type = 'application/json') => new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

/** The API as the page sees it: the sign-in configuration, and in the demo the demo users. */
function answer(configuration: Response, devUsers?: unknown[]) {
  fetchMock.mockImplementation(async (request: Request) => {
    const path = pathOf(request);
    if (path === '/api/v1/auth/configuration') return configuration.clone();
    if (path === '/api/v1/auth/dev-users' && devUsers) return json(devUsers);
    throw new Error(`unexpected call: ${request.method} ${path}`);
  });
}

const pathOf = (request: Request | string | URL) => new URL(request instanceof Request ? request.url : String(request), 'http://localhost').pathname;
const calledPaths = () => fetchMock.mock.calls.map(([request]) => pathOf(request));

describe('ConnexionPage', () => {
  beforeEach(() => {
    fetchMock.mockReset();
  });
  afterEach(() => setSession(null));

  it('with OIDC, offers the Région’s account and nothing of the demo (no call for the demo users)', async () => {
    answer(json({ mode: 'oidc', issuer: 'https://sso.example.org/realms/region', clientId: 'relais-web', scopes: 'openid email' }));
    renderInApp(<ConnexionPage />, { route: '/connexion' });
    const button = await screen.findByRole('button', { name: 'Se connecter avec le compte de la Région' });
    expect(button).toBeEnabled();
    expect(screen.getByRole('heading', { level: 1, name: 'Connexion' })).toBeInTheDocument();
    expect(screen.getByText(/compte professionnel de la Région Occitanie/)).toBeInTheDocument();
    expect(screen.queryByText(/Démonstration/)).not.toBeInTheDocument();
    expect(calledPaths()).toEqual(['/api/v1/auth/configuration']);
  });

  it('in the demo, shows the picker of the demo users by role and place, without the provider’s button', async () => {
    answer(json({ mode: 'dev' }), [
      { email: 'agent.foix@relais.demo', displayName: 'Claire Vidal', role: 'agent_mdr', fonction: 'Agente d’accueil polyvalente', maisonId: 'm1', maisonNom: 'Maison de Ma Région de Foix', directionId: null, directionNom: null },
      { email: 'admin@relais.demo', displayName: 'Nadia Ferrand', role: 'admin', fonction: null, maisonId: null, maisonNom: null, directionId: null, directionNom: null },
    ]);
    renderInApp(<ConnexionPage />, { route: '/connexion' });
    expect(await screen.findByRole('button', { name: /^Claire Vidal/ })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Agent de Maison' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 3, name: 'Maison de Ma Région de Foix' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Nadia Ferrand/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Se connecter avec le compte de la Région' })).not.toBeInTheDocument();
    expect(calledPaths()).toEqual(['/api/v1/auth/configuration', '/api/v1/auth/dev-users']);
  });

  it('says so when no sign-in is configured', async () => {
    answer(json({ mode: 'none' }));
    renderInApp(<ConnexionPage />, { route: '/connexion' });
    expect(await screen.findByText(/Aucune méthode de connexion n’est configurée/)).toBeInTheDocument();
    expect(screen.queryAllByRole('button')).toEqual([]);
  });

  it('shows the API’s problem when the configuration cannot be read, with a way to retry', async () => {
    answer(json({ type: 'about:blank', title: 'Service indisponible', status: 503, detail: 'La base de données ne répond pas.', code: 'INDISPONIBLE' }, 503, 'application/problem+json'));
    renderInApp(<ConnexionPage />, { route: '/connexion' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Service indisponible : La base de données ne répond pas.');
    answer(json({ mode: 'oidc', issuer: 'https://sso.example.org', clientId: 'relais-web', scopes: 'openid' }));
    screen.getByRole('button', { name: 'Réessayer' }).click();
    expect(await screen.findByRole('button', { name: 'Se connecter avec le compte de la Région' })).toBeInTheDocument();
  });

  it('says why the previous session ended when the API or the provider ended it', async () => {
    setSession(null, 'expiree');
    answer(json({ mode: 'oidc', issuer: 'https://sso.example.org', clientId: 'relais-web', scopes: 'openid' }));
    renderInApp(<ConnexionPage />, { route: '/connexion' });
    await waitFor(() => expect(screen.getByText('Votre session a pris fin : connectez-vous à nouveau.')).toBeInTheDocument());
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../../test/render';
import { LivraisonsTable } from './LivraisonsPage';
import { WebhookForm } from './WebhookForm';
import { WebhooksPage } from './WebhooksPage';
import type { Livraison } from './webhooks';

const { get, post } = vi.hoisted(() => ({ get: vi.fn(), post: vi.fn() }));
vi.mock('../../api/client', async (original) => ({ ...(await original<typeof import('../../api/client')>()), api: { GET: get, POST: post } }));

const answer = (status: number, body: unknown) => ({ data: status < 300 ? body : undefined, error: status >= 300 ? body : undefined, response: new Response(null, { status }) });

// The first render of a file loads React and Testing Library: several seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 30_000 });

const livraison = (over: Partial<Livraison>): Livraison => ({
  id: '0b6c2d4e-1111-4222-8333-000000000001',
  endpointId: '0b6c2d4e-1111-4222-8333-4444555566aa',
  evenementId: '0b6c2d4e-1111-4222-8333-4444555566bb',
  type: 'question.escaladee',
  statut: 'livree',
  tentatives: 1,
  prochaineTentativeA: null,
  dernierStatutHttp: 204,
  derniereErreur: null,
  derniereTentativeA: '2026-12-07T09:00:00.000Z',
  livreeA: '2026-12-07T09:00:00.000Z',
  creeeA: '2026-12-07T09:00:00.000Z',
  ...over,
});

describe('WebhookForm', () => {
  beforeEach(() => post.mockReset());

  it('sends the URL and the chosen types, then shows the secret once with a copy button', async () => {
    post.mockResolvedValue(answer(201, { id: 'w1', url: 'https://si.laregion.fr/h', description: null, types: ['question.escaladee'], actif: true, version: 1, creePar: 'u', creeA: '2026-12-07T09:00:00.000Z', modifieA: '2026-12-07T09:00:00.000Z', livraisons: { enAttente: 0, livrees: 0, echouees: 0 }, secret: 'whsec_c2VjcmV0LWRlLXRlc3Q=' }));
    renderInApp(<WebhookForm />);
    await userEvent.type(screen.getByLabelText('Adresse (https)'), 'https://si.laregion.fr/h');
    await userEvent.click(screen.getByLabelText('Escaladée à une direction'));
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer le point de réception' }));
    const status = await screen.findByRole('status');
    expect(within(status).getByText('whsec_c2VjcmV0LWRlLXRlc3Q=')).toBeInTheDocument();
    expect(within(status).getByText('il ne sera plus jamais affiché')).toBeInTheDocument();
    expect(within(status).getByRole('button', { name: 'Copier le secret' })).toBeInTheDocument();
    const [path, options] = post.mock.calls[0];
    expect(path).toBe('/api/v1/webhooks');
    expect(options.body).toEqual({ url: 'https://si.laregion.fr/h', description: null, types: ['question.escaladee'] });
  });

  it('puts the API’s message next to the field it names', async () => {
    post.mockResolvedValue(answer(400, { type: 'urn:relais:probleme:validation', title: 'Requête invalide', status: 400, detail: 'La requête contient des champs invalides.', errors: [{ field: 'url', message: 'L’adresse doit commencer par https://.' }] }));
    renderInApp(<WebhookForm />);
    await userEvent.type(screen.getByLabelText('Adresse (https)'), 'http://si.laregion.fr/h');
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer le point de réception' }));
    await waitFor(() => expect(screen.getByLabelText('Adresse (https)')).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText('L’adresse doit commencer par https://.')).toHaveAttribute('id', 'webhook-url-error');
    expect(screen.queryByRole('status')?.textContent ?? '').not.toMatch(/whsec_/);
  });
});

describe('LivraisonsTable', () => {
  beforeEach(() => post.mockReset());

  it('highlights a failed delivery, says why, and replays it', async () => {
    post.mockResolvedValue(answer(200, livraison({ id: '0b6c2d4e-1111-4222-8333-000000000002', statut: 'en_attente' })));
    const onRejoue = vi.fn();
    renderInApp(
      <LivraisonsTable
        onRejoue={onRejoue}
        items={[
          livraison({ id: '0b6c2d4e-1111-4222-8333-000000000002', statut: 'echouee', tentatives: 8, dernierStatutHttp: 500, derniereErreur: 'HTTP 500 : indisponible', livreeA: null }),
          livraison({ statut: 'en_attente', tentatives: 2, prochaineTentativeA: '2026-12-07T10:00:00.000Z', livreeA: null }),
        ]}
      />,
    );
    const [, failed, pending] = screen.getAllByRole('row');
    expect(failed).toHaveClass('ligne-echouee');
    expect(within(failed).getByText('échouée')).toBeInTheDocument();
    expect(within(failed).getByText('HTTP 500 : indisponible')).toBeInTheDocument();
    // A delivery still being retried cannot be replayed.
    expect(within(pending).queryByRole('button')).toBeNull();
    expect(pending).not.toHaveClass('ligne-echouee');
    await userEvent.click(within(failed).getByRole('button', { name: /^Rejouer la livraison/ }));
    await waitFor(() => expect(onRejoue).toHaveBeenCalled());
    expect(post).toHaveBeenCalledWith('/api/v1/webhooks/livraisons/{id}/rejouer', { params: { path: { id: '0b6c2d4e-1111-4222-8333-000000000002' } } });
  });
});

describe('WebhooksPage', () => {
  beforeEach(() => {
    get.mockReset();
    post.mockReset();
  });

  it('says failed deliveries in words, and deactivates an endpoint only once confirmed, with If-Match', async () => {
    const webhook = { id: '0b6c2d4e-1111-4222-8333-4444555566aa', url: 'https://si.laregion.fr/h', description: 'Entrepôt', types: ['question.recue'], actif: true, version: 3, creePar: 'u', creeA: '2026-12-07T09:00:00.000Z', modifieA: '2026-12-07T09:00:00.000Z', livraisons: { enAttente: 1, livrees: 5, echouees: 2 } };
    get.mockResolvedValue(answer(200, { items: [webhook], nextCursor: null }));
    post.mockResolvedValue(answer(200, { ...webhook, actif: false, version: 4 }));
    renderInApp(<WebhooksPage />);
    expect(await screen.findByText('2 échouées')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Désactiver le point de réception https://si.laregion.fr/h' }));
    expect(post).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Confirmer la désactivation' }));
    await waitFor(() => expect(post).toHaveBeenCalledWith('/api/v1/webhooks/{id}/desactiver', { params: { path: { id: webhook.id }, header: { 'If-Match': '"3"' } } }));
  });
});

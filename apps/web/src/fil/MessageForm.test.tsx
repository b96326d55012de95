import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import { setSession } from '../auth/session';
import { deUnite, MessageForm, uniteLibelle } from './MessageForm';

const agent = {
  id: '11111111-1111-4111-8111-111111111111',
  email: 'claire.vidal@mdr-foix.example',
  displayName: 'Claire Vidal',
  role: 'agent_mdr',
  perimetre: 'maison',
  maisonId: '22222222-2222-4222-8222-222222222222',
  directionId: null,
} as const;

const created = () => Promise.resolve({ data: { id: 'q1', version: 4 }, response: new Response(null, { status: 201 }) });
const refused = (status: number, body: object) => Promise.resolve({ error: { type: 'about:blank', status, ...body }, response: new Response(null, { status }) });

type PostCall = [string, { params: { path: { id: string } }; headers: Record<string, string>; body: { texte: string; visibilite: string } }];

describe('MessageForm', () => {
  beforeEach(() => setSession({ token: 't', user: agent }));
  afterEach(() => setSession(null));

  it('publishes a shared message by default, then clears the text and says it is published', async () => {
    const post = vi.spyOn(api, 'POST').mockImplementation(created as never);
    const { queryClient } = renderInApp(<MessageForm kind="questions" id="q1" />);
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    expect(screen.getByRole('radio', { name: /Message partagé/ })).toBeChecked();
    await userEvent.type(screen.getByLabelText('Texte du message'), '  L’usager a rappelé.  ');
    await userEvent.click(screen.getByRole('button', { name: 'Publier le message' }));
    await screen.findByText('Message publié sur le fil.');
    const [path, options] = post.mock.calls[0] as unknown as PostCall;
    expect(path).toBe('/api/v1/questions/{id}/messages');
    expect(options.params.path.id).toBe('q1');
    expect(options.body).toEqual({ texte: 'L’usager a rappelé.', visibilite: 'partage' });
    expect(options.headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(screen.getByLabelText('Texte du message')).toHaveValue('');
    // The question, its lists, its fil and verification are refetched.
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['questions'] });
  });

  it('records an internal note when chosen, saying who will read it (the author’s unit)', async () => {
    const post = vi.spyOn(api, 'POST').mockImplementation(created as never);
    const { queryClient } = renderInApp(<MessageForm kind="commandes" id="c1" />);
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    // A commande's participants are its issuer and the Maisons it targets.
    expect(screen.getByRole('radio', { name: 'Message partagé : tous les participants (l’émetteur et les Maisons destinataires)' })).toBeChecked();
    await userEvent.click(screen.getByRole('radio', { name: 'Note interne : votre Maison seulement' }));
    await userEvent.type(screen.getByLabelText('Texte de la note interne'), 'À rappeler demain.');
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer la note interne' }));
    await screen.findByText('Note interne enregistrée, visible de votre Maison seulement.');
    const [path, options] = post.mock.calls[0] as unknown as PostCall;
    expect(path).toBe('/api/v1/commandes/{id}/messages');
    expect(options.body).toEqual({ texte: 'À rappeler demain.', visibilite: 'interne' });
    // The commande, its lists, its fil and its fil's verification are refetched.
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['commandes'] });
  });

  it('puts the API’s message next to the field it names (aria-invalid, aria-describedby), and reuses the key only for the same body', async () => {
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementationOnce((() => refused(422, { title: 'Requête invalide', detail: 'Le texte est obligatoire.', errors: [{ field: 'texte', message: 'Le texte est obligatoire.' }] })) as never)
      .mockImplementationOnce((() => refused(503, { title: 'Service indisponible', detail: 'Réessayez dans un instant.' })) as never)
      .mockImplementation(created as never);
    renderInApp(<MessageForm kind="questions" id="q1" />);
    await userEvent.click(screen.getByRole('button', { name: 'Publier le message' }));
    const error = await screen.findByText('Le texte est obligatoire.');
    const textarea = screen.getByLabelText('Texte du message');
    expect(textarea).toHaveAttribute('aria-invalid', 'true');
    expect(textarea.getAttribute('aria-describedby')).toBe(error.id);
    expect(error).toHaveClass('field-error');
    // A field error is not repeated in a banner.
    expect(screen.queryByRole('alert')).toBeNull();

    await userEvent.type(textarea, 'Bonjour');
    await userEvent.click(screen.getByRole('button', { name: 'Publier le message' }));
    await screen.findByRole('alert');
    expect(screen.getByRole('alert')).toHaveTextContent('Service indisponible : Réessayez dans un instant.');
    expect(textarea).toHaveAttribute('aria-invalid', 'false');
    await userEvent.click(screen.getByRole('button', { name: 'Publier le message' }));
    await screen.findByText('Message publié sur le fil.');
    const keys = (post.mock.calls as unknown as PostCall[]).map(([, o]) => o.headers['Idempotency-Key']);
    expect(keys).toHaveLength(3);
    expect(keys[0]).not.toBe(keys[1]); // another body, another key
    expect(keys[2]).toBe(keys[1]); // the same body sent again: the same key, never written twice
  });

  it('shows a refusal without a field (not allowed, not found) above the form', async () => {
    vi.spyOn(api, 'POST').mockImplementation((() => refused(404, { title: 'Introuvable', detail: 'Question introuvable.' })) as never);
    renderInApp(<MessageForm kind="questions" id="q1" />);
    await userEvent.type(screen.getByLabelText('Texte du message'), 'Bonjour');
    await userEvent.click(screen.getByRole('button', { name: 'Publier le message' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Introuvable : Question introuvable.'));
    expect(screen.getByLabelText('Texte du message')).toHaveValue('Bonjour');
  });
});

describe('uniteLibelle', () => {
  it('names the unit that reads an internal note', () => {
    expect(uniteLibelle({ role: 'agent_mdr', perimetre: 'maison' })).toBe('votre Maison');
    expect(uniteLibelle({ role: 'referent', perimetre: 'direction' })).toBe('votre direction');
    expect(uniteLibelle({ role: 'cabinet', perimetre: 'reseau' })).toBe('le Cabinet');
    expect(uniteLibelle({ role: 'manager', perimetre: 'reseau' })).toBe('la coordination du réseau');
    // "visible du Cabinet", never "de le Cabinet".
    expect(deUnite('le Cabinet')).toBe('du Cabinet');
    expect(deUnite('votre Maison')).toBe('de votre Maison');
    expect(deUnite('la coordination du réseau')).toBe('de la coordination du réseau');
  });
});

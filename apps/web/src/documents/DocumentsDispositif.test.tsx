import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import { DocumentsDispositif, formatTaille } from './DocumentsDispositif';

const doc = (over: Record<string, unknown> = {}) => ({
  id: 'd1',
  dispositifId: 'disp1',
  titre: 'Règlement Ec’Eau Tourisme',
  diffusion: 'externe',
  type: 'application/pdf',
  extension: 'pdf',
  taille: 245_760,
  creeLe: '2026-12-07T09:30:00Z',
  auteur: { directionId: 'dir1', direction: 'Direction du Tourisme' },
  ...over,
});

const ok = (data: unknown, status = 200) => Promise.resolve({ data, response: new Response(null, { status }) });
const refused = (problem: unknown, status: number) => Promise.resolve({ error: problem, response: new Response(null, { status }) });

function mockList(peutDeposer: boolean, items = [doc(), doc({ id: 'd2', titre: 'Note interne', diffusion: 'interne', extension: 'docx', taille: 900 })]) {
  return vi.spyOn(api, 'GET').mockImplementation((() => ok({ items, nextCursor: null, peutDeposer })) as never);
}

describe('DocumentsDispositif', () => {
  it('lists the documents for every agent, without upload form nor share action when the API says the caller may not', async () => {
    mockList(false);
    renderInApp(<DocumentsDispositif dispositifId="disp1" />);
    const list = await screen.findByRole('list');
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(list).toHaveTextContent('Règlement Ec’Eau Tourisme');
    expect(list).toHaveTextContent('PDF, 240 ko — Direction du Tourisme');
    expect(list).toHaveTextContent('Externe');
    expect(list).toHaveTextContent('Interne');
    expect(screen.queryByRole('form', { name: 'Déposer un document' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Créer un lien de partage/ })).toBeNull();
  });

  it('lets the owning direction upload (multipart, with the diffusion chosen) and shows the API’s refusal next to the file field', async () => {
    mockList(true);
    const post = vi.spyOn(api, 'POST').mockImplementation(((path: string) =>
      path.endsWith('/documents')
        ? refused({ status: 415, title: 'Type de contenu non pris en charge', detail: 'Ce type de fichier n’est pas accepté.', code: 'TYPE_DE_FICHIER_REFUSE', errors: [{ field: 'fichier', message: 'Le fichier doit être un PDF…' }] }, 415)
        : ok({})) as never);
    renderInApp(<DocumentsDispositif dispositifId="disp1" />);
    const form = await screen.findByRole('form', { name: 'Déposer un document' });
    await userEvent.type(within(form).getByLabelText('Titre'), 'Affiche');
    await userEvent.click(within(form).getByLabelText(/Externe/));
    await userEvent.upload(within(form).getByLabelText(/Fichier/), new File(['du texte'], 'affiche.pdf', { type: 'application/pdf' }));
    await userEvent.click(within(form).getByRole('button', { name: 'Déposer' }));

    const [path, options] = post.mock.calls[0]! as unknown as [string, { params: { path: { id: string } }; body: FormData }];
    expect(path).toBe('/api/v1/dispositifs/{id}/documents');
    expect(options.params.path.id).toBe('disp1');
    expect(options.body).toBeInstanceOf(FormData);
    expect(options.body.get('titre')).toBe('Affiche');
    expect(options.body.get('diffusion')).toBe('externe');
    // The file goes in the body under `fichier` (jsdom's FormData does not keep the test's File object itself).
    expect(options.body.has('fichier')).toBe(true);
    expect((within(form).getByLabelText(/Fichier/) as HTMLInputElement).files?.[0]?.name).toBe('affiche.pdf');

    const fichier = within(form).getByLabelText(/Fichier/);
    expect(await within(form).findByText('Le fichier doit être un PDF…')).toHaveAttribute('id', 'document-fichier-erreur');
    expect(fichier).toHaveAttribute('aria-invalid', 'true');
    expect(fichier).toHaveAttribute('aria-describedby', 'document-fichier-erreur');
  });

  it('creates a share link for an externe document only, shows its URL once, and revokes it', async () => {
    mockList(true);
    const url = 'https://relais.laregion.fr/public/documents/Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE';
    const post = vi.spyOn(api, 'POST').mockImplementation((() => ok({ id: 'l1', url, token: 'x', expireLe: null }, 201)) as never);
    const del = vi.spyOn(api, 'DELETE').mockImplementation((() => ok(undefined, 204)) as never);
    renderInApp(<DocumentsDispositif dispositifId="disp1" />);
    const buttons = await screen.findAllByRole('button', { name: /Créer un lien de partage/ });
    expect(buttons).toHaveLength(1);
    await userEvent.click(buttons[0]!);
    expect(post.mock.calls[0]![0]).toBe('/api/v1/documents/{id}/liens');
    const group = await screen.findByRole('group', { name: 'Lien de partage de « Règlement Ec’Eau Tourisme »' });
    expect(within(group).getByRole('link', { name: url })).toHaveAttribute('href', url);
    await userEvent.click(within(group).getByRole('button', { name: 'Révoquer ce lien' }));
    expect(del.mock.calls[0]![0]).toBe('/api/v1/liens/{id}');
    expect(await screen.findByRole('button', { name: /Créer un lien de partage/ })).toBeInTheDocument();
  });

  it('offers "Supprimer" to the owning direction only, asks for a confirmation, then deletes and reads the list again', async () => {
    const get = mockList(true);
    const del = vi.spyOn(api, 'DELETE').mockImplementation((() => ok(undefined, 204)) as never);
    renderInApp(<DocumentsDispositif dispositifId="disp1" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Supprimer « Note interne »' }));
    const group = screen.getByRole('group', { name: 'Confirmer la suppression de « Note interne »' });
    expect(group).toHaveTextContent('Supprimer définitivement « Note interne » ?');
    // Cancelling deletes nothing.
    await userEvent.click(within(group).getByRole('button', { name: 'Annuler' }));
    expect(del).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Supprimer « Note interne »' }));
    const calls = get.mock.calls.length;
    await userEvent.click(screen.getByRole('button', { name: 'Confirmer la suppression' }));
    expect(del).toHaveBeenCalledTimes(1);
    const [path, options] = del.mock.calls[0]! as unknown as [string, { params: { path: { id: string } } }];
    expect(path).toBe('/api/v1/documents/{id}');
    expect(options.params.path.id).toBe('d2');
    await vi.waitFor(() => expect(get.mock.calls.length).toBeGreaterThan(calls));
  });

  it('shows no "Supprimer" to an agent who may not publish', async () => {
    mockList(false);
    renderInApp(<DocumentsDispositif dispositifId="disp1" />);
    await screen.findByRole('list');
    expect(screen.queryByRole('button', { name: /^Supprimer/ })).toBeNull();
  });

  it('writes sizes the French way', () => {
    expect(formatTaille(900)).toBe('900 o');
    expect(formatTaille(245_760)).toBe('240 ko');
    expect(formatTaille(3_250_000)).toBe('3,1 Mo');
  });
});

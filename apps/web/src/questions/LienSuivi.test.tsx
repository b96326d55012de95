import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import type { Question } from './labels';
import { LienSuiviPanel } from './LienSuivi';

const question = (over: Partial<Question> = {}): Question =>
  ({
    id: 'q1',
    reference: 'Q-2026-000042',
    statut: 'recue',
    version: 1,
    createdAt: '2026-12-07T09:30:00Z',
    maison: { id: 'm1', nom: 'Maison de Ma Région – Carcassonne' },
    usager: { nom: 'Bernard Casals', organisation: 'Camping Les Pins', email: 'b.casals@exemple.fr', telephone: '04 68 11 22 33', consentement: true },
    creePar: { id: 'u1', displayName: 'Aurélie Estève' },
    lienSuiviPossible: true,
    ...over,
  }) as Question;

const URL_SUIVI = 'https://relais.laregion.fr/suivi/Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE';

describe('LienSuiviPanel', () => {
  it('is not offered when the API says the caller may not hand a link', () => {
    renderInApp(<LienSuiviPanel question={question({ lienSuiviPossible: false })} />);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('asks the API for a link, shows its address and QR code, and prints a receipt without anything about the usager', async () => {
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementation((() => Promise.resolve({ data: { url: URL_SUIVI, token: 'x' }, response: new Response(null, { status: 201 }) })) as never);
    const print = vi.spyOn(window, 'print').mockImplementation(() => {
      // The print stylesheet shows the receipt alone while printing.
      expect(document.documentElement.classList.contains('impression-recu')).toBe(true);
    });
    renderInApp(<LienSuiviPanel question={question()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Lien de suivi pour l’usager' }));
    expect(post.mock.calls[0]![0]).toBe('/api/v1/questions/{id}/lien-suivi');
    expect((post.mock.calls[0]![1] as { params: { path: { id: string } } }).params.path.id).toBe('q1');

    const recu = await screen.findByRole('group', { name: 'Reçu à remettre à l’usager' });
    expect(screen.getByRole('link', { name: URL_SUIVI })).toHaveAttribute('href', URL_SUIVI);
    const qr = await screen.findByRole('img', { name: 'QR code de la page de suivi' });
    expect(decodeURIComponent(qr.getAttribute('src')!)).toMatch(/^data:image\/svg\+xml;charset=utf-8,<svg[\s\S]*<path/);
    expect(recu).toHaveTextContent('Maison de Ma Région – Carcassonne');
    expect(recu).toHaveTextContent('Votre demande Q-2026-000042, enregistrée le 7 décembre 2026.');
    for (const personal of ['Bernard Casals', 'Camping Les Pins', 'b.casals@exemple.fr', '04 68 11 22 33', 'Aurélie Estève']) expect(recu).not.toHaveTextContent(personal);

    await userEvent.click(screen.getByRole('button', { name: 'Imprimer le reçu' }));
    expect(print).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(document.documentElement.classList.contains('impression-recu')).toBe(false));
    // A second link replaces the first (the API revokes it).
    expect(screen.getByRole('button', { name: 'Remplacer le lien de suivi' })).toBeInTheDocument();
  });
});

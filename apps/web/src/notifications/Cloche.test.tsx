import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json } from '../../test/fake-api';
import { renderInApp } from '../../test/render';
import { Cloche } from './Cloche';
import { COMPTEUR_INTERVALLE_MS, libelleCloche, type NotificationItem } from './queries';

const server = await vi.hoisted(async () => (await import('../../test/fake-api')).installFakeApi());

vi.setConfig({ testTimeout: 30_000 });

const Q1 = '11111111-1111-4111-8111-111111111111';
const notification = (id: string, titre: string, lue: boolean): NotificationItem => ({
  id,
  type: 'question_escaladee',
  titre,
  reference: 'Q-2026-000123',
  lien: `/questions/${Q1}`,
  ticketType: 'question',
  ticketId: Q1,
  creeeA: '2026-12-07T09:30:00.000Z',
  lueA: lue ? '2026-12-07T09:40:00.000Z' : null,
});

let nonLues: number;

beforeEach(() => {
  nonLues = 2;
  server.requests.length = 0;
  server.serve({
    'GET /notifications/compteur': () => json({ nonLues }),
    'GET /notifications': () =>
      json({
        items: [
          notification('a0000000-0000-4000-8000-000000000001', 'Q-2026-000123 : nouvelle question escaladée à votre direction', false),
          notification('a0000000-0000-4000-8000-000000000002', 'Q-2026-000124 : question réorientée vers votre direction', false),
          notification('a0000000-0000-4000-8000-000000000003', 'Q-2026-000100 : le délai de réponse est dépassé', true),
        ],
        nextCursor: null,
      }),
    'POST /notifications/a0000000-0000-4000-8000-000000000001/lue': () => {
      nonLues -= 1;
      return json(notification('a0000000-0000-4000-8000-000000000001', 'x', true));
    },
    'POST /notifications/lues': () => {
      const marquees = nonLues;
      nonLues = 0;
      return json({ marquees, nonLues: 0 });
    },
  });
});

function renderCloche() {
  return renderInApp(
    <>
      <Cloche />
      <Routes>
        <Route path="/" element={<p>Accueil</p>} />
        <Route path="/questions/:id" element={<p>Page de la question</p>} />
      </Routes>
    </>,
  );
}

describe('the bell', () => {
  it('says the unread count in words and shows it; every query key it uses starts with notifications', async () => {
    expect(libelleCloche(0)).toBe('Notifications, aucune non lue');
    expect(libelleCloche(1)).toBe('Notifications, 1 non lue');
    const { queryClient } = renderCloche();
    const bell = await screen.findByRole('button', { name: 'Notifications, 2 non lues' });
    expect(bell).toHaveTextContent('2');
    expect(bell).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(bell);
    await screen.findByRole('link', { name: /nouvelle question escaladée/ });
    expect(queryClient.getQueryCache().getAll().map((q) => q.queryKey[0])).toEqual(['notifications', 'notifications']);
    // Without the live stream, the count is polled every 30 s, and refetched when the tab comes back.
    const count = queryClient.getQueryCache().find({ queryKey: ['notifications', 'compteur'] })!;
    expect(count.observers[0].options).toMatchObject({ refetchInterval: COMPTEUR_INTERVALLE_MS, refetchOnWindowFocus: 'always' });
    expect(COMPTEUR_INTERVALLE_MS).toBe(30_000);
  });

  it('opens a panel by keyboard with focus inside, unread first; Escape closes it and gives focus back', async () => {
    renderCloche();
    const bell = await screen.findByRole('button', { name: 'Notifications, 2 non lues' });
    bell.focus();
    await userEvent.keyboard('{Enter}');
    const panel = await screen.findByRole('dialog', { name: 'Notifications' });
    expect(bell).toHaveAttribute('aria-expanded', 'true');
    await waitFor(() => expect(panel).toHaveFocus());
    const links = await within(panel).findAllByRole('link');
    expect(links.slice(0, 3).map((l) => l.textContent)).toEqual([
      'Non lue : Q-2026-000123 : nouvelle question escaladée à votre direction',
      'Non lue : Q-2026-000124 : question réorientée vers votre direction',
      'Q-2026-000100 : le délai de réponse est dépassé',
    ]);
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(bell).toHaveFocus();
  });

  it('choosing a notification marks it read and opens its ticket; the count follows', async () => {
    renderCloche();
    await userEvent.click(await screen.findByRole('button', { name: 'Notifications, 2 non lues' }));
    await userEvent.click(await screen.findByRole('link', { name: /nouvelle question escaladée/ }));
    expect(await screen.findByText('Page de la question')).toBeInTheDocument();
    expect(server.requests.some((r) => r.method === 'POST' && r.path === '/notifications/a0000000-0000-4000-8000-000000000001/lue')).toBe(true);
    expect(await screen.findByRole('button', { name: 'Notifications, 1 non lue' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('“Tout marquer comme lu” marks them all and the count drops to none', async () => {
    renderCloche();
    await userEvent.click(await screen.findByRole('button', { name: 'Notifications, 2 non lues' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Tout marquer comme lu' }));
    expect(await screen.findByRole('button', { name: 'Notifications, aucune non lue' })).toBeInTheDocument();
    expect(server.requests.filter((r) => r.path === '/notifications/lues')).toHaveLength(1);
  });
});

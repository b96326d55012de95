import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setSession } from '../auth/session';
import { cleARafraichir, EtatDirect } from './flux';

const Q1 = '11111111-1111-4111-8111-111111111111';
const Q2 = '22222222-2222-4222-8222-222222222222';
const C1 = '33333333-3333-4333-8333-333333333333';

/** A fake GET /api/v1/flux behind fetch: each connection is a stream the test writes to. */
function fakeFlux() {
  const connections: Array<{ headers: Headers; push: (text: string) => void; end: () => void }> = [];
  const encoder = new TextEncoder();
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    connections.push({ headers: new Headers(init?.headers), push: (text) => controller.enqueue(encoder.encode(text)), end: () => controller.close() });
    expect(String(input)).toMatch(/\/api\/v1\/flux$/);
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
  }) as typeof fetch;
  return connections;
}

const KEYS = {
  question: ['questions', Q1],
  fil: ['questions', Q1, 'fil'],
  verification: ['questions', Q1, 'fil', 'verification'],
  autreQuestion: ['questions', Q2],
  fileReferent: ['questions', 'file-referent'],
  questionsMaison: ['questions', 'maison', '', ''],
  commande: ['commandes', C1],
  commandesRecues: ['commandes', 'recues', '', []],
  tableau: ['tableaux-de-bord', 'sla', { perimetre: 'reseau' }],
  compteur: ['notifications', 'compteur'],
  boite: ['notifications', 'liste', { nonLues: true }],
  annuaire: ['annuaire', 'directions'],
} as const;

function setup() {
  const connections = fakeFlux();
  const queryClient = new QueryClient();
  for (const key of Object.values(KEYS)) queryClient.setQueryData(key, { avant: true });
  render(
    <QueryClientProvider client={queryClient}>
      <EtatDirect />
    </QueryClientProvider>,
  );
  const stale = () => Object.entries(KEYS).filter(([, key]) => queryClient.getQueryState(key)?.isInvalidated).map(([name]) => name).sort();
  const fresh = () => {
    for (const key of Object.values(KEYS)) queryClient.setQueryData(key, { apres: true });
  };
  return { connections, queryClient, stale, fresh };
}

describe('the live stream at the app level (useFlux, EtatDirect)', () => {
  beforeEach(() => setSession({ token: 'jeton-de-test', user: { id: 'u', email: 'a@relais.demo', displayName: 'A', role: 'referent' } } as never));
  afterEach(() => setSession(null));

  it('sends the session’s token; a fil event refetches that ticket, the lists and the dashboards, not another ticket; a duplicate changes nothing', async () => {
    const { connections, stale, fresh } = setup();
    await waitFor(() => expect(connections).toHaveLength(1));
    expect(connections[0].headers.get('Authorization')).toBe('Bearer jeton-de-test');

    const fil = JSON.stringify({ id: 'e1', ticketType: 'question', ticketId: Q1, reference: 'Q-2026-000001', seq: 4, type: 'question.escaladee', at: '2026-12-07T10:00:00Z' });
    act(() => connections[0].push(`id: 1-0\nevent: fil\ndata: ${fil}\n\n`));
    await waitFor(() => expect(stale()).toEqual(['fil', 'fileReferent', 'question', 'questionsMaison', 'tableau', 'verification']));

    // The same event again (at least once): already applied, nothing is refetched.
    fresh();
    act(() => connections[0].push(`id: 1-0\nevent: fil\ndata: ${fil}\n\n`));
    const commande = JSON.stringify({ id: 'e2', ticketType: 'commande', ticketId: C1, reference: 'C-2026-000001', seq: 2, type: 'affectation.livree', at: '2026-12-07T10:00:00Z' });
    act(() => connections[0].push(`id: 2-0\nevent: fil\ndata: ${commande}\n\n`));
    await waitFor(() => expect(stale()).toEqual(['commande', 'commandesRecues', 'tableau']));
  });

  it('a notification refetches every notifications query; resync refetches everything', async () => {
    const { connections, stale, fresh } = setup();
    await waitFor(() => expect(connections).toHaveLength(1));
    act(() => connections[0].push(`id: 1-0\nevent: notification\ndata: {"id":"n1","type":"question_escaladee","titre":"t","lien":"/questions/${Q1}"}\n\n`));
    await waitFor(() => expect(stale()).toEqual(['boite', 'compteur']));
    fresh();
    act(() => connections[0].push('id: 2-0\nevent: resync\ndata: {}\n\n'));
    await waitFor(() => expect(stale()).toEqual(Object.keys(KEYS).sort()));
  });

  it('says nothing while live, « Mises à jour en pause, reconnexion… » while the stream is down, and resumes with Last-Event-ID', async () => {
    const { connections } = setup();
    await waitFor(() => expect(connections).toHaveLength(1));
    act(() => connections[0].push('retry: 20\n: flux ouvert\n\n'));
    expect(screen.getByRole('status')).toHaveTextContent('');
    act(() => connections[0].push('id: 7-0\nevent: curseur\ndata:\n\n'));
    act(() => connections[0].end());
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Mises à jour en pause, reconnexion…'));
    await waitFor(() => expect(connections).toHaveLength(2));
    expect(connections[1].headers.get('Last-Event-ID')).toBe('7-0');
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(''));
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('opens no stream without a session', async () => {
    setSession(null);
    const { connections } = setup();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connections).toHaveLength(0);
    expect(screen.queryByRole('status')).toHaveTextContent('');
  });

  it('the keys a ticket event refreshes (pure)', () => {
    const e = { ticketType: 'question' as const, ticketId: Q1 };
    expect(cleARafraichir(['questions', Q1, 'fil'], e)).toBe(true);
    expect(cleARafraichir(['questions', Q2], e)).toBe(false);
    expect(cleARafraichir(['commandes', 'cabinet', 'liste', 'emise'], e)).toBe(false);
    expect(cleARafraichir(['notifications'], e)).toBe(false);
  });
});

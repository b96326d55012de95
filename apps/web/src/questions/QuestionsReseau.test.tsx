import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import { setSession } from '../auth/session';
import { QuestionPage } from './QuestionPage';
import { QuestionsReseauPage } from './QuestionsReseauPage';

const ok = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });
const tourisme = { id: 't', code: 'TOURISME', libelle: 'Tourisme' };
const question = {
  id: 'q1',
  reference: 'Q-2026-000042',
  statut: 'escaladee',
  objet: 'Récupération des eaux de pluie',
  description: 'Un camping veut financer une cuve.',
  canal: 'guichet',
  priorite: 'normale',
  maison: { id: 'm-perpignan', nom: 'Maison de Ma Région – Perpignan' },
  dispositif: { id: 'd1', nom: "Ec'Eau Tourisme" },
  theme: tourisme,
  direction: { id: 'dir', nom: 'Direction du Tourisme', sigle: null },
  enCoordination: false,
  referent: null,
  reponse: null,
  issue: null,
  creePar: { id: 'u2', displayName: 'Agent Perpignan' },
  createdAt: '2026-12-01T09:00:00Z',
  updatedAt: '2026-12-01T09:00:00Z',
  escaladeeAt: '2026-12-01T09:05:00Z',
  closedAt: null,
  version: 2,
  sla: [],
};

function serve(specialisations = [tourisme]) {
  return vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
    switch (path) {
      case '/api/v1/maisons/{id}':
        return ok({ id: 'm-carcassonne', nom: 'Maison de Ma Région – Carcassonne', specialisations });
      case '/api/v1/questions':
        return ok({ items: [question], nextCursor: null });
      case '/api/v1/questions/{id}':
        return ok({ ...question, lectureSeule: true, actions: [], lienSuiviPossible: false });
      case '/api/v1/questions/{id}/fil':
        return ok([]);
      case '/api/v1/questions/{id}/fil/verification':
        return ok({ valide: true, evenements: 0 });
      default:
        return ok({ items: [], nextCursor: null });
    }
  }) as never);
}

describe('Questions du réseau (a correspondent Maison, read-only)', () => {
  afterEach(() => setSession(null));
  const agent = () =>
    setSession({ token: 't', user: { id: 'a', displayName: 'Agent Carcassonne', email: 'agent.carcassonne@relais.demo', role: 'agent_mdr', perimetre: 'maison', directionId: null, maisonId: 'm-carcassonne' } });

  it('lists the thème’s questions of the whole network, with their Maison, and no action', async () => {
    agent();
    const get = serve();
    renderInApp(<QuestionsReseauPage />, { route: '/questions/reseau' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Questions du réseau — Tourisme' }, { timeout: 5000 })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: /Questions du réseau — Tourisme/ });
    const row = within(table).getByRole('row', { name: /Q-2026-000042/ });
    expect(row).toHaveTextContent('Maison de Ma Région – Perpignan');
    expect(within(row).getByRole('link', { name: 'Q-2026-000042' })).toHaveAttribute('href', '/questions/q1');
    expect(screen.queryAllByRole('button')).toEqual([]);
    expect(get).toHaveBeenCalledWith('/api/v1/questions', { params: { query: { specialisation: true, limit: 50, themeId: 't' } } });
  });

  it('says so when the Maison follows no thème, and asks the API for no list', async () => {
    agent();
    const get = serve([]);
    renderInApp(<QuestionsReseauPage />, { route: '/questions/reseau' });
    expect(await screen.findByText(/Votre Maison ne suit aucun thème pour le réseau/)).toBeInTheDocument();
    expect(get.mock.calls.some((call) => (call as unknown[])[0] === '/api/v1/questions')).toBe(false);
  });

  it('opens a question read-only: a note says why, no action, no tracking link, no message form', async () => {
    agent();
    serve();
    renderInApp(
      <Routes>
        <Route path="/questions/:id" element={<QuestionPage />} />
      </Routes>,
      { route: '/questions/q1' },
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Question Q-2026-000042' })).toBeInTheDocument();
    expect(screen.getByRole('note')).toHaveTextContent(/Lecture seule : question de la Maison de Ma Région – Perpignan/);
    expect(screen.queryByRole('heading', { name: 'Actions' })).toBeNull();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryAllByRole('button')).toEqual([]);
    expect(screen.queryByText(/Usager/)).toBeNull();
  });
});

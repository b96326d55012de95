import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import type { Question } from './labels';
import { QuestionActions } from './QuestionActions';

const question = (over: Partial<Question>): Question =>
  ({
    id: 'q1',
    reference: 'Q-2026-000001',
    statut: 'close',
    version: 7,
    actions: [],
    direction: null,
    ...over,
  }) as Question;

const refused = (status: number, body: object) => Promise.resolve({ error: { type: 'about:blank', status, ...body }, response: new Response(null, { status }) });

type Call = [string, { params: { path: { id: string } }; headers: Record<string, string>; body?: Record<string, unknown> }];

describe('QuestionActions', () => {
  it('offers exactly the actions the resource allows, and says when there is none', () => {
    const { rerender } = renderInApp(<QuestionActions question={question({ statut: 'recue', actions: ['repondre_localement', 'escalader', 'clore'] })} />);
    const buttons = screen.getAllByRole('button').map((b) => b.textContent);
    expect(buttons).toEqual(['Répondre sur place…', 'Escalader au siège…', 'Clore la question…']);
    rerender(<QuestionActions question={question({ actions: [] })} />);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.getByText('Aucune action possible pour vous sur cette question maintenant.')).toBeInTheDocument();
  });

  it('reopens with a motif: the API’s message sits next to the motif, then the version read is sent as If-Match', async () => {
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementationOnce((() => refused(422, { title: 'Requête invalide', detail: 'Le motif est obligatoire.', errors: [{ field: 'motif', message: 'Le motif est obligatoire.' }] })) as never)
      .mockImplementation((() => Promise.resolve({ data: question({ statut: 'rouverte', version: 8 }), response: new Response(null, { status: 200 }) })) as never);
    renderInApp(<QuestionActions question={question({ actions: ['rouvrir'] })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Rouvrir…' }));
    await userEvent.click(screen.getByRole('button', { name: 'Rouvrir' }));
    const error = await screen.findByText('Le motif est obligatoire.');
    const motif = screen.getByLabelText('Motif de la réouverture');
    expect(motif).toHaveAttribute('aria-invalid', 'true');
    expect(motif.getAttribute('aria-describedby')).toBe(error.id);

    await userEvent.type(motif, 'L’usager conteste la réponse.');
    await userEvent.click(screen.getByRole('button', { name: 'Rouvrir' }));
    await screen.findByRole('button', { name: 'Rouvrir…' });
    const [path, options] = post.mock.calls[1] as unknown as Call;
    expect(path).toBe('/api/v1/questions/{id}/rouvrir');
    expect(options.headers['If-Match']).toBe('"7"');
    expect(options.body).toEqual({ motif: 'L’usager conteste la réponse.' });
  });

  it('says a refused one-click action (someone changed the question meanwhile) next to its button', async () => {
    vi.spyOn(api, 'POST').mockImplementation((() => refused(412, { title: 'Version périmée', detail: 'La question a changé entre-temps : rechargez-la.' })) as never);
    renderInApp(<QuestionActions question={question({ statut: 'escaladee', actions: ['prendre_en_charge'] })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Prendre en charge' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('La question a changé entre-temps : rechargez-la.');
  });

  it('escalates routed by the API by default, or to the direction the agent names', async () => {
    const tourisme = '33333333-3333-4333-8333-333333333333';
    vi.spyOn(api, 'GET').mockImplementation((() =>
      Promise.resolve({ data: { items: [{ id: tourisme, nom: 'Direction du Tourisme', sigle: 'DT', historique: false }], nextCursor: null }, response: new Response(null, { status: 200 }) })) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => Promise.resolve({ data: question({ statut: 'escaladee', version: 2 }), response: new Response(null, { status: 200 }) })) as never);
    const q = question({ statut: 'recue', version: 1, actions: ['escalader'], dispositif: { id: 'd1', nom: "Ec'Eau Tourisme" } } as Partial<Question>);
    renderInApp(<QuestionActions question={q} />);
    await userEvent.click(screen.getByRole('button', { name: 'Escalader au siège…' }));
    expect(screen.getByText("Sans choix, la question va à la direction qui porte « Ec'Eau Tourisme ».")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Message pour le siège (facultatif)'), 'Dossier complet.');
    await userEvent.click(screen.getByRole('button', { name: 'Escalader au siège' }));
    await screen.findByRole('button', { name: 'Escalader au siège…' });
    expect((post.mock.calls[0] as unknown as Call)[1].body).toEqual({ message: 'Dossier complet.' });

    await userEvent.click(screen.getByRole('button', { name: 'Escalader au siège…' }));
    await screen.findByRole('option', { name: 'Direction du Tourisme (DT)' });
    await userEvent.selectOptions(screen.getByLabelText('Direction (facultatif)'), tourisme);
    await userEvent.click(screen.getByRole('button', { name: 'Escalader au siège' }));
    await screen.findByRole('button', { name: 'Escalader au siège…' });
    expect((post.mock.calls[1] as unknown as Call)[1].body).toEqual({ directionId: tourisme, message: null });
  });

  it('shows the suggested référent and the backup, and escalates to the one the agent picks', async () => {
    const bruno = { referentId: 'r-bruno', userId: 'u-bruno', displayName: 'Bruno Bastide', email: 'b@x.fr', telephone: null, reponses: 3, delaiMedianHeures: 2, motif: 'historique' };
    const chloe = { ...bruno, referentId: 'r-chloe', displayName: 'Chloé Cazals', reponses: 0, delaiMedianHeures: null, motif: 'annuaire' };
    vi.spyOn(api, 'GET').mockImplementation(((path: string) =>
      Promise.resolve({
        data: path.endsWith('suggestion-referent') ? { directionId: 'd', dispositifId: 'd1', mois: 12, suggere: bruno, renfort: chloe } : { items: [], nextCursor: null },
        response: new Response(null, { status: 200 }),
      })) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => Promise.resolve({ data: question({ statut: 'escaladee', version: 2 }), response: new Response(null, { status: 200 }) })) as never);
    renderInApp(<QuestionActions question={question({ statut: 'recue', version: 1, actions: ['escalader'] })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Escalader au siège…' }));
    expect(await screen.findByText(/Référent suggéré/)).toHaveTextContent(
      'Référent suggéré : Bruno Bastide (3 réponses, délai médian 2 h), en renfort : Chloé Cazals (désigné par l’annuaire, pas encore de réponse).',
    );
    expect(screen.getByRole('radio', { name: 'Toute la direction (file des référents)' })).toBeChecked();
    await userEvent.click(screen.getByRole('radio', { name: 'Le référent suggéré : Bruno Bastide' }));
    await userEvent.click(screen.getByRole('button', { name: 'Escalader au siège' }));
    await screen.findByRole('button', { name: 'Escalader au siège…' });
    expect((post.mock.calls[0] as unknown as Call)[1].body).toEqual({ referentId: 'r-bruno', message: null });
  });
});

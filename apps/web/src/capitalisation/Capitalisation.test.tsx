import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import type { Question } from '../questions/labels';
import { PublierReponse } from './PublierReponse';
import { ReponsesPubliees } from './ReponsesPubliees';
import { SuggestionsPanel } from './Suggestions';

const ok = (data: unknown, status = 200) => Promise.resolve({ data, response: new Response(null, { status }) });
const refused = (status: number, body: object) => Promise.resolve({ error: { type: 'about:blank', status, ...body }, response: new Response(null, { status }) });

const reponsePubliee = (over: Record<string, unknown> = {}) => ({
  id: 'r1',
  question: 'Un camping peut-il financer la récupération des eaux de pluie ?',
  reponse: 'Oui : Ec’Eau Tourisme finance jusqu’à 50 %.',
  diffusion: 'externe',
  dispositif: { id: 'disp1', nom: 'Ec’Eau Tourisme' },
  theme: null,
  questionSourceId: 'q0',
  auteur: { id: 'u1', displayName: 'Claire Référente', unite: 'Direction du Tourisme' },
  publieeLe: '2026-12-07T09:30:00Z',
  modifieeLe: null,
  retireeLe: null,
  version: 1,
  reutilisations: 2,
  peutModifier: false,
  score: 0.6,
  ...over,
});

describe('SuggestionsPanel', () => {
  it('shows published answers and similar questions, folded; unfolded, answers at the desk with the edited answer and names the reused one', async () => {
    const get = vi.spyOn(api, 'GET').mockImplementation((() =>
      ok({
        reponsesPubliees: [reponsePubliee()],
        questions: [{ id: 'q9', objet: 'Eau de pluie pour [usager]', reponse: 'Voir la brochure.', dispositif: null, reponduLe: '2026-11-02T10:00:00Z', score: 0.3 }],
      })) as never);
    const onRepondre = vi.fn();
    renderInApp(<SuggestionsPanel objet="eau camping" dispositifId="disp1" pending={false} onRepondre={onRepondre} />);

    const publiees = await screen.findByRole('list', { name: 'Réponses déjà publiées' });
    expect(get.mock.calls[0]![1]).toEqual({ params: { query: { objet: 'eau camping', dispositifId: 'disp1' } } });
    expect(publiees).toHaveTextContent('Externe : peut être remise telle quelle à l’usager');
    expect(publiees).toHaveTextContent('déjà réutilisée 2 fois');
    const similaires = screen.getByRole('list', { name: 'Questions similaires déjà traitées' });
    expect(similaires).toHaveTextContent('Question d’une autre Maison');
    expect(within(similaires).queryByRole('link')).toBeNull();

    await userEvent.click(within(publiees).getByText(/Un camping peut-il financer/));
    const texte = within(publiees).getByLabelText('Réponse à donner (modifiable)');
    await userEvent.type(texte, ' Dossier à déposer avant mars.');
    await userEvent.click(within(publiees).getByRole('button', { name: 'Répondre au guichet avec cette réponse' }));
    expect(onRepondre).toHaveBeenCalledWith({ reponse: 'Oui : Ec’Eau Tourisme finance jusqu’à 50 %. Dossier à déposer avant mars.', reponsePublieeId: 'r1' });

    await userEvent.click(within(similaires).getByText('Eau de pluie pour [usager]'));
    await userEvent.click(within(similaires).getByRole('button', { name: 'Répondre au guichet avec cette réponse' }));
    expect(onRepondre).toHaveBeenLastCalledWith({ reponse: 'Voir la brochure.', questionSourceId: 'q9' });
  });

  it('asks nothing below three letters', () => {
    const get = vi.spyOn(api, 'GET');
    renderInApp(<SuggestionsPanel objet="ea" dispositifId={null} pending={false} onRepondre={vi.fn()} />);
    expect(get).not.toHaveBeenCalled();
    expect(screen.queryByRole('heading')).toBeNull();
  });
});

const question = (over: Partial<Question> = {}): Question =>
  ({ id: 'q1', reference: 'Q-2026-000001', statut: 'repondue', version: 4, objet: 'Eau de pluie au camping de M. Casals', reponse: 'Oui, jusqu’à 50 %.', dispositif: { id: 'disp1', nom: 'Ec’Eau Tourisme' }, publicationPossible: true, ...over }) as Question;

describe('PublierReponse', () => {
  it('is offered only when the question says so', () => {
    renderInApp(<PublierReponse question={question({ publicationPossible: false })} />);
    expect(screen.queryByRole('button', { name: 'Publier dans L’info pour tous' })).toBeNull();
  });

  it('prefills from the question, shows the refusal next to the question field, then publishes the reworded question', async () => {
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementationOnce((() => refused(422, { title: 'Contenu refusé', detail: 'x', errors: [{ field: 'question', message: 'Reformulez sans donnée personnelle : le texte contient le nom de l’usager.' }] })) as never)
      .mockImplementation((() => ok(reponsePubliee(), 201)) as never);
    renderInApp(<PublierReponse question={question()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Publier dans L’info pour tous' }));
    const form = screen.getByRole('form', { name: 'Publier dans L’info pour tous' });
    const champ = within(form).getByLabelText('Question reformulée');
    expect(champ).toHaveValue('Eau de pluie au camping de M. Casals');
    expect(within(form).getByLabelText('Réponse')).toHaveValue('Oui, jusqu’à 50 %.');
    await userEvent.click(within(form).getByRole('button', { name: 'Publier' }));
    expect(await within(form).findByText(/le nom de l’usager/)).toHaveAttribute('id', 'publier-question-error');
    expect(champ).toHaveAttribute('aria-invalid', 'true');

    await userEvent.clear(champ);
    await userEvent.type(champ, 'Un camping peut-il financer la récupération des eaux de pluie ?');
    await userEvent.click(within(form).getByLabelText(/Externe/));
    await userEvent.click(within(form).getByRole('button', { name: 'Publier' }));
    const [path, options] = post.mock.calls[1]! as unknown as [string, { params: { path: { id: string } }; body: Record<string, string> }];
    expect(path).toBe('/api/v1/questions/{id}/publier');
    expect(options).toMatchObject({ params: { path: { id: 'q1' } }, body: { question: 'Un camping peut-il financer la récupération des eaux de pluie ?', reponse: 'Oui, jusqu’à 50 %.', diffusion: 'externe' } });
    expect(await screen.findByRole('link', { name: 'Voir sur la page du dispositif' })).toHaveAttribute('href', '/dispositifs/disp1#reponse-r1');
  });
});

describe('ReponsesPubliees', () => {
  it('lists a dispositif’s published answers, each at its anchor, saying in words which may go to the usager', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => ok({ items: [reponsePubliee(), reponsePubliee({ id: 'r2', diffusion: 'interne', reutilisations: 0 })], nextCursor: null })) as never);
    const { container } = renderInApp(<ReponsesPubliees dispositifId="disp1" />);
    const list = await screen.findByRole('list', { name: 'Réponses publiées du dispositif' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(container.querySelector('#reponse-r1')).toHaveTextContent('Externe : peut être remise telle quelle à l’usager');
    expect(container.querySelector('#reponse-r1')).toHaveTextContent('réutilisée 2 fois au guichet');
    expect(container.querySelector('#reponse-r2')).toHaveTextContent('Interne : pour les agents, à reformuler pour l’usager');
    expect(screen.queryByRole('button', { name: 'Retirer cette réponse' })).toBeNull();
  });

  it('lets its author’s unit withdraw one, with If-Match', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => ok({ items: [reponsePubliee({ peutModifier: true, version: 3 })], nextCursor: null })) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => ok(reponsePubliee({ retireeLe: '2026-12-07T10:00:00Z' }))) as never);
    renderInApp(<ReponsesPubliees dispositifId="disp1" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Retirer cette réponse' }));
    expect(post.mock.calls[0]).toEqual(['/api/v1/reponses-publiees/{id}/retirer', { params: { path: { id: 'r1' } }, headers: { 'If-Match': '"3"' } }]);
  });
});

describe('NouvelleQuestionPage with suggestions', () => {
  it('records the question (Idempotency-Key) then answers it at the desk with the reused answer, If-Match on the new version', async () => {
    const { NouvelleQuestionPage } = await import('../questions/NouvelleQuestionPage');
    vi.spyOn(api, 'GET').mockImplementation(((path: string) =>
      path === '/api/v1/questions/suggestions' ? ok({ reponsesPubliees: [reponsePubliee()], questions: [] }) : ok({ items: [], nextCursor: null })) as never);
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementationOnce((() => ok({ id: 'q42', version: 1 }, 201)) as never)
      .mockImplementation((() => ok({ id: 'q42', version: 2, statut: 'repondue_localement' })) as never);
    renderInApp(<NouvelleQuestionPage />);
    await userEvent.type(screen.getByLabelText('Objet'), 'Eau de pluie au camping');
    await userEvent.type(screen.getByLabelText('Description'), 'Cuve de récupération.');
    await userEvent.type(screen.getByLabelText('Nom'), 'Martine Usagère');
    await userEvent.click(screen.getByLabelText(/L’usager accepte/));
    const publiees = await screen.findByRole('list', { name: 'Réponses déjà publiées' }, { timeout: 3000 });
    await userEvent.click(within(publiees).getByText(/Un camping peut-il financer/));
    await userEvent.click(within(publiees).getByRole('button', { name: 'Répondre au guichet avec cette réponse' }));

    await vi.waitFor(() => expect(post).toHaveBeenCalledTimes(2));
    const [creer, repondre] = post.mock.calls as unknown as Array<[string, { body: any; headers?: Record<string, string>; params?: any }]>;
    expect(creer[0]).toBe('/api/v1/questions');
    expect(creer[1].body).toMatchObject({ objet: 'Eau de pluie au camping', usager: { nom: 'Martine Usagère', consentement: true } });
    expect(creer[1].headers!['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(repondre[0]).toBe('/api/v1/questions/{id}/repondre-localement');
    expect(repondre[1]).toMatchObject({ params: { path: { id: 'q42' } }, headers: { 'If-Match': '"1"' }, body: { reponse: 'Oui : Ec’Eau Tourisme finance jusqu’à 50 %.', reponsePublieeId: 'r1' } });
  });
});

import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import { RechercheBox } from './RechercheBox';
import { RecherchePage } from './RecherchePage';

const ok = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });
const refused = (problem: unknown, status: number) => Promise.resolve({ error: problem, response: new Response(null, { status }) });
const eceau = { id: 'disp-eceau', nom: "Ec'Eau Tourisme", historique: true };
const ouvert = { id: 'disp-pass', nom: 'Pass Tourisme', historique: false };

const ITEMS = [
  {
    type: 'dispositif',
    id: 'disp-eceau',
    titre: "Ec'Eau Tourisme",
    dispositif: eceau,
    score: 0.41,
    tousLesMots: true,
    extrait: [
      { texte: 'Appel à projets pour les économies d’', surligne: false },
      { texte: 'eau', surligne: true },
      { texte: ' dans les ', surligne: false },
      { texte: 'campings', surligne: true },
    ],
  },
  {
    type: 'document',
    id: 'doc-1',
    titre: 'Guide du porteur de projet',
    dispositif: eceau,
    score: 0.3,
    tousLesMots: true,
    extrait: [{ texte: '<img src=x onerror=alert(1)> ', surligne: false }, { texte: 'mitigeurs', surligne: true }],
  },
  {
    type: 'reponse',
    id: 'rep-1',
    titre: 'Un camping est-il éligible ?',
    dispositif: ouvert,
    score: 0.2,
    tousLesMots: false,
    extrait: [{ texte: 'Oui, pour un ', surligne: false }, { texte: 'camping', surligne: true }],
  },
  { type: 'reponse', id: 'rep-2', titre: 'Question sur un thème', dispositif: null, score: 0.1, tousLesMots: false, extrait: [] },
];

describe('RecherchePage', () => {
  it('lists the results by type, with the matched words in <mark>, each linking where it belongs', async () => {
    const get = vi.spyOn(api, 'GET').mockImplementation((() => ok({ items: ITEMS })) as never);
    renderInApp(<RecherchePage />, { route: '/recherche?q=eau%20tourisme%20camping' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Recherche : eau tourisme camping' })).toBeInTheDocument();
    expect(get.mock.calls[0]![0]).toBe('/api/v1/recherche');
    expect(get.mock.calls[0]![1]).toMatchObject({ params: { query: { q: 'eau tourisme camping' } } });
    expect(screen.getByRole('status')).toHaveTextContent('4 résultats pour « eau tourisme camping ».');

    const dispositifs = screen.getByRole('region', { name: 'Dispositifs (1)' });
    expect(within(dispositifs).getByRole('link', { name: "Ec'Eau Tourisme" })).toHaveAttribute('href', '/dispositifs/disp-eceau');
    const marks = dispositifs.querySelectorAll('mark');
    expect([...marks].map((m) => m.textContent)).toEqual(['eau', 'campings']);

    const documents = screen.getByRole('region', { name: 'Documents (1)' });
    expect(within(documents).getByRole('link', { name: 'Guide du porteur de projet' })).toHaveAttribute('href', '/dispositifs/disp-eceau#document-doc-1');
    expect(within(documents).getByRole('button', { name: 'Télécharger « Guide du porteur de projet »' })).toBeInTheDocument();
    // Text from the API stays text: no element is ever made from it.
    expect(documents.querySelector('img')).toBeNull();
    expect(documents).toHaveTextContent('<img src=x onerror=alert(1)> mitigeurs');

    const reponses = screen.getByRole('region', { name: 'Réponses publiées (2)' });
    expect(within(reponses).getByRole('link', { name: 'Un camping est-il éligible ?' })).toHaveAttribute('href', '/dispositifs/disp-pass#reponse-rep-1');
    // A closed scheme says so in words, on its own row and on its documents' rows; an open one does not.
    expect(within(dispositifs).getByText('Dispositif clos')).toBeInTheDocument();
    expect(within(documents).getByText('Dispositif clos')).toBeInTheDocument();
    expect(within(reponses).queryByText('Dispositif clos')).toBeNull();
    expect(within(reponses).getAllByText('Contient une partie des mots')).toHaveLength(2);
    // An answer on a thème only has no dispositif page: its question is shown, not linked.
    expect(within(reponses).getByRole('heading', { level: 3, name: 'Question sur un thème' })).toBeInTheDocument();
    expect(within(reponses).queryByRole('link', { name: 'Question sur un thème' })).toBeNull();
  });

  it('downloads a document found with the session’s token, named from its title and the served type', async () => {
    const get = vi.spyOn(api, 'GET').mockImplementation(((path: string) =>
      path === '/api/v1/recherche' ? ok({ items: ITEMS }) : ok(new Blob(['%PDF-1.4'], { type: 'application/pdf' }))) as never);
    const createObjectURL = vi.fn(() => 'blob:relais/1');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementationOnce(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('Guide du porteur de projet.pdf');
      expect(this.href).toBe('blob:relais/1');
    });
    renderInApp(<RecherchePage />, { route: '/recherche?q=mitigeurs' });
    await userEvent.click(await screen.findByRole('button', { name: 'Télécharger « Guide du porteur de projet »' }));
    await vi.waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect((get.mock.calls as unknown as Array<[string, unknown]>).find(([path]) => path === '/api/v1/documents/{id}/contenu')![1]).toMatchObject({ params: { path: { id: 'doc-1' } }, parseAs: 'blob' });
  });

  it('says so when nothing is found, and shows the API’s refusal of q in French', async () => {
    vi.spyOn(api, 'GET').mockImplementation(((_path: string, options: { params: { query: { q: string } } }) =>
      options.params.query.q === 'zz'
        ? refused({ status: 400, title: 'Requête invalide', detail: 'La requête contient des champs invalides.', code: 'VALIDATION', errors: [{ field: 'q', message: 'Aucun mot à chercher : les mots très courants (le, de, à…) sont ignorés.' }] }, 400)
        : ok({ items: [] })) as never);
    const { unmount } = renderInApp(<RecherchePage />, { route: '/recherche?q=zorglub' });
    expect(await screen.findByText('Aucun résultat pour « zorglub ».')).toHaveAttribute('role', 'status');
    expect(screen.getByText(/Essayez d’autres mots/)).toBeInTheDocument();
    unmount();
    renderInApp(<RecherchePage />, { route: '/recherche?q=zz' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Aucun mot à chercher');
  });
});

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

describe('RechercheBox', () => {
  it('is a labelled search landmark; Enter opens the results page with the typed words', async () => {
    renderInApp(
      <>
        <RechercheBox />
        <Routes>
          <Route path="*" element={<Where />} />
        </Routes>
      </>,
      { route: '/questions' },
    );
    const box = screen.getByRole('search', { name: 'Rechercher dans Relais' });
    const input = within(box).getByRole('searchbox', { name: 'Recherche dans Relais : dispositifs, documents, réponses publiées' });
    await userEvent.type(input, "  l'hébergement{Enter}");
    expect(screen.getByTestId('where')).toHaveTextContent("/recherche?q=l'h%C3%A9bergement");
    // Blank: nothing happens.
    await userEvent.clear(input);
    await userEvent.type(input, '   {Enter}');
    expect(screen.getByTestId('where')).toHaveTextContent("/recherche?q=l'h%C3%A9bergement");
  });
});

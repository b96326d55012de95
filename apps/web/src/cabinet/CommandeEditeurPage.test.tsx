import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { CommandeEditeurPage } from './CommandeEditeurPage';
import { json } from '../../test/fake-api';
import { commande, MAISONS } from './fixtures.test-utils';

const server = await vi.hoisted(async () => (await import('../../test/fake-api')).installFakeApi());
const ID = 'c0000000-0000-4000-8000-000000000001';

const serve = server.serve;

const directory = {
  'GET /maisons': () => json({ items: MAISONS, nextCursor: null }),
  'GET /themes': () => json({ items: [{ id: 't1', code: 'FORMATION_EMPLOI', libelle: 'Formation et emploi', direction: null }], nextCursor: null }),
};

const incomplete = {
  complet: false,
  manquants: ['livrables[1].echeance', 'materiel', 'contacts[0].email', 'maisonIds'],
  alertes: ['Aucun contexte n’est donné : les Maisons comprendront mieux la demande avec quelques lignes de contexte.'],
  erreurs: [
    { field: 'livrables[1].echeance', message: 'Un livrable ne peut pas être dû après l’échéance de la commande.' },
    { field: 'materiel', message: 'Listez le matériel fourni aux Maisons, ou indiquez explicitement « aucun ».' },
    { field: 'contacts[0].email', message: 'Donnez une adresse e-mail ou un téléphone pour joindre ce contact.' },
    { field: 'maisonIds', message: 'Choisissez au moins une Maison de la Région destinataire.' },
  ],
};

function renderEditor() {
  return renderInApp(
    <Routes>
      <Route path="/cabinet/commandes/:id/modifier" element={<CommandeEditeurPage />} />
      <Route path="/cabinet/commandes/:id" element={<p>Suivi de la commande</p>} />
    </Routes>,
    { route: `/cabinet/commandes/${ID}/modifier` },
  );
}

/** The text of the elements an input's aria-describedby points at. */
function description(element: HTMLElement): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' | ');
}

beforeEach(() => {
  server.requests.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

// Generous: the machine running the suite may be busy (several jsdom renders and user events per test).
describe('commande editor: the completeness check beside each field', { timeout: 30_000 }, () => {
  it('places each missing item next to its own field (aria-describedby), lists them, and refuses to issue', async () => {
    serve({ ...directory, [`GET /commandes/${ID}`]: () => json(commande()), [`GET /commandes/${ID}/verification`]: () => json(incomplete) });
    const user = userEvent.setup();
    renderEditor();
    await screen.findByText(/Incomplet : 4 éléments à compléter avant d’émettre/);

    // Each message is next to its field: the second deliverable's date, the material, the first contact's e-mail, the Maisons.
    expect(description(screen.getByLabelText('Livrable 2 : échéance (facultatif)'))).toMatch(/ne peut pas être dû après l’échéance/);
    expect(description(screen.getByLabelText('Livrable 1 : échéance (facultatif)'))).toBe('');
    expect(description(screen.getByRole('group', { name: 'Matériel fourni aux Maisons' }))).toMatch(/Listez le matériel/);
    expect(description(screen.getByLabelText('Contact 1 : e-mail'))).toMatch(/Donnez une adresse e-mail ou un téléphone/);
    expect(description(screen.getByLabelText('Contact 1 : nom'))).toBe('');
    expect(description(screen.getByRole('group', { name: 'Maisons de la Région destinataires' }))).toMatch(/Choisissez au moins une Maison/);
    expect(description(screen.getByLabelText('Titre'))).toBe('');
    // Missing is not refused: the inputs are not marked invalid.
    expect(screen.getByLabelText('Contact 1 : e-mail')).not.toHaveAttribute('aria-invalid');
    // The alert of the check is shown too.
    expect(screen.getByText(/Aucun contexte n’est donné/)).toBeInTheDocument();

    // "Émettre" says why it cannot issue; pressing it issues nothing and moves to the first field to complete.
    const emettre = screen.getByRole('button', { name: 'Émettre la commande' });
    expect(emettre).toHaveAttribute('aria-disabled', 'true');
    expect(description(emettre)).toMatch(/Impossible d’émettre : 4 éléments du cahier des charges sont à compléter/);
    await user.click(emettre);
    expect(screen.getByRole('alert')).toHaveTextContent('Commande non émise');
    expect(server.requests.some((r) => r.path.endsWith('/emettre'))).toBe(false);
    expect(document.activeElement).toBe(screen.getByLabelText('Livrable 2 : échéance (facultatif)'));

    // Each item of the list is a link to its field.
    await user.click(screen.getByRole('link', { name: /Donnez une adresse e-mail/ }));
    expect(document.activeElement).toBe(screen.getByLabelText('Contact 1 : e-mail'));
  });

  it('saves a change by itself (only that field, If-Match the version read), then checks again: complete, "Émettre" is offered', async () => {
    let verification: unknown = { complet: false, manquants: ['materiel'], alertes: [], erreurs: [incomplete.erreurs[1]] };
    serve({
      ...directory,
      [`GET /commandes/${ID}`]: () => json(commande()),
      [`GET /commandes/${ID}/verification`]: () => json(verification),
      [`PATCH /commandes/${ID}`]: () => {
        verification = { complet: true, manquants: [], alertes: [], erreurs: [] };
        return json(commande({ materiel: 'aucun', version: 4, actions: ['modifier', 'emettre', 'annuler', 'ecrire'] }));
      },
      [`POST /commandes/${ID}/emettre`]: () => json(commande({ statut: 'emise', materiel: 'aucun', version: 5, actions: ['annuler', 'ecrire'] })),
    });
    const user = userEvent.setup();
    renderEditor();
    await screen.findByText(/Incomplet : 1 élément à compléter/);
    await user.click(screen.getByLabelText('Aucun matériel n’est fourni'));
    await screen.findByText('Complet : la commande peut être émise.', {}, { timeout: 3000 });
    const patch = server.requests.find((r) => r.method === 'PATCH')!;
    expect(patch).toMatchObject({ ifMatch: '"3"', body: { materiel: 'aucun' } });
    expect(Object.keys(patch.body as object)).toEqual(['materiel']);
    expect(screen.queryByText(/Listez le matériel/)).not.toBeInTheDocument();

    const emettre = screen.getByRole('button', { name: 'Émettre la commande' });
    await waitFor(() => expect(emettre).toHaveAttribute('aria-disabled', 'false'));
    await user.click(emettre);
    await screen.findByText('Suivi de la commande');
    expect(server.requests.find((r) => r.path.endsWith('/emettre'))).toMatchObject({ method: 'POST', ifMatch: '"4"' });
  });

  it('when the API refuses to issue (422) anyway, shows its missing fields next to the fields', async () => {
    serve({
      ...directory,
      [`GET /commandes/${ID}`]: () => json(commande({ materiel: 'aucun', actions: ['modifier', 'emettre', 'annuler', 'ecrire'] })),
      [`GET /commandes/${ID}/verification`]: () => json({ complet: true, manquants: [], alertes: [], erreurs: [] }),
      [`POST /commandes/${ID}/emettre`]: () =>
        json(
          {
            status: 422,
            title: 'Cahier des charges incomplet',
            detail: 'Il manque : echeance.',
            code: 'COMMANDE_BRIEF_INCOMPLET',
            errors: [{ field: 'echeance', message: 'L’échéance (29 janvier 2027) est passée : choisissez une date à venir.' }],
          },
          422,
        ),
    });
    const user = userEvent.setup();
    renderEditor();
    const emettre = await screen.findByRole('button', { name: 'Émettre la commande' });
    await waitFor(() => expect(emettre).toHaveAttribute('aria-disabled', 'false'));
    await user.click(emettre);
    const echeance = screen.getByLabelText('Échéance');
    await waitFor(() => expect(echeance).toHaveAttribute('aria-invalid', 'true'));
    expect(description(echeance)).toMatch(/est passée : choisissez une date à venir/);
    expect(within(screen.getByRole('alert')).getByText('Commande non émise')).toBeInTheDocument();
  });

  it('a save refused with 412 says the draft was modified elsewhere and shows the version the API holds', async () => {
    let current = commande();
    serve({
      ...directory,
      [`GET /commandes/${ID}`]: () => json(current),
      [`GET /commandes/${ID}/verification`]: () => json({ complet: false, manquants: ['materiel'], alertes: [], erreurs: [incomplete.erreurs[1]] }),
      [`PATCH /commandes/${ID}`]: () => {
        current = commande({ titre: 'Atelier BTP (titre d’un collègue)', version: 9 });
        return json({ status: 412, title: 'Modifiée entre-temps', detail: 'La commande a changé depuis votre lecture.', code: 'PRECONDITION_FAILED' }, 412);
      },
    });
    const user = userEvent.setup();
    renderEditor();
    const titre = await screen.findByLabelText('Titre');
    await user.clear(titre);
    await user.type(titre, 'Mon titre');
    const alert = await screen.findByText(/ce brouillon a été modifié entre-temps/, {}, { timeout: 3000 });
    expect(alert.closest('[role="alert"]')).not.toBeNull();
    await waitFor(() => expect(screen.getByLabelText('Titre')).toHaveValue('Atelier BTP (titre d’un collègue)'));
  });
});

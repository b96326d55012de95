import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { CommandeSuiviPage } from './CommandeSuiviPage';
import { json } from '../../test/fake-api';
import { affectation, commande, MAISONS } from './fixtures.test-utils';
import { RollupMatrix } from './RollupMatrix';

const server = await vi.hoisted(async () => (await import('../../test/fake-api')).installFakeApi());
const ID = 'c0000000-0000-4000-8000-000000000001';
const [FOIX, LIMOUX, PERPIGNAN] = MAISONS;

const issued = () =>
  commande({
    statut: 'emise',
    maisons: MAISONS.map((m) => ({ id: m.id, nom: m.nom })),
    affectations: [
      affectation(FOIX, { statut: 'clarification_demandee', statutAvantClarification: 'accusee', pourcentage: 10, actions: ['clarifier', 'annuler'], version: 4 }),
      affectation(LIMOUX, { statut: 'livree', pourcentage: 100, livraison: { note: 'Compte rendu joint.', liens: ['https://partage.laregion.fr/limoux.pdf'] }, actions: ['valider', 'renvoyer', 'annuler'], version: 6 }),
      affectation(PERPIGNAN, { statut: 'en_cours', pourcentage: 40, enRetard: true, joursDeRetard: 2, actions: ['annuler'] }),
    ],
    resume: {
      parStatut: { envoyee: 0, accusee: 0, en_cours: 1, clarification_demandee: 1, livree: 1, renvoyee: 0, validee: 0, annulee: 0 },
      enRetard: 1,
      progressionMoyenne: 50,
      livrablesFaits: 2,
      livrablesTotal: 6,
    },
    actions: ['annuler', 'ecrire'],
  });

const fil = [
  { seq: 1, type: 'commande.redigee', at: '2026-12-02T09:00:00.000Z', acteur: { id: 'u1', displayName: 'Vincent Carrère', role: 'cabinet' }, visibilite: 'partage', data: {}, hash: 'h1', previousHash: null },
  {
    seq: 2,
    type: 'affectation.clarification_demandee',
    at: '2026-12-03T08:30:00.000Z',
    acteur: { id: 'u2', displayName: 'Émilie Combes', role: 'agent_mdr' },
    visibilite: 'partage',
    data: { affectationId: 'a-Foix', maisonId: FOIX.id, question: 'Faut-il inviter les organismes de formation ?' },
    hash: 'h2',
    previousHash: 'h1',
  },
];

beforeEach(() => {
  server.requests.length = 0;
});

describe('RollupMatrix', { timeout: 30_000 }, () => {
  it('marks each Maison’s current state in its column, with progress, lateness and the count per state', () => {
    const c = issued();
    renderInApp(<RollupMatrix affectations={c.affectations} resume={c.resume} />);
    const table = screen.getByRole('table', { name: /Où en est chaque Maison/ });
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Maison', 'envoyée', 'accusée', 'en cours', 'clarification demandée', 'livrée', 'renvoyée', 'validée', 'retirée', 'Avancement', 'Retard']);
    const rowOf = (nom: string) => within(table).getByRole('rowheader', { name: nom }).closest('tr')!;
    const marked = (nom: string) =>
      within(rowOf(nom))
        .getAllByRole('cell')
        .map((cell, i) => (cell.textContent?.includes('●') ? headers[i + 1] : null))
        .filter(Boolean);
    expect(marked(FOIX.nom)).toEqual(['clarification demandée']);
    expect(marked(LIMOUX.nom)).toEqual(['livrée']);
    expect(marked(PERPIGNAN.nom)).toEqual(['en cours']);
    // The state is said in words for screen readers, not only by a dot.
    expect(within(rowOf(LIMOUX.nom)).getByText('livrée')).toHaveClass('visually-hidden');
    expect(within(rowOf(PERPIGNAN.nom)).getByText('2 jours ouvrés de retard')).toBeInTheDocument();
    expect(within(rowOf(PERPIGNAN.nom)).getByLabelText(`Avancement de ${PERPIGNAN.nom}`)).toHaveAttribute('value', '40');
    expect(within(rowOf(FOIX.nom)).getByText('À l’heure')).toBeInTheDocument();
    const totals = within(table).getByRole('rowheader', { name: 'Total' }).closest('tr')!;
    expect(within(totals).getAllByRole('cell').map((c) => c.textContent)).toEqual(['0', '0', '1', '1', '1', '0', '0', '0', '50 % en moyenne', '1 Maison en retard']);
  });
});

describe('commande follow-up (roll-up)', { timeout: 30_000 }, () => {
  function renderSuivi() {
    return renderInApp(
      <Routes>
        <Route path="/cabinet/commandes/:id" element={<CommandeSuiviPage />} />
      </Routes>,
      { route: `/cabinet/commandes/${ID}` },
    );
  }

  it('shows the Maison’s pending question and answers it; a send-back without motif is refused next to the motif', async () => {
    let current = issued();
    server.serve({
      [`GET /commandes/${ID}`]: () => json(current),
      [`GET /commandes/${ID}/fil`]: () => json(fil),
      [`GET /commandes/${ID}/fil/verification`]: () => json({ valide: true, evenements: 2, premiereAnomalie: null, anterieursAuMac: 0, tete: { seq: 2, cle: 'k', valide: true }, sceau: null }),
      'POST /affectations/a-Foix/clarifier': () => {
        current = { ...current, affectations: current.affectations.map((a) => (a.id === 'a-Foix' ? { ...a, statut: 'accusee', actions: ['annuler'] } : a)) } as typeof current;
        return json({ ...current.affectations[0], commande: { id: ID } });
      },
      'POST /affectations/a-Limoux/renvoyer': () =>
        json({ status: 400, title: 'Requête invalide', detail: 'motif : Le motif est obligatoire.', code: 'VALIDATION', errors: [{ field: 'motif', message: 'Le motif est obligatoire.' }] }, 400),
    });
    const user = userEvent.setup();
    renderSuivi();
    const foix = await screen.findByRole('region', { name: /Foix/ });
    expect(await within(foix).findByText('Faut-il inviter les organismes de formation ?')).toBeInTheDocument();
    expect(within(foix).getByText(/^Émilie Combes, le 3 déc\. 2026/)).toBeInTheDocument();
    // The one shared fil: the Maison named by its short name, the question in full, and the one message form.
    const filRegion = screen.getByRole('region', { name: 'Fil de la commande' });
    await within(filRegion).findByText('Fil intègre, 2 événements vérifiés');
    const demande = within(filRegion).getByText('Émilie Combes a demandé une clarification (Foix)').closest('li')!;
    expect(within(demande).getByText('Faut-il inviter les organismes de formation ?')).toBeInTheDocument();
    expect(within(filRegion).getByText('Vincent Carrère a rédigé la commande (brouillon)')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Écrire sur le fil' })).toBeInTheDocument();
    await user.type(within(foix).getByLabelText(`Votre réponse à ${FOIX.nom}`), 'Les entreprises d’abord.');
    await user.click(within(foix).getByRole('button', { name: 'Envoyer la réponse' }));
    await waitFor(() => expect(within(screen.getByRole('region', { name: /Foix/ })).getByText('accusée')).toBeInTheDocument());
    expect(server.requests.find((r) => r.path === '/affectations/a-Foix/clarifier')).toMatchObject({ ifMatch: '"4"', body: { reponse: 'Les entreprises d’abord.' } });

    const limoux = screen.getByRole('region', { name: /Limoux/ });
    expect(within(limoux).getByText('Compte rendu joint.')).toBeInTheDocument();
    await user.click(within(limoux).getByRole('button', { name: 'Renvoyer la livraison…' }));
    await user.click(within(limoux).getByRole('button', { name: 'Renvoyer la livraison' }));
    const motif = within(limoux).getByLabelText(`Motif du renvoi à ${LIMOUX.nom}`);
    await waitFor(() => expect(motif).toHaveAttribute('aria-invalid', 'true'));
    expect(document.getElementById(motif.getAttribute('aria-describedby')!)).toHaveTextContent('Le motif est obligatoire.');
    // Only what the API allows: Perpignan's only action is the withdrawal.
    const perpignan = screen.getByRole('region', { name: /Perpignan/ });
    expect(within(perpignan).queryByRole('button', { name: /Valider|Renvoyer/ })).toBeNull();
  });
});

import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import { setSession } from '../auth/session';
import { AnnuairePage } from './AnnuairePage';

const ok = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });
const jour = [{ start: '09:00', end: '12:00' }, { start: '14:00', end: '17:00' }];
const tourisme = { id: 'dir-t', code: 'tourisme', sigle: null, nom: 'Direction du Tourisme' };
const eceau = {
  id: 'disp-1',
  code: 'eceau-tourisme',
  nom: "Ec'Eau Tourisme",
  theme: { id: 't', code: 'TOURISME', libelle: 'Tourisme' },
  direction: tourisme,
  referents: [{ id: 'r1', userId: 'u1', displayName: 'Claire Vidal', email: 'claire@relais.demo', telephone: '05 36 49 00 00' }],
  historique: false,
  correspondants: [{ id: 'm1', code: 'carcassonne', nom: 'Maison de Ma Région – Carcassonne', ville: 'Carcassonne' }],
};
const themes = [
  { id: 't', code: 'TOURISME', libelle: 'Tourisme', direction: tourisme, correspondants: eceau.correspondants },
  { id: 't2', code: 'FORMATION_EMPLOI', libelle: 'Formation et emploi', direction: null, correspondants: [] },
];

function serve() {
  return vi.spyOn(api, 'GET').mockImplementation(((path: string, init?: { params?: { path?: { id?: string } } }) => {
    switch (path) {
      case '/api/v1/maisons':
        return ok({
          items: [
            {
              id: 'm1',
              nom: 'Maison de Ma Région – Carcassonne',
              adresse: '1 rue de la Paix, Carcassonne',
              specialisations: [{ id: 't', code: 'TOURISME', libelle: 'Tourisme' }],
              responsables: [{ id: 'u9', displayName: 'Sophie Martin', email: 'sophie@relais.demo', telephone: null }],
            },
          ],
          nextCursor: null,
        });
      case '/api/v1/calendriers/{id}':
        return ok({ id: init?.params?.path?.id, spec: { hours: { 1: jour, 2: jour, 3: jour, 4: jour, 5: jour, 6: [], 7: [] } } });
      case '/api/v1/themes':
        return ok({ items: themes, nextCursor: null });
      case '/api/v1/referents':
        return ok({ items: [{ ...eceau.referents[0], fonction: 'Chargée de mission', direction: tourisme, themes: [eceau.theme], dispositifs: [eceau] }], nextCursor: null });
      case '/api/v1/dispositifs':
        return ok({ items: [{ ...eceau, derniereReponseDirection: (init as any)?.params?.query?.orphelins ? null : undefined }], nextCursor: null });
      case '/api/v1/dispositifs/{id}/referents-historique':
        return ok({
          dispositif: { ...eceau, direction: tourisme },
          mois: 12,
          depuis: '2025-12-07T00:00:00.000Z',
          referents: [{ referentId: 'r2', userId: 'u2', displayName: 'Bruno Bastide', email: 'bruno@relais.demo', telephone: null, direction: tourisme, actif: true, reponses: 3, delaiMedianHeures: 2.5, derniereReponse: '2026-11-03T10:00:00.000Z' }],
        });
      default:
        return ok({ items: [], nextCursor: null });
    }
  }) as never);
}

describe('AnnuairePage', () => {
  it('lists the Maisons with address, hours from their calendar, responsable; the référents by direction', async () => {
    const get = serve();
    renderInApp(<AnnuairePage />, { route: '/annuaire' });
    expect(screen.getByRole('heading', { level: 1, name: 'Annuaire' })).toBeInTheDocument();
    const maisons = await screen.findByRole('table', { name: /Maisons et bureaux territoriaux/ });
    const row = within(maisons).getByRole('row', { name: /Carcassonne/ });
    expect(await within(row).findByText('lun.–ven. 9:00–12:00, 14:00–17:00')).toBeInTheDocument();
    expect(row).toHaveTextContent('1 rue de la Paix, Carcassonne');
    expect(row).toHaveTextContent('Sophie Martin');
    expect(row).toHaveTextContent('Tourisme');
    expect(get).toHaveBeenCalledWith('/api/v1/calendriers/{id}', { params: { path: { id: 'maison-m1' } } });
    const direction = await screen.findByRole('table', { name: 'Direction du Tourisme' });
    expect(within(direction).getByRole('row', { name: /Claire Vidal/ })).toHaveTextContent("Ec'Eau Tourisme");
  });

  it('finds who to call for a dispositif: its direction, named référents and who actually answered', async () => {
    const get = serve();
    renderInApp(<AnnuairePage />, { route: '/annuaire' });
    await userEvent.type(screen.getByLabelText('Dispositif (nom ou mots-clés)'), 'eau tourisme');
    await userEvent.click(screen.getByRole('button', { name: 'Chercher' }));
    await userEvent.click(await screen.findByRole('button', { name: "Ec'Eau Tourisme" }));
    expect(get).toHaveBeenCalledWith('/api/v1/dispositifs', { params: { query: { q: 'eau tourisme', limit: 10 } } });
    expect(screen.getByRole('heading', { level: 3, name: "Ec'Eau Tourisme" }).parentElement).toHaveTextContent('Porté par : Direction du Tourisme');
    const history = await screen.findByRole('table', { name: 'Qui a répondu sur ce dispositif ces 12 derniers mois' });
    const cells = within(within(history).getByRole('row', { name: /Bruno Bastide/ })).getAllByRole('cell').map((c) => c.textContent);
    expect(cells.slice(0, 3)).toEqual(['Direction du Tourisme', '3', '2,5 h']);
  });

  it('shows the orphan dispositifs to the network manager only', async () => {
    const get = serve();
    setSession({ token: 't', user: { id: 'u', displayName: 'Sandrine Molinier', email: 'manager.reseau@relais.demo', role: 'manager', perimetre: 'reseau', directionId: null, maisonId: null } });
    try {
      const { unmount } = renderInApp(<AnnuairePage />, { route: '/annuaire' });
      const table = await screen.findByRole('table', { name: 'Dispositifs orphelins (1)' });
      expect(within(table).getByRole('row', { name: /Ec'Eau Tourisme/ })).toHaveTextContent('Direction du TourismeJamais');
      unmount();
      get.mockClear();
      setSession({ token: 't', user: { id: 'a', displayName: 'Agent', email: 'agent@relais.demo', role: 'agent_mdr', perimetre: 'maison', directionId: null, maisonId: 'm1' } });
      renderInApp(<AnnuairePage />, { route: '/annuaire' });
      await screen.findByRole('table', { name: /Maisons et bureaux territoriaux/ });
      expect(screen.queryByRole('heading', { name: 'Dispositifs orphelins' })).toBeNull();
      expect(get.mock.calls.some(([, init]: any) => init?.params?.query?.orphelins)).toBe(false);
    } finally {
      setSession(null);
    }
  });

  it('shows per thème its correspondent Maisons, and the dispositif’s correspondents in its fiche', async () => {
    serve();
    renderInApp(<AnnuairePage />, { route: '/annuaire' });
    const table = await screen.findByRole('table', { name: 'Thèmes, direction qui les porte et Maisons correspondantes' });
    expect(within(table).getByRole('row', { name: /^Tourisme/ })).toHaveTextContent('Direction du TourismeMaison de Ma Région – Carcassonne');
    expect(within(table).getByRole('row', { name: /Formation et emploi/ })).toHaveTextContent('Aucune');
    await userEvent.type(screen.getByLabelText('Dispositif (nom ou mots-clés)'), 'eau');
    await userEvent.click(screen.getByRole('button', { name: 'Chercher' }));
    await userEvent.click(await screen.findByRole('button', { name: "Ec'Eau Tourisme" }));
    const fiche = screen.getByRole('heading', { level: 3, name: "Ec'Eau Tourisme" }).parentElement!;
    expect(within(fiche).getByRole('heading', { level: 4, name: 'Maisons correspondantes du thème' })).toBeInTheDocument();
    expect(fiche).toHaveTextContent('Maison de Ma Région – Carcassonne');
    // No form for an agent.
    expect(screen.queryByRole('form', { name: 'Spécialisations d’une Maison' })).toBeNull();
  });

  it('lets the network manager replace a Maison’s spécialisations (PUT, the whole set) and shows a refusal next to the thèmes', async () => {
    serve();
    const put = vi
      .spyOn(api, 'PUT')
      .mockImplementationOnce((() =>
        Promise.resolve({ error: { status: 422, title: 'Requête impossible', detail: 'Un des thèmes n’existe pas dans l’annuaire.', errors: [{ field: 'themeIds', message: 'Thème inconnu de l’annuaire : t2.' }] }, response: new Response(null, { status: 422 }) })) as never)
      .mockImplementationOnce((() => ok({ id: 'm1', nom: 'Maison de Ma Région – Carcassonne', specialisations: [] })) as never);
    setSession({ token: 't', user: { id: 'u', displayName: 'Sandrine Molinier', email: 'manager.reseau@relais.demo', role: 'manager', perimetre: 'reseau', directionId: null, maisonId: null } });
    try {
      renderInApp(<AnnuairePage />, { route: '/annuaire' });
      const form = await screen.findByRole('form', { name: 'Spécialisations d’une Maison' });
      await userEvent.selectOptions(within(form).getByLabelText('Maison'), 'm1');
      const tourismeBox = await within(form).findByRole('checkbox', { name: 'Tourisme' });
      expect(tourismeBox).toBeChecked();
      expect(within(form).getByRole('checkbox', { name: 'Formation et emploi' })).not.toBeChecked();
      await userEvent.click(within(form).getByRole('checkbox', { name: 'Formation et emploi' }));
      await userEvent.click(within(form).getByRole('button', { name: 'Enregistrer les spécialisations' }));
      expect(put).toHaveBeenCalledWith('/api/v1/maisons/{id}/specialisations', { params: { path: { id: 'm1' } }, body: { themeIds: ['t', 't2'] } });
      expect(await within(form).findByText('Thème inconnu de l’annuaire : t2.')).toHaveAttribute('id', 'specialisations-erreur');

      await userEvent.click(tourismeBox);
      await userEvent.click(within(form).getByRole('checkbox', { name: 'Formation et emploi' }));
      await userEvent.click(within(form).getByRole('button', { name: 'Enregistrer les spécialisations' }));
      expect(put).toHaveBeenLastCalledWith('/api/v1/maisons/{id}/specialisations', { params: { path: { id: 'm1' } }, body: { themeIds: [] } });
      expect(await within(form).findByRole('status')).toHaveTextContent('Spécialisations de « Maison de Ma Région – Carcassonne » enregistrées.');
    } finally {
      setSession(null);
    }
  });
});

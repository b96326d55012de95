import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import { setSession } from '../auth/session';
import { BarometrePage } from './BarometrePage';
import { MeteoRapide } from './MeteoRapide';
import type { Barometre, Territoire } from './queries';

const ok = (data: unknown, status = 200) => Promise.resolve({ data, response: new Response(null, { status }) });
const refused = (status: number, body: object) => Promise.resolve({ error: { type: 'about:blank', status, ...body }, response: new Response(null, { status }) });

const territoire = (over: Partial<Territoire> = {}): Territoire => ({
  maisonId: 'm1',
  nom: 'Maison de Ma Région – Carcassonne',
  ville: 'Carcassonne',
  departementCode: '11',
  latitude: 43.213,
  longitude: 2.351,
  comptes: { soleil: 2, soleil_voile: 1, nuageux: 0, pluie: 2, orage: 1 },
  total: 6,
  scoreMoyen: 2.83,
  meteoDuMois: 'nuageux',
  meteoMoisPrecedent: 'orage',
  tendance: 'amelioration',
  detail: {
    themesMauvaisTemps: [{ themeId: 't1', libelle: 'Tourisme', releves: 2 }],
    operations: { questions: 4, escaladees: 2, depassementsSla: 1, dispositifs: [{ dispositifId: 'd1', libelle: 'Ec’Eau Tourisme', questions: 3 }] },
  },
  ...over,
});

const barometre = (territoires: Territoire[]): Barometre => ({
  mois: '2026-03',
  moisPrecedent: '2026-02',
  perimetre: { type: 'reseau', id: null, libelle: 'Réseau des Maisons de la Région' },
  genereA: '2026-03-31T10:00:00Z',
  total: { comptes: { soleil: 2, soleil_voile: 1, nuageux: 0, pluie: 2, orage: 1 }, total: 6, scoreMoyen: 2.83, meteoDuMois: 'nuageux', tendance: 'amelioration' },
  territoires,
});

afterEach(() => {
  setSession(null);
  vi.restoreAllMocks();
});

describe('MeteoRapide « Quel temps fait-il chez vous ? »', () => {
  it('records a weather in two actions and confirms it in French', async () => {
    const post = vi.spyOn(api, 'POST').mockImplementation((() => ok({ id: 'r1', meteo: 'pluie' }, 201)) as never);
    renderInApp(<MeteoRapide maisonId="m1" />);
    const envoyer = screen.getByRole('button', { name: 'Enregistrer la météo' });
    expect(envoyer).toBeDisabled();
    // Five named weather buttons, the symbol hidden from screen readers.
    const groupe = screen.getByRole('group', { name: 'Météo de l’usager' });
    expect(within(groupe).getAllByRole('button').map((b) => b.textContent?.trim())).toEqual(['☀ Soleil', '☼ Soleil voilé', '☁ Nuageux', '☔ Pluie', '⚡ Orage']);
    await userEvent.click(screen.getByRole('button', { name: 'Pluie' }));
    expect(screen.getByRole('button', { name: 'Pluie' })).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(envoyer);
    expect(post).toHaveBeenCalledWith('/api/v1/barometre', { body: { maisonId: 'm1', meteo: 'pluie' }, headers: { 'Idempotency-Key': expect.any(String) } });
    expect(await screen.findByRole('status')).toHaveTextContent('Météo enregistrée : Pluie. Merci !');
  });

  it('shows the personal-data refusal next to the comment', async () => {
    vi.spyOn(api, 'POST').mockImplementation((() =>
      refused(422, { title: 'Refusé', detail: 'x', errors: [{ field: 'commentaire', message: 'Pas de donnée personnelle dans le commentaire : il contient un numéro de téléphone.' }] })) as never);
    renderInApp(<MeteoRapide maisonId="m1" />);
    await userEvent.click(screen.getByRole('button', { name: 'Orage' }));
    const champ = screen.getByLabelText(/^Commentaire/);
    await userEvent.type(champ, 'rappeler au 06 12 34 56 78');
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer la météo' }));
    expect(await screen.findByText(/il contient un numéro de téléphone/)).toHaveAttribute('id', 'meteo-commentaire-error');
    expect(champ).toHaveAttribute('aria-invalid', 'true');
    expect(champ).toHaveAttribute('aria-describedby', 'meteo-commentaire-error');
    expect(screen.queryByRole('status')).toBeNull();
  });
});

describe('BarometrePage', () => {
  it('shows the month per Maison in a table and on the map, each point named for screen readers, and the summaries', async () => {
    setSession({ token: 't', user: { id: 'u', displayName: 'Sandrine Molinier', email: 'manager.reseau@relais.demo', role: 'manager', perimetre: 'reseau', directionId: null, maisonId: null } });
    const get = vi.spyOn(api, 'GET').mockImplementation(((path: string) =>
      path === '/api/v1/barometre'
        ? ok(barometre([territoire(), territoire({ maisonId: 'm2', nom: 'Maison de Ma Région – Foix', ville: 'Foix', latitude: 42.965, longitude: 1.607, comptes: { soleil: 0, soleil_voile: 0, nuageux: 0, pluie: 0, orage: 0 }, total: 0, scoreMoyen: null, meteoDuMois: null, meteoMoisPrecedent: null, tendance: null })]))
        : ok({ mois: '2026-03', items: [{ id: 's1', maison: { id: 'm1', nom: 'Maison de Ma Région – Carcassonne' }, mois: '2026-03', texte: 'Un mois nuageux.', auteur: { id: 'u2', displayName: 'Romain Cabrol' }, publieeLe: '2026-03-31T10:00:00Z', modifieeLe: null, version: 1 }] })) as never);
    renderInApp(<BarometrePage />, { route: '/barometre' });

    const table = await screen.findByRole('table', { name: /Météo et opérations du mois par Maison/ });
    const ligne = within(table).getByRole('row', { name: /Carcassonne/ });
    expect(within(ligne).getAllByRole('cell').map((c) => c.textContent)).toEqual(['Nuageux', 'En amélioration', '2', '1', '0', '2', '1', '6', 'Tourisme (2)', '4', '2', '1', 'Ec’Eau Tourisme (3)']);
    expect(get.mock.calls.find((c) => c[0] === '/api/v1/barometre')).toEqual(['/api/v1/barometre', { params: { query: { mois: expect.stringMatching(/^\d{4}-\d{2}$/) } } }]);

    const carte = screen.getByRole('group', { name: /Carte des Maisons de la Région/ });
    expect(within(carte).getByRole('img', { name: 'Maison de Ma Région – Carcassonne : nuageux (6 relevés)' })).toBeInTheDocument();
    expect(within(carte).getByRole('img', { name: 'Maison de Ma Région – Foix : aucun relevé' })).toBeInTheDocument();

    const syntheses = await screen.findByRole('list', { name: 'Synthèses publiées' });
    expect(syntheses).toHaveTextContent('Un mois nuageux.');
    expect(screen.queryByRole('form', { name: 'Synthèse du mois de ma Maison' })).toBeNull();
  });

  it('asks for the network as an MdR, and lets the responsable update the month’s summary with If-Match', async () => {
    setSession({ token: 't', user: { id: 'u2', displayName: 'Romain Cabrol', email: 'responsable.carcassonne@relais.demo', role: 'responsable_mdr', perimetre: 'maison', directionId: null, maisonId: 'm1' } });
    const get = vi.spyOn(api, 'GET').mockImplementation(((path: string) =>
      path === '/api/v1/barometre'
        ? ok(barometre([territoire()]))
        : ok({ mois: '2026-03', items: [{ id: 's1', maison: { id: 'm1', nom: 'Carcassonne' }, mois: '2026-03', texte: 'Avant.', auteur: { id: 'u2', displayName: 'Romain Cabrol' }, publieeLe: '2026-03-31T10:00:00Z', modifieeLe: null, version: 3 }] })) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => ok({ id: 's1', version: 4 })) as never);
    renderInApp(<BarometrePage />, { route: '/barometre' });
    await screen.findByRole('table');
    expect(get.mock.calls.find((c) => c[0] === '/api/v1/barometre')![1]).toEqual({ params: { query: { mois: expect.any(String), perimetre: 'reseau' } } });
    const texte = await screen.findByDisplayValue('Avant.');
    await userEvent.clear(texte);
    await userEvent.type(texte, 'Après.');
    await userEvent.click(screen.getByRole('button', { name: 'Mettre à jour la synthèse' }));
    expect(post).toHaveBeenCalledWith('/api/v1/barometre/syntheses', { body: { mois: expect.any(String), texte: 'Après.' }, headers: { 'If-Match': '"3"' } });
    expect(await screen.findByRole('status')).toHaveTextContent('Synthèse publiée pour le réseau.');
  });
});

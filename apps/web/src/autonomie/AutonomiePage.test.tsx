import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../test/fake-api';
import { renderInApp } from '../../test/render';
import { api, type Schemas } from '../api/client';
import { setSession } from '../auth/session';
import { AutonomiePage, formatTendance } from './AutonomiePage';

const CARCASSONNE = '11111111-1111-4111-8111-111111111111';
const PERPIGNAN = '22222222-2222-4222-8222-222222222222';
const ENQUETE = '44444444-4444-4444-8444-444444444444';

const c = (reponduesLocalement: number, escaladees: number, escaladeesAvecReponsePubliee: number, tauxAutonomiePct: number | null, tauxAutonomiePrecedentPct: number | null, tendancePts: number | null) => ({
  reponduesLocalement,
  escaladees,
  escaladeesAvecReponsePubliee,
  tauxAutonomiePct,
  tauxAutonomiePrecedentPct,
  tendancePts,
});

/** The network's November of the API's own dataset (test/barometre/autonomie.e2e-spec.ts). */
const jauge: Schemas['JaugeAutonomieDto'] = {
  perimetre: { type: 'reseau', id: null, libelle: 'Réseau des Maisons de la Région' },
  du: '2026-11',
  au: '2026-11',
  precedent: { du: '2026-10', au: '2026-10' },
  genereA: '2026-12-02T09:00:00.000Z',
  total: c(5, 5, 2, 50, 75, -25),
  mois: [{ mois: '2026-11', ...c(5, 5, 2, 50, 75, -25) }],
  maisons: [
    { maisonId: CARCASSONNE, libelle: 'Carcassonne', ...c(4, 3, 2, 57.1, 50, 7.1) },
    { maisonId: PERPIGNAN, libelle: 'Perpignan', ...c(1, 2, 0, 33.3, 100, -66.7) },
  ],
  dispositifs: [{ dispositifId: null, libelle: 'Sans dispositif', ...c(0, 1, 0, 0, null, null) }],
  details: [],
};

const stat = (repondants: number, a: number | null, s: number | null) => ({
  repondants,
  actuelle: { moyenne: a, distribution: [0, 0, 0, 0, 0] },
  souhaitee: { moyenne: s, distribution: [0, 0, 0, 0, 0] },
  ecart: a !== null && s !== null ? s - a : null,
});

const enquete = (maReponse: Schemas['ResultatEnqueteAutonomieDto']['maReponse'] = null): Schemas['ResultatEnqueteAutonomieDto'] => ({
  enquete: { id: ENQUETE, libelle: 'Enquête autonomie 2026', ouverte: true, ouverteLe: '2026-11-01T09:00:00.000Z', fermeeLe: null },
  repondants: { mdr: 2, siege: 2 },
  domaines: [
    { domaine: 'communication', libelle: 'Communication', mdr: stat(2, 3, 4), siege: stat(2, 2, 2.5) },
    { domaine: 'evenements', libelle: 'Événements', mdr: stat(2, 3, 4.5), siege: stat(2, 2, 2.5) },
    { domaine: 'partenariats', libelle: 'Partenariats', mdr: stat(2, 2, 3), siege: stat(2, 2, 2.5) },
    { domaine: 'budget', libelle: 'Budget', mdr: stat(2, 1, 2.5), siege: stat(2, 1, 1.5) },
    { domaine: 'reponse_usagers', libelle: 'Réponse aux usagers', mdr: stat(2, 4, 4.5), siege: stat(2, 3, 3.5) },
  ],
  jaugeReseau: { mois: '2026-11', reponduesLocalement: 5, escaladees: 5, escaladeesAvecReponsePubliee: 2, tauxAutonomiePct: 50 },
  maReponse,
  reponses: null,
});

describe('autonomy page', { timeout: 20_000 }, () => {
  let get: ReturnType<typeof vi.fn>;
  let post: ReturnType<typeof vi.fn>;

  const login = (role: 'manager' | 'responsable_mdr') =>
    setSession({
      token: 't',
      user: { id: 'u', displayName: 'Quelqu’un', email: 'x@relais.demo', role, perimetre: role === 'manager' ? 'reseau' : 'maison', directionId: null, maisonId: role === 'manager' ? null : CARCASSONNE },
    });

  beforeEach(() => {
    get = vi.fn((path: string) => (path === '/api/v1/autonomie/jauge' ? ok(jauge) : path === '/api/v1/autonomie' ? ok(enquete()) : ok({ items: [], nextCursor: null })));
    post = vi.fn(() => ok({ enqueteId: ENQUETE, groupe: 'mdr', notes: [], version: 1, misAJourLe: '2026-12-02T09:00:00.000Z' }));
    vi.spyOn(api, 'GET').mockImplementation(get as never);
    vi.spyOn(api, 'POST').mockImplementation(post as never);
  });

  afterEach(() => setSession(null));

  it('says a trend in words', () => {
    expect(formatTendance(7.1)).toBe('+7,1 pts (en hausse)');
    expect(formatTendance(-66.7)).toBe('−66,7 pts (en baisse)');
    expect(formatTendance(0)).toBe('stable');
    expect(formatTendance(null)).toBe('—');
  });

  it('a manager sees the gauge per MdR with its trend, and the survey per area and group side by side', async () => {
    login('manager');
    renderInApp(<AutonomiePage />, { route: '/autonomie' });
    const maisons = await screen.findByRole('table', { name: 'Jauge d’autonomie par Maison' });
    const ligne = (table: HTMLElement, nom: string) => [...within(table).getByRole('rowheader', { name: nom }).closest('tr')!.children].map((c) => c.textContent);
    expect(ligne(maisons, 'Carcassonne')).toEqual(['Carcassonne', '4', '3', '2', '57,1 %', '50 %', '+7,1 pts (en hausse)']);
    expect(ligne(maisons, 'Perpignan')).toEqual(['Perpignan', '1', '2', '0', '33,3 %', '100 %', '−66,7 pts (en baisse)']);
    expect(screen.getByText('Taux d’autonomie', { selector: 'dt' }).nextSibling).toHaveTextContent('50 %');
    const enq = await screen.findByRole('table', { name: 'Autonomie actuelle et souhaitée par domaine et par groupe' });
    expect(ligne(enq, 'Communication')).toEqual(['Communication', '3', '4', '1', '2', '2,5', '0,5']);
    expect(screen.getByText('Jauge calculée du réseau (2026-11)', { selector: 'dt' }).nextSibling).toHaveTextContent('50 %');
    expect(get).toHaveBeenCalledWith('/api/v1/autonomie/jauge', { params: { query: { mois: expect.stringMatching(/^\d{4}-\d{2}$/) } } });
    expect(screen.getByRole('heading', { level: 1, name: 'Autonomie des Maisons' })).toBeInTheDocument();
  });

  it('a responsable answers: ten accessible radio groups, every area required, then the ratings sent', async () => {
    login('responsable_mdr');
    const user = userEvent.setup();
    renderInApp(<AutonomiePage />, { route: '/autonomie' });
    const form = await screen.findByRole('form', { name: 'Répondre à l’enquête' });
    const groupes = within(form).getAllByRole('group', { name: /^Autonomie (actuelle|souhaitée) : / });
    expect(groupes).toHaveLength(10);
    await user.click(within(form).getByRole('button', { name: 'Enregistrer ma réponse' }));
    expect(await within(form).findByText('Notez l’autonomie actuelle et souhaitée pour « Communication ».')).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
    const valeurs = { communication: [2, 4], evenements: [3, 4], partenariats: [1, 3], budget: [1, 3], reponse_usagers: [4, 5] };
    for (const [domaine, [a, s]] of Object.entries(valeurs)) {
      const libelle = { communication: 'Communication', evenements: 'Événements', partenariats: 'Partenariats', budget: 'Budget', reponse_usagers: 'Réponse aux usagers' }[domaine]!;
      await user.click(within(within(form).getByRole('group', { name: `Autonomie actuelle : ${libelle}` })).getByRole('radio', { name: String(a) }));
      await user.click(within(within(form).getByRole('group', { name: `Autonomie souhaitée : ${libelle}` })).getByRole('radio', { name: String(s) }));
    }
    await user.click(within(form).getByRole('button', { name: 'Enregistrer ma réponse' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Votre réponse est enregistrée.');
    expect(post).toHaveBeenCalledWith('/api/v1/autonomie/reponses', {
      body: { enqueteId: ENQUETE, notes: Object.entries(valeurs).map(([domaine, [actuelle, souhaitee]]) => ({ domaine, actuelle, souhaitee })) },
    });
  });
});

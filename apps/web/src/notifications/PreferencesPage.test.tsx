import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json } from '../../test/fake-api';
import { renderInApp } from '../../test/render';
import { PreferencesPage } from './PreferencesPage';

const server = await vi.hoisted(async () => (await import('../../test/fake-api')).installFakeApi());

vi.setConfig({ testTimeout: 30_000 });

const TYPES = [
  { type: 'question_escaladee', libelle: 'Question escaladée ou réorientée vers ma direction', muable: true },
  { type: 'sla_avertissement', libelle: 'Délai bientôt atteint sur un dossier que je détiens', muable: true },
  { type: 'sla_depassement', libelle: 'Délai dépassé (toujours notifié)', muable: false },
];
const defaults = { typesMuets: [], courriel: 'immediat', heureResume: 8, version: 0, types: TYPES };

let put: (body: any) => Response;

beforeEach(() => {
  server.requests.length = 0;
  put = (body) => json({ ...defaults, ...body, version: 1 });
  server.serve({
    'GET /me/preferences-notifications': () => json(defaults),
    'PUT /me/preferences-notifications': async (req) => put(await req.json()),
  });
});

describe('the notification preferences', () => {
  it('shows the breach kind checked and disabled with why; mutes a kind, picks the daily digest and its hour, saves with If-Match', async () => {
    renderInApp(<PreferencesPage />);
    const breach = await screen.findByRole('checkbox', { name: 'Délai dépassé (toujours notifié)' });
    expect(breach).toBeChecked();
    expect(breach).toBeDisabled();
    expect(breach).toHaveAccessibleDescription(/Toujours reçue/);

    await userEvent.click(screen.getByRole('checkbox', { name: 'Délai bientôt atteint sur un dossier que je détiens' }));
    await userEvent.click(screen.getByRole('radio', { name: /Résumé quotidien/ }));
    await userEvent.selectOptions(screen.getByLabelText('Heure du résumé quotidien'), '7');
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer mes préférences' }));

    expect(await screen.findByText('Préférences enregistrées.')).toBeInTheDocument();
    const sent = server.requests.find((r) => r.method === 'PUT')!;
    expect(sent.ifMatch).toBe('"0"');
    expect(sent.body).toEqual({ typesMuets: ['sla_avertissement'], courriel: 'resume', heureResume: 7 });
  });

  it('shows the API’s refusal next to the field it names', async () => {
    put = () => json({ status: 422, title: 'Préférences invalides', detail: 'Ces préférences ne peuvent pas être enregistrées.', errors: [{ field: 'heureResume', message: 'L’heure du résumé doit être comprise entre 0 et 23.' }] }, 422);
    renderInApp(<PreferencesPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Enregistrer mes préférences' }));
    const select = screen.getByLabelText('Heure du résumé quotidien');
    expect(await screen.findByText('L’heure du résumé doit être comprise entre 0 et 23.')).toBeInTheDocument();
    expect(select).toHaveAttribute('aria-invalid', 'true');
    expect(select).toHaveAccessibleDescription(/entre 0 et 23/);
    expect(within(screen.getByRole('group', { name: 'Ce que je reçois' })).getAllByRole('checkbox')).toHaveLength(3);
  });
});

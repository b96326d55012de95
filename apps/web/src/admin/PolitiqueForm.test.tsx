import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { MODIFIEE_ENTRE_TEMPS, PolitiqueForm } from './PolitiqueForm';
import { cibleAffichee, cibleEnMinutes, enJournees, formatDuree, type Politique } from './sla-admin';

const put = vi.hoisted(() => vi.fn());
vi.mock('../api/client', async (original) => ({ ...(await original<typeof import('../api/client')>()), api: { PUT: put } }));

const politique: Politique = {
  id: '0b6c2d4e-1111-4222-8333-444455556666',
  libelle: 'Question : réponse (normale)',
  flux: 'question',
  horloge: 'reponse',
  priorite: 'normale',
  directionId: null,
  themeId: null,
  cibleMinutesOuvrees: 1440,
  seuilAvertissementPct: 75,
  actif: true,
  version: 3,
  modifieeLe: '2026-11-20T10:00:00.000Z',
};

const answer = (status: number, body: unknown) => ({ data: status < 300 ? body : undefined, error: status >= 300 ? body : undefined, response: new Response(null, { status }) });

// The first render of a file loads React and Testing Library: several seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 30_000 });

describe('minutes ↔ hours', () => {
  it('shows a target in hours when it is a whole number of quarter hours, in minutes otherwise', () => {
    expect(cibleAffichee(1440)).toEqual({ valeur: '24', unite: 'heures' });
    expect(cibleAffichee(90)).toEqual({ valeur: '1,5', unite: 'heures' });
    expect(cibleAffichee(45)).toEqual({ valeur: '45', unite: 'minutes' });
    expect(cibleAffichee(0.05)).toEqual({ valeur: '0,05', unite: 'minutes' });
  });

  it('reads what the admin typed, French decimal comma included, and refuses what is no number', () => {
    expect(cibleEnMinutes('1,5', 'heures')).toBe(90);
    expect(cibleEnMinutes(' 16 ', 'heures')).toBe(960);
    expect(cibleEnMinutes('420', 'minutes')).toBe(420);
    expect(cibleEnMinutes('deux', 'heures')).toBeNull();
    expect(cibleEnMinutes('', 'minutes')).toBeNull();
  });

  it('says durations and business days in French', () => {
    expect(formatDuree(1440)).toBe('24 h');
    expect(formatDuree(90)).toBe('1 h 30');
    expect(formatDuree(45)).toBe('45 min');
    expect(enJournees(1440, 480)).toBe('3 journées de 8 h');
    expect(enJournees(420, 420)).toBe('1 journée de 7 h');
    expect(enJournees(420, null)).toBeNull();
  });
});

describe('PolitiqueForm', () => {
  beforeEach(() => put.mockReset());
  const renderForm = (onDone = vi.fn()) => ({ onDone, ...renderInApp(<PolitiqueForm politique={politique} journee={{ siege: 480, maison: 420 }} onDone={onDone} />) });

  it('shows the target in hours with its equivalent in minutes and days, and sends minutes with If-Match', async () => {
    put.mockResolvedValue(answer(200, { ...politique, cibleMinutesOuvrees: 90, version: 4 }));
    const { onDone } = renderForm();
    const cible = screen.getByLabelText('Cible');
    expect(cible).toHaveValue('24');
    expect(screen.getByLabelText('Unité de la cible')).toHaveValue('heures');
    expect(screen.getByText(/Soit 24 h ouvrées \(1\s440 minutes\), 3 journées de 8 h\./)).toBeInTheDocument();
    expect(screen.getByText('L’alerte « à risque » part après 18 h ouvrées.')).toBeInTheDocument();

    await userEvent.clear(cible);
    await userEvent.type(cible, '1,5');
    expect(screen.getByText(/Soit 1 h 30 ouvrées \(90 minutes\)/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer la politique' }));

    await waitFor(() => expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ version: 4 })));
    const [path, options] = put.mock.calls[0];
    expect(path).toBe('/api/v1/sla/politiques/{id}');
    expect(options.params).toEqual({ path: { id: politique.id }, header: { 'If-Match': '"3"' } });
    expect(options.body).toEqual({ libelle: politique.libelle, cibleMinutesOuvrees: 90, seuilAvertissementPct: 75, actif: true });
  });

  it('puts each of the API’s validation messages next to its field (aria-invalid, aria-describedby)', async () => {
    put.mockResolvedValue(
      answer(400, {
        status: 400,
        title: 'Données invalides',
        detail: 'La requête contient des données invalides.',
        errors: [
          { field: 'cibleMinutesOuvrees', message: 'La cible doit être positive.' },
          { field: 'seuilAvertissementPct', message: 'Le seuil d’alerte ne doit pas dépasser 99 %.' },
        ],
      }),
    );
    const { onDone } = renderForm();
    await userEvent.clear(screen.getByLabelText('Cible'));
    await userEvent.type(screen.getByLabelText('Cible'), '-3');
    await userEvent.clear(screen.getByLabelText('Seuil d’alerte (% de la cible)'));
    await userEvent.type(screen.getByLabelText('Seuil d’alerte (% de la cible)'), '150');
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer la politique' }));

    const cibleError = await screen.findByText('La cible doit être positive.');
    expect(cibleError).toHaveAttribute('id', 'cibleMinutesOuvrees-error');
    const cible = screen.getByLabelText('Cible');
    expect(cible).toHaveAttribute('aria-invalid', 'true');
    expect(cible.getAttribute('aria-describedby')).toContain('cibleMinutesOuvrees-error');
    const seuil = screen.getByLabelText('Seuil d’alerte (% de la cible)');
    expect(seuil).toHaveAttribute('aria-invalid', 'true');
    expect(seuil.getAttribute('aria-describedby')).toContain('seuilAvertissementPct-error');
    expect(screen.getByLabelText('Libellé')).toHaveAttribute('aria-invalid', 'false');
    expect(put.mock.calls[0][1].body).toMatchObject({ cibleMinutesOuvrees: -180, seuilAvertissementPct: 150 });
    expect(onDone).not.toHaveBeenCalled();
  });

  it('sends what is not a number as typed, so that the API’s own message comes back to the field', async () => {
    put.mockResolvedValue(answer(400, { status: 400, title: 'Données invalides', detail: '…', errors: [{ field: 'cibleMinutesOuvrees', message: 'La cible doit être un nombre (en minutes ouvrées).' }] }));
    renderForm();
    await userEvent.clear(screen.getByLabelText('Cible'));
    await userEvent.type(screen.getByLabelText('Cible'), 'deux');
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer la politique' }));
    expect(await screen.findByText('La cible doit être un nombre (en minutes ouvrées).')).toHaveAttribute('id', 'cibleMinutesOuvrees-error');
    expect(put.mock.calls[0][1].body.cibleMinutesOuvrees).toBe('deux');
  });

  it('says plainly that the policy changed meanwhile (412), without field errors', async () => {
    put.mockResolvedValue(answer(412, { status: 412, title: 'Version périmée', detail: 'La ressource a changé : version 4, pas 3.', code: 'VERSION_PERIMEE' }));
    renderForm();
    await userEvent.click(screen.getByRole('button', { name: 'Enregistrer la politique' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(MODIFIEE_ENTRE_TEMPS);
    expect(screen.getByLabelText('Cible')).toHaveAttribute('aria-invalid', 'false');
  });
});

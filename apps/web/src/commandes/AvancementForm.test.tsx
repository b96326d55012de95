import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiProblem } from '../api/problem';
import { AvancementForm, LivrablesListe } from './AvancementForm';
import type { Affectation } from './labels';
import { LivraisonForm, liensDe } from './LivraisonForm';

const CR = '10000000-0000-4000-8000-000000000001';
const LISTE = '10000000-0000-4000-8000-000000000002';
const SUPPORT = '10000000-0000-4000-8000-000000000003';

const affectation = (over: Partial<Affectation> = {}): Affectation =>
  ({
    id: 'a0000000-0000-4000-8000-000000000001',
    statut: 'accusee',
    pourcentage: 20,
    livrablesFaits: [LISTE],
    livrables: [
      { id: CR, libelle: 'Compte rendu de l’atelier', echeance: null, fait: false, enRetard: false },
      { id: LISTE, libelle: 'Liste des entreprises participantes', echeance: '2026-12-16T22:59:59.999Z', fait: true, enRetard: false },
      { id: SUPPORT, libelle: 'Support diffusé', echeance: '2026-12-01T22:59:59.999Z', fait: false, enRetard: true },
    ],
    version: 3,
    actions: ['signaler_avancement', 'livrer', 'demander_clarification'],
    ...over,
  }) as Affectation;

const problem = (errors: Array<{ field: string; message: string }>, detail = 'La requête est invalide.') =>
  new ApiProblem({ status: 400, title: 'Requête invalide', detail, errors } as never);

describe('AvancementForm: the deliverables to tick and the progress to report', () => {
  it('starts from what the API holds, and sends the ticked deliverables in the brief’s order with the percentage and the note', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<AvancementForm affectation={affectation()} echeanceCommande="2026-12-18T22:59:59.999Z" pending={false} problem={null} onSubmit={onSubmit} />);

    expect(screen.getByLabelText('Liste des entreprises participantes')).toBeChecked();
    expect(screen.getByLabelText('Compte rendu de l’atelier')).not.toBeChecked();
    expect(screen.getByRole('group', { name: 'Livrables faits (1 sur 3)' })).toBeInTheDocument();
    expect(screen.getByLabelText('Avancement (en %)')).toHaveValue(20);
    // A deliverable's own deadline is said beside it (and read with the checkbox); a late one says so.
    expect(screen.getByLabelText('Liste des entreprises participantes')).toHaveAccessibleDescription('pour le mercredi 16 décembre 2026');
    const support = screen.getByLabelText('Support diffusé').closest('li')!;
    expect(within(support).getByText('En retard')).toHaveClass('badge-danger');

    await user.click(screen.getByLabelText('Support diffusé'));
    await user.click(screen.getByLabelText('Compte rendu de l’atelier'));
    await user.click(screen.getByLabelText('Liste des entreprises participantes'));
    expect(screen.getByRole('group', { name: 'Livrables faits (2 sur 3)' })).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Avancement (en %)'));
    await user.type(screen.getByLabelText('Avancement (en %)'), '65');
    await user.type(screen.getByLabelText('Note pour l’émetteur (facultatif)'), '  Atelier fixé au 10 décembre.  ');
    await user.click(screen.getByRole('button', { name: 'Signaler l’avancement' }));

    expect(onSubmit).toHaveBeenCalledWith({ pourcentage: 65, note: 'Atelier fixé au 10 décembre.', livrablesFaits: [CR, SUPPORT] });
  });

  it('sends an empty percentage as is, so that the API’s message shows next to the field (aria-invalid, aria-describedby)', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    const { rerender } = render(<AvancementForm affectation={affectation()} echeanceCommande={null} pending={false} problem={null} onSubmit={onSubmit} />);
    await user.clear(screen.getByLabelText('Avancement (en %)'));
    await user.click(screen.getByRole('button', { name: 'Signaler l’avancement' }));
    expect(onSubmit.mock.calls[0]![0].pourcentage).toBeNaN();
    expect(onSubmit.mock.calls[0]![0].note).toBeNull();

    rerender(
      <AvancementForm
        affectation={affectation()}
        echeanceCommande={null}
        pending={false}
        problem={problem([{ field: 'pourcentage', message: 'doit être un nombre entier de 0 à 100.' }])}
        onSubmit={onSubmit}
      />,
    );
    const input = screen.getByLabelText('Avancement (en %)');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('doit être un nombre entier de 0 à 100.');
    expect(screen.getByLabelText('Note pour l’émetteur (facultatif)')).toHaveAttribute('aria-invalid', 'false');
    // A field message is not repeated as a general alert.
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a refusal that names no field (a 409, a 412) as an alert, and the deliverables’ error beside the list', () => {
    const { rerender } = render(
      <AvancementForm
        affectation={affectation()}
        echeanceCommande={null}
        pending={false}
        problem={new ApiProblem({ status: 412, title: 'Modifiée entre-temps', detail: 'L’affectation a changé depuis votre lecture : rechargez la page.' })}
        onSubmit={() => undefined}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('L’affectation a changé depuis votre lecture : rechargez la page.');
    rerender(
      <AvancementForm
        affectation={affectation()}
        echeanceCommande={null}
        pending={true}
        problem={problem([{ field: 'livrablesFaits[0]', message: 'Ce livrable ne fait pas partie de la commande.' }])}
        onSubmit={() => undefined}
      />,
    );
    expect(screen.getByRole('group', { name: /Livrables faits/ })).toHaveAccessibleDescription('Ce livrable ne fait pas partie de la commande.');
    expect(screen.getByRole('button', { name: 'Signaler l’avancement' })).toBeDisabled();
  });

  it('lists the deliverables read-only, done or to do, when no report is possible', () => {
    render(<LivrablesListe affectation={affectation({ actions: [] })} echeanceCommande="2026-12-18T22:59:59.999Z" />);
    const items = within(screen.getByRole('list', { name: 'Livrables' })).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/Compte rendu de l’atelier.*pour l’échéance de la commande \(vendredi 18 décembre 2026\).*À faire/),
      expect.stringMatching(/Liste des entreprises participantes.*pour le mercredi 16 décembre 2026.*Fait/),
      expect.stringMatching(/Support diffusé.*En retard.*À faire/),
    ]);
    expect(screen.queryByRole('checkbox')).toBeNull();
  });
});

describe('LivraisonForm: delivering, or delivering again after a send-back', () => {
  it('sends the note and the links typed one per line', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<LivraisonForm pending={false} problem={null} relivraison={false} onSubmit={onSubmit} onCancel={() => undefined} />);
    await user.type(screen.getByLabelText('Note de livraison'), 'Compte rendu et liste joints.');
    await user.type(screen.getByLabelText(/Liens vers les documents/), 'https://partage.laregion.fr/cr.pdf{enter}{enter}  https://partage.laregion.fr/liste.pdf ');
    await user.click(screen.getByRole('button', { name: 'Livrer' }));
    expect(onSubmit).toHaveBeenCalledWith({ note: 'Compte rendu et liste joints.', liens: ['https://partage.laregion.fr/cr.pdf', 'https://partage.laregion.fr/liste.pdf'] });
    expect(liensDe('\n a \r\n\nb')).toEqual(['a', 'b']);
  });

  it('puts a refused link’s message next to the links, and says "Livrer à nouveau" after a send-back', () => {
    render(
      <LivraisonForm
        pending={false}
        problem={problem([{ field: 'liens[1]', message: 'Chaque lien doit être une adresse web complète (https://…).' }])}
        relivraison={true}
        onSubmit={() => undefined}
        onCancel={() => undefined}
      />,
    );
    expect(screen.getByLabelText(/Liens vers les documents/)).toHaveAccessibleDescription('Chaque lien doit être une adresse web complète (https://…).');
    expect(screen.getByLabelText('Note de livraison')).toHaveAttribute('aria-invalid', 'false');
    expect(screen.getByRole('button', { name: 'Livrer à nouveau' })).toBeInTheDocument();
  });
});

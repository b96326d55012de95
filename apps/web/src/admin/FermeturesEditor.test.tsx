import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiProblem } from '../api/problem';
import { FermeturesEditor } from './FermeturesEditor';
import { enPeriodes, joursEntre } from './sla-admin';

describe('closure periods', () => {
  it('groups consecutive days into periods, across a month’s end, once each', () => {
    expect(enPeriodes(['2026-12-31', '2026-12-24', '2027-01-01', '2026-12-24', '2026-12-26'])).toEqual([
      { du: '2026-12-24', au: '2026-12-24', jours: ['2026-12-24'] },
      { du: '2026-12-26', au: '2026-12-26', jours: ['2026-12-26'] },
      { du: '2026-12-31', au: '2027-01-01', jours: ['2026-12-31', '2027-01-01'] },
    ]);
    expect(joursEntre('2027-02-27', '2027-03-01')).toEqual(['2027-02-27', '2027-02-28', '2027-03-01']);
    expect(joursEntre('2026-03-28', '2026-03-30')).toHaveLength(3); // the DST weekend is three days too
    expect(joursEntre('2026-12-02', '2026-12-01')).toEqual([]);
  });
});

describe('FermeturesEditor', () => {
  const setup = (closures: string[], problem: ApiProblem | null = null) => {
    const onChange = vi.fn();
    render(<FermeturesEditor closures={closures} onChange={onChange} pending={false} problem={problem} />);
    return onChange;
  };

  it('lists the closures as periods in French, and removes a whole period with its button', async () => {
    const onChange = setup(['2026-12-24', '2026-12-31', '2027-01-01']);
    const items = screen.getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('span')!.textContent)).toEqual([
      'Le jeudi 24 décembre 2026',
      'Du jeudi 31 décembre 2026 au vendredi 1 janvier 2027 (2 jours)',
    ]);
    await userEvent.click(screen.getByRole('button', { name: /Retirer la fermeture : du jeudi 31 décembre 2026/ }));
    expect(onChange).toHaveBeenCalledWith(['2026-12-24'], expect.stringMatching(/^Fermeture retirée : du jeudi 31 décembre 2026/));
  });

  it('adds one day, or every day of a period, to the sorted list', async () => {
    const onChange = setup(['2026-12-24']);
    expect(screen.queryByText('Aucune fermeture exceptionnelle.')).toBeNull();
    await userEvent.type(screen.getByLabelText('Premier jour fermé'), '2026-11-10');
    await userEvent.type(screen.getByLabelText('Dernier jour fermé (facultatif)'), '2026-11-12');
    await userEvent.click(screen.getByRole('button', { name: 'Ajouter la fermeture' }));
    expect(onChange).toHaveBeenLastCalledWith(['2026-11-10', '2026-11-11', '2026-11-12', '2026-12-24'], 'Fermeture ajoutée du mardi 10 novembre 2026 au jeudi 12 novembre 2026.');
    expect(screen.getByLabelText('Premier jour fermé')).toHaveValue('');
  });

  it('says next to the field what is wrong with a period, and sends nothing', async () => {
    const onChange = setup([]);
    expect(screen.getByText('Aucune fermeture exceptionnelle.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Ajouter la fermeture' }));
    const du = screen.getByLabelText('Premier jour fermé');
    expect(du).toHaveAttribute('aria-invalid', 'true');
    expect(du).toHaveAttribute('aria-describedby', 'fermeture-du-error');
    expect(screen.getByText('Indiquez le premier jour de fermeture.')).toHaveAttribute('id', 'fermeture-du-error');

    await userEvent.type(du, '2026-11-12');
    await userEvent.type(screen.getByLabelText('Dernier jour fermé (facultatif)'), '2026-11-10');
    await userEvent.click(screen.getByRole('button', { name: 'Ajouter la fermeture' }));
    expect(screen.getByLabelText('Dernier jour fermé (facultatif)')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Le dernier jour doit être le premier jour ou un jour suivant.')).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows the API’s message about a closure day next to the list (closures[0] → closures)', () => {
    setup(['2026-12-24'], new ApiProblem({ status: 400, title: 'Données invalides', detail: 'Le calendrier est invalide.', errors: [{ field: 'closures[0]', message: 'closures[0] (2026-02-30) doit être une date valide au format yyyy-mm-dd' }] }));
    const message = screen.getByText(/doit être une date valide/);
    expect(message).toHaveAttribute('id', 'closures-error');
    expect(screen.getByRole('list', { name: 'Fermetures exceptionnelles' })).toHaveAttribute('aria-describedby', 'closures-error');
  });
});

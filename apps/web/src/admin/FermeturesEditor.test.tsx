import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiProblem } from '../api/problem';
import { FermeturesEditor, type Fermetures } from './FermeturesEditor';
import { enPeriodes, joursEntre } from './sla-admin';

// The first render of a file loads React and Testing Library: several seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 30_000 });

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
  const setup = (value: Fermetures, problem: ApiProblem | null = null) => {
    const onChange = vi.fn();
    const view = render(<FermeturesEditor value={value} onChange={onChange} pending={false} problem={problem} />);
    return { onChange, ...view };
  };
  const estivale = { du: '2027-08-09', au: '2027-08-13', libelle: 'Fermeture estivale' };

  it('lists named periods and unnamed days in French, and removes one with its button', async () => {
    const { onChange } = setup({ closures: ['2026-12-24', '2026-12-31', '2027-01-01'], fermetures: [estivale] });
    expect(screen.getAllByRole('listitem').map((li) => li.querySelector('span')!.textContent)).toEqual([
      'Fermeture estivale — du lundi 9 août 2027 au vendredi 13 août 2027 (5 jours)',
      'Fermeture exceptionnelle (sans libellé) — le jeudi 24 décembre 2026',
      'Fermeture exceptionnelle (sans libellé) — du jeudi 31 décembre 2026 au vendredi 1 janvier 2027 (2 jours)',
    ]);
    await userEvent.click(screen.getByRole('button', { name: /^Retirer la fermeture Fermeture estivale/ }));
    expect(onChange).toHaveBeenLastCalledWith({ closures: ['2026-12-24', '2026-12-31', '2027-01-01'], fermetures: [] }, 'Fermeture « Fermeture estivale » retirée.');
    await userEvent.click(screen.getByRole('button', { name: /^Retirer la fermeture sans libellé du jeudi 31 décembre 2026/ }));
    expect(onChange).toHaveBeenLastCalledWith({ closures: ['2026-12-24'], fermetures: [estivale] }, expect.stringMatching(/^Fermeture retirée : du jeudi 31 décembre 2026/));
  });

  it('adds a named period, and empties its form once the calendar holds it', async () => {
    const { onChange, rerender } = setup({ closures: [], fermetures: [] });
    expect(screen.getByText('Aucune fermeture exceptionnelle.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Libellé de la fermeture'), 'Pont du 11 novembre');
    await userEvent.type(screen.getByLabelText('Premier jour fermé'), '2026-11-10');
    await userEvent.click(screen.getByRole('button', { name: 'Ajouter la fermeture' }));
    const next = { closures: [], fermetures: [{ du: '2026-11-10', au: '2026-11-10', libelle: 'Pont du 11 novembre' }] };
    expect(onChange).toHaveBeenLastCalledWith(next, 'Fermeture « Pont du 11 novembre » ajoutée, le mardi 10 novembre 2026.');
    expect(screen.getByLabelText('Libellé de la fermeture')).toHaveValue('Pont du 11 novembre');
    rerender(<FermeturesEditor value={next} onChange={onChange} pending={false} problem={null} />);
    expect(screen.getByLabelText('Libellé de la fermeture')).toHaveValue('');
    expect(screen.getByText('Pont du 11 novembre')).toBeInTheDocument();
  });

  it('says next to each field what is missing or wrong, and sends nothing', async () => {
    const { onChange } = setup({ closures: [], fermetures: [] });
    await userEvent.click(screen.getByRole('button', { name: 'Ajouter la fermeture' }));
    const libelle = screen.getByLabelText('Libellé de la fermeture');
    expect(libelle).toHaveAttribute('aria-invalid', 'true');
    expect(libelle).toHaveAttribute('aria-describedby', 'fermeture-libelle-error');
    const du = screen.getByLabelText('Premier jour fermé');
    expect(du).toHaveAttribute('aria-describedby', 'fermeture-du-error');
    expect(screen.getByText('Indiquez le premier jour de fermeture.')).toHaveAttribute('id', 'fermeture-du-error');

    await userEvent.type(libelle, 'Inventaire');
    await userEvent.type(du, '2026-11-12');
    await userEvent.type(screen.getByLabelText('Dernier jour fermé (facultatif)'), '2026-11-10');
    await userEvent.click(screen.getByRole('button', { name: 'Ajouter la fermeture' }));
    expect(screen.getByLabelText('Dernier jour fermé (facultatif)')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Le dernier jour doit être le premier jour ou un jour suivant.')).toBeInTheDocument();
    expect(libelle).toHaveAttribute('aria-invalid', 'false');
    expect(onChange).not.toHaveBeenCalled();
  });

  it('puts the API’s message about the period just added next to its field (fermetures[1].libelle → libellé)', () => {
    setup(
      { closures: [], fermetures: [estivale] },
      new ApiProblem({ status: 400, title: 'Données invalides', detail: 'Le calendrier est invalide.', errors: [{ field: 'fermetures[1].libelle', message: 'fermetures[1].libelle ne doit pas dépasser 200 caractères' }] }),
    );
    expect(screen.getByText(/ne doit pas dépasser 200 caractères/)).toHaveAttribute('id', 'fermeture-libelle-error');
    expect(screen.getByLabelText('Libellé de la fermeture')).toHaveAttribute('aria-invalid', 'true');
  });

  it('puts a message about a day already listed next to the list (closures[0] → the list)', () => {
    setup(
      { closures: ['2026-12-24'], fermetures: [] },
      new ApiProblem({ status: 400, title: 'Données invalides', detail: 'Le calendrier est invalide.', errors: [{ field: 'closures[0]', message: 'closures[0] (2026-02-30) doit être une date valide au format yyyy-mm-dd' }] }),
    );
    expect(screen.getByText(/doit être une date valide/)).toHaveAttribute('id', 'closures-error');
    expect(screen.getByRole('list', { name: 'Fermetures exceptionnelles' })).toHaveAttribute('aria-describedby', 'closures-error');
  });
});

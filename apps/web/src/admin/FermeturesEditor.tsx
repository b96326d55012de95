import { useState, type FormEvent } from 'react';
import type { ApiProblem } from '../api/problem';
import { FieldError } from '../shared/page';
import { enPeriodes, formatJour, joursEntre } from './sla-admin';

const MAX_JOURS = 366;

/**
 * The extra closure days of a calendar, shown as periods of consecutive days, each removable;
 * a form adds a period (one day when "au" is left empty). `onChange` gets the new list of days.
 */
export function FermeturesEditor({
  closures,
  onChange,
  pending,
  problem,
}: {
  closures: string[];
  onChange: (closures: string[], what: string) => void;
  pending: boolean;
  problem: ApiProblem | null;
}) {
  const [du, setDu] = useState('');
  const [au, setAu] = useState('');
  const [errors, setErrors] = useState<{ du?: string; au?: string }>({});
  const periodes = enPeriodes(closures);
  const apiError = problem?.field('closures');

  const add = (event: FormEvent) => {
    event.preventDefault();
    const next: { du?: string; au?: string } = {};
    if (!du) next.du = 'Indiquez le premier jour de fermeture.';
    else if (au && au < du) next.au = 'Le dernier jour doit être le premier jour ou un jour suivant.';
    else if (au && joursEntre(du, au, MAX_JOURS + 1).length > MAX_JOURS) next.au = `Une fermeture dure au plus ${MAX_JOURS} jours.`;
    setErrors(next);
    if (next.du || next.au) return;
    const jours = joursEntre(du, au || du, MAX_JOURS);
    const what = jours.length > 1 ? `du ${formatJour(jours[0])} au ${formatJour(jours[jours.length - 1])}` : `le ${formatJour(jours[0])}`;
    onChange([...new Set([...closures, ...jours])].sort(), `Fermeture ajoutée ${what}.`);
    setDu('');
    setAu('');
  };

  return (
    <section className="card admin-section" aria-labelledby="fermetures-titre">
      <h2 id="fermetures-titre">Fermetures exceptionnelles</h2>
      <p className="hint">
        Jours où les locaux sont fermés en plus des jours fériés (pont, fermeture de fin d’année…). Le calendrier les enregistre jour par jour, sans libellé ; ils
        apparaissent comme « Fermeture exceptionnelle » dans la liste des jours fermés.
      </p>
      <FieldError id="closures-error" message={apiError} />
      {periodes.length === 0 ? (
        <p className="empty">Aucune fermeture exceptionnelle.</p>
      ) : (
        <ul className="admin-list" aria-label="Fermetures exceptionnelles" aria-describedby={apiError ? 'closures-error' : undefined}>
          {periodes.map((p) => {
            const label = p.du === p.au ? `Le ${formatJour(p.du)}` : `Du ${formatJour(p.du)} au ${formatJour(p.au)} (${p.jours.length} jours)`;
            return (
              <li key={p.du}>
                <span>{label}</span>
                <button
                  type="button"
                  className="button secondary"
                  disabled={pending}
                  aria-label={`Retirer la fermeture : ${label.toLowerCase()}`}
                  onClick={() => onChange(closures.filter((d) => !p.jours.includes(d)), `Fermeture retirée : ${label.toLowerCase()}.`)}
                >
                  Retirer
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={add} noValidate className="admin-inline-form" aria-label="Ajouter une fermeture">
        <div className="field">
          <label htmlFor="fermeture-du">Premier jour fermé</label>
          <input id="fermeture-du" type="date" value={du} onChange={(e) => setDu(e.target.value)} aria-invalid={Boolean(errors.du)} aria-describedby={errors.du ? 'fermeture-du-error' : undefined} />
          <FieldError id="fermeture-du-error" message={errors.du} />
        </div>
        <div className="field">
          <label htmlFor="fermeture-au">Dernier jour fermé (facultatif)</label>
          <input
            id="fermeture-au"
            type="date"
            value={au}
            onChange={(e) => setAu(e.target.value)}
            aria-invalid={Boolean(errors.au)}
            aria-describedby={['fermeture-au-hint', errors.au ? 'fermeture-au-error' : ''].filter(Boolean).join(' ')}
          />
          <p className="hint" id="fermeture-au-hint">
            Vide : un seul jour.
          </p>
          <FieldError id="fermeture-au-error" message={errors.au} />
        </div>
        <button type="submit" className="button" disabled={pending}>
          Ajouter la fermeture
        </button>
      </form>
    </section>
  );
}

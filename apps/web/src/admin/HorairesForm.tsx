import { useState, type FormEvent } from 'react';
import type { ApiProblem } from '../api/problem';
import { FieldError } from '../shared/page';
import { formatDuree, hoursOf, JOURS, minutesOuvertes, type CalendrierSpec, type Hours, type Plage } from './sla-admin';

/** Opening hours per weekday (several intervals make a lunch break), the libellé and public holidays. */
export function HorairesForm({
  spec,
  onSave,
  pending,
  problem,
}: {
  spec: CalendrierSpec;
  onSave: (change: { libelle: string; hours: Hours; holidays: 'FR' | null }) => void;
  pending: boolean;
  problem: ApiProblem | null;
}) {
  const [libelle, setLibelle] = useState(spec.libelle);
  const [hours, setHours] = useState<Hours>(hoursOf(spec));
  const [feries, setFeries] = useState(spec.holidays === 'FR');
  const err = (field: string) => problem?.field(field);

  const setDay = (day: string, plages: Plage[]) => setHours({ ...hours, [day]: plages });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave({ libelle: libelle.trim(), hours, holidays: feries ? 'FR' : null });
  };

  return (
    <form onSubmit={submit} noValidate className="card admin-section form" aria-labelledby="horaires-titre">
      <h2 id="horaires-titre">Horaires d’ouverture</h2>
      <div className="field">
        <label htmlFor="cal-libelle">Libellé du calendrier</label>
        <input id="cal-libelle" value={libelle} onChange={(e) => setLibelle(e.target.value)} aria-invalid={Boolean(err('libelle'))} aria-describedby={err('libelle') ? 'cal-libelle-error' : undefined} />
        <FieldError id="cal-libelle-error" message={err('libelle')} />
      </div>
      <p className="hint">Heures au format HH:mm, heure de Paris ; une pause déjeuner se fait avec deux plages. Un jour sans plage est fermé.</p>
      <FieldError id="hours-error" message={problem?.fields.hours} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Plages d’ouverture par jour</caption>
          <thead>
            <tr>
              <th scope="col">Jour</th>
              <th scope="col">Plages</th>
              <th scope="col">Durée</th>
            </tr>
          </thead>
          <tbody>
            {JOURS.map(({ cle, nom }) => {
              const plages = hours[cle] ?? [];
              return (
                <tr key={cle}>
                  <th scope="row">{nom}</th>
                  <td>
                    {plages.length === 0 && <p className="hint">Fermé</p>}
                    {plages.map((p, i) => {
                      const path = `hours.${cle}[${i}]`;
                      const message = err(path);
                      const errorId = `hours-${cle}-${i}-error`;
                      const update = (part: Partial<Plage>) => setDay(cle, plages.map((q, j) => (j === i ? { ...q, ...part } : q)));
                      return (
                        <div key={i} className="admin-plage">
                          <input aria-label={`${nom}, plage ${i + 1} : début`} className="admin-heure" value={p.start} onChange={(e) => update({ start: e.target.value })} aria-invalid={Boolean(message)} aria-describedby={message ? errorId : undefined} />
                          <span aria-hidden="true">–</span>
                          <input aria-label={`${nom}, plage ${i + 1} : fin`} className="admin-heure" value={p.end} onChange={(e) => update({ end: e.target.value })} aria-invalid={Boolean(message)} aria-describedby={message ? errorId : undefined} />
                          <button type="button" className="button link" onClick={() => setDay(cle, plages.filter((_, j) => j !== i))} aria-label={`Retirer la plage ${i + 1} du ${nom.toLowerCase()}`}>
                            Retirer
                          </button>
                          <FieldError id={errorId} message={message} />
                        </div>
                      );
                    })}
                    <button type="button" className="button link" onClick={() => setDay(cle, [...plages, { start: '09:00', end: '12:00' }])} aria-label={`Ajouter une plage le ${nom.toLowerCase()}`}>
                      Ajouter une plage
                    </button>
                    <FieldError id={`hours-${cle}-error`} message={problem?.fields[`hours.${cle}`]} />
                  </td>
                  <td className="nowrap">{plages.length ? formatDuree(minutesOuvertesSures(plages)) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="field checkbox">
        <input id="cal-feries" type="checkbox" checked={feries} onChange={(e) => setFeries(e.target.checked)} aria-describedby={err('holidays') ? 'cal-feries-error' : undefined} />
        <label htmlFor="cal-feries">Fermé les jours fériés français</label>
        <FieldError id="cal-feries-error" message={err('holidays')} />
      </div>
      <button type="submit" className="button" disabled={pending}>
        Enregistrer les horaires
      </button>
    </form>
  );
}

/** The day's opening while the admin types (a half-typed "9:" counts as nothing). */
function minutesOuvertesSures(plages: Plage[]): number {
  const ok = plages.filter((p) => /^\d{2}:\d{2}$/.test(p.start) && /^\d{2}:\d{2}$/.test(p.end));
  return minutesOuvertes(ok);
}

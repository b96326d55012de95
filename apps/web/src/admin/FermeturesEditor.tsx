import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiProblem } from '../api/problem';
import { FieldError } from '../shared/page';
import { enPeriodes, type Fermeture, formatJour, joursEntre } from './sla-admin';

const MAX_JOURS = 366;

export interface Fermetures {
  /** Single closure days without a name (older entries, or set through the API). */
  closures: string[];
  /** Named periods, both ends included. */
  fermetures: Fermeture[];
}

const periode = (du: string, au: string) => {
  const n = joursEntre(du, au).length;
  return du === au ? `le ${formatJour(du)}` : `du ${formatJour(du)} au ${formatJour(au)} (${n} jours)`;
};

/**
 * A calendar's closures: named periods (added here, with a libellé) and unnamed days, each
 * removable. `onChange` gets the whole new set and a sentence saying what changed.
 */
export function FermeturesEditor({ value, onChange, pending, problem }: { value: Fermetures; onChange: (next: Fermetures, what: string) => void; pending: boolean; problem: ApiProblem | null }) {
  const [libelle, setLibelle] = useState('');
  const [du, setDu] = useState('');
  const [au, setAu] = useState('');
  const [errors, setErrors] = useState<{ libelle?: string; du?: string; au?: string }>({});
  // The form empties once the period it sent is saved (the list then holds one more).
  const count = useRef(value.fermetures.length);
  useEffect(() => {
    if (value.fermetures.length > count.current) {
      setLibelle('');
      setDu('');
      setAu('');
    }
    count.current = value.fermetures.length;
  }, [value.fermetures.length]);
  const nommees = [...value.fermetures].sort((a, b) => (a.du < b.du ? -1 : a.du > b.du ? 1 : 0));
  const jours = enPeriodes(value.closures);
  // The API's refusal of a period is about the one just added (the others were accepted before).
  const added = `fermetures[${value.fermetures.length}]`;
  const apiErr = (part: 'libelle' | 'du' | 'au') => problem?.field(`${added}.${part}`);
  const shown = { libelle: errors.libelle ?? apiErr('libelle'), du: errors.du ?? apiErr('du'), au: errors.au ?? apiErr('au') };
  const listError = problem?.field('closures') ?? (Object.keys(problem?.fields ?? {}).some((f) => f.startsWith('fermetures') && !f.startsWith(added)) ? problem?.field('fermetures') : undefined);

  const add = (event: FormEvent) => {
    event.preventDefault();
    const next: typeof errors = {};
    if (!libelle.trim()) next.libelle = 'Donnez un libellé à la fermeture (par exemple « Pont de l’Ascension »).';
    if (!du) next.du = 'Indiquez le premier jour de fermeture.';
    else if (au && au < du) next.au = 'Le dernier jour doit être le premier jour ou un jour suivant.';
    else if (au && joursEntre(du, au, MAX_JOURS + 1).length > MAX_JOURS) next.au = `Une fermeture dure au plus ${MAX_JOURS} jours.`;
    setErrors(next);
    if (next.libelle || next.du || next.au) return;
    const fermeture = { du, au: au || du, libelle: libelle.trim() };
    onChange({ ...value, fermetures: [...value.fermetures, fermeture] }, `Fermeture « ${fermeture.libelle} » ajoutée, ${periode(fermeture.du, fermeture.au)}.`);
  };
  const described = (field: 'libelle' | 'du' | 'au', hint?: string) => [hint, shown[field] ? `fermeture-${field}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <section className="card admin-section" aria-labelledby="fermetures-titre">
      <h2 id="fermetures-titre">Fermetures exceptionnelles</h2>
      <p className="hint">Périodes où les locaux sont fermés en plus des jours fériés (pont, fermeture de fin d’année…). Aucun délai ne court ces jours-là.</p>
      <FieldError id="closures-error" message={listError} />
      {nommees.length === 0 && jours.length === 0 ? (
        <p className="empty">Aucune fermeture exceptionnelle.</p>
      ) : (
        <ul className="admin-list" aria-label="Fermetures exceptionnelles" aria-describedby={listError ? 'closures-error' : undefined}>
          {nommees.map((f) => {
            const label = `${f.libelle} : ${periode(f.du, f.au)}`;
            return (
              <li key={`${f.du}-${f.au}-${f.libelle}`}>
                <span>
                  <strong>{f.libelle}</strong> — {periode(f.du, f.au)}
                </span>
                <button
                  type="button"
                  className="button secondary"
                  disabled={pending}
                  aria-label={`Retirer la fermeture ${label}`}
                  onClick={() => onChange({ ...value, fermetures: value.fermetures.filter((g) => g !== f) }, `Fermeture « ${f.libelle} » retirée.`)}
                >
                  Retirer
                </button>
              </li>
            );
          })}
          {jours.map((p) => {
            const label = periode(p.du, p.au);
            return (
              <li key={p.du}>
                <span>
                  <strong>Fermeture exceptionnelle</strong> (sans libellé) — {label}
                </span>
                <button
                  type="button"
                  className="button secondary"
                  disabled={pending}
                  aria-label={`Retirer la fermeture sans libellé ${label}`}
                  onClick={() => onChange({ ...value, closures: value.closures.filter((d) => !p.jours.includes(d)) }, `Fermeture retirée : ${label}.`)}
                >
                  Retirer
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={add} noValidate className="admin-inline-form" aria-label="Ajouter une fermeture">
        <div className="field admin-field-wide">
          <label htmlFor="fermeture-libelle">Libellé de la fermeture</label>
          <input id="fermeture-libelle" value={libelle} maxLength={200} onChange={(e) => setLibelle(e.target.value)} aria-invalid={Boolean(shown.libelle)} aria-describedby={described('libelle')} />
          <FieldError id="fermeture-libelle-error" message={shown.libelle} />
        </div>
        <div className="field">
          <label htmlFor="fermeture-du">Premier jour fermé</label>
          <input id="fermeture-du" type="date" value={du} onChange={(e) => setDu(e.target.value)} aria-invalid={Boolean(shown.du)} aria-describedby={described('du')} />
          <FieldError id="fermeture-du-error" message={shown.du} />
        </div>
        <div className="field">
          <label htmlFor="fermeture-au">Dernier jour fermé (facultatif)</label>
          <input id="fermeture-au" type="date" value={au} onChange={(e) => setAu(e.target.value)} aria-invalid={Boolean(shown.au)} aria-describedby={described('au', 'fermeture-au-hint')} />
          <p className="hint" id="fermeture-au-hint">
            Vide : un seul jour.
          </p>
          <FieldError id="fermeture-au-error" message={shown.au} />
        </div>
        <button type="submit" className="button" disabled={pending}>
          Ajouter la fermeture
        </button>
      </form>
    </section>
  );
}

import type { ReactNode } from 'react';
import type { Schemas } from '../api/client';
import { type BriefForm, type ContactRow, emptyContact, errorIdOf, type FieldMessages, inputIdOf, type LivrableRow, newKey, parseBudget } from './brief-form';

type Maison = Pick<Schemas['MaisonDto'], 'id' | 'nom' | 'ville'>;
type Theme = Pick<Schemas['ThemeDto'], 'id' | 'libelle'>;

/** The message shown next to a field: a refusal of the API, else what is missing before issuing. */
export function FieldMessage({ place, messages }: { place: string; messages: FieldMessages }) {
  const refus = messages.refus[place];
  const manque = messages.manquants[place];
  if (refus) {
    return (
      <p id={errorIdOf(place)} className="field-error">
        {refus}
      </p>
    );
  }
  if (manque) {
    return (
      <p id={errorIdOf(place)} className="field-missing">
        <span className="field-missing-label">À compléter : </span>
        {manque}
      </p>
    );
  }
  return null;
}

/** aria-invalid / aria-describedby of an input, from the messages placed on it (and an optional hint). */
export function describedBy(place: string, messages: FieldMessages, hint?: string) {
  const has = Boolean(messages.refus[place] || messages.manquants[place]);
  const ids = [hint, has ? errorIdOf(place) : undefined].filter(Boolean).join(' ');
  return {
    id: inputIdOf(place),
    'aria-invalid': Boolean(messages.refus[place]) || undefined,
    'aria-describedby': ids || undefined,
  };
}

/** The same for a group (fieldset): described by its message, never aria-invalid (not a group's attribute). */
function groupDescribedBy(place: string, messages: FieldMessages) {
  const { id, 'aria-describedby': describedby } = describedBy(place, messages);
  return { id, 'aria-describedby': describedby };
}

function Field({ place, label, messages, children, hint }: { place: string; label: string; messages: FieldMessages; children: ReactNode; hint?: string }) {
  return (
    <div className="field">
      <label htmlFor={inputIdOf(place)}>{label}</label>
      {hint && (
        <p className="hint" id={`${inputIdOf(place)}-aide`}>
          {hint}
        </p>
      )}
      {children}
      <FieldMessage place={place} messages={messages} />
    </div>
  );
}

interface Props {
  form: BriefForm;
  onChange: (next: BriefForm) => void;
  messages: FieldMessages;
  maisons: Maison[] | undefined;
  themes: Theme[] | undefined;
  disabled?: boolean;
}

/** Every field of a commande's brief, each with its message (refused, or missing before issuing) beside it. */
export function BriefEditor({ form, onChange, messages, maisons, themes, disabled }: Props) {
  const set = <K extends keyof BriefForm>(key: K, value: BriefForm[K]) => onChange({ ...form, [key]: value });
  const setLivrable = (key: string, patch: Partial<LivrableRow>) => set('livrables', form.livrables.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const setContact = (key: string, patch: Partial<ContactRow>) => set('contacts', form.contacts.map((c) => (c.key === key ? { ...c, ...patch } : c)));
  const budgetLocal = parseBudget(form.budget) === undefined ? { ...messages, refus: { ...messages.refus, budget: 'Indiquez un montant en euros, par exemple 1500 ou 1500,50.' } } : messages;
  const hint = (place: string) => `${inputIdOf(place)}-aide`;

  return (
    <fieldset className="brief-editor" disabled={disabled}>
      <legend className="visually-hidden">Cahier des charges</legend>
      <Field place="titre" label="Titre" messages={messages}>
        <input {...describedBy('titre', messages)} value={form.titre} onChange={(e) => set('titre', e.target.value)} maxLength={200} />
      </Field>
      <Field place="objectif" label="Objectif" messages={messages} hint="Ce que la commande doit produire, et pourquoi.">
        <textarea {...describedBy('objectif', messages, hint('objectif'))} rows={3} value={form.objectif} onChange={(e) => set('objectif', e.target.value)} />
      </Field>
      <Field place="contexte" label="Contexte (recommandé)" messages={messages}>
        <textarea {...describedBy('contexte', messages)} rows={3} value={form.contexte} onChange={(e) => set('contexte', e.target.value)} />
      </Field>
      <div className="field-row">
        <Field place="echeance" label="Échéance" messages={messages} hint="Jusqu’au soir de ce jour, heure de Paris.">
          <input type="date" {...describedBy('echeance', messages, hint('echeance'))} value={form.echeance} onChange={(e) => set('echeance', e.target.value)} />
        </Field>
        <Field place="themeId" label="Thème (facultatif)" messages={messages}>
          <select {...describedBy('themeId', messages)} value={form.themeId} onChange={(e) => set('themeId', e.target.value)}>
            <option value="">Aucun thème</option>
            {(themes ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.libelle}
              </option>
            ))}
          </select>
        </Field>
        <Field place="budget" label="Budget en euros (facultatif)" messages={budgetLocal}>
          <input inputMode="decimal" {...describedBy('budget', budgetLocal)} value={form.budget} onChange={(e) => set('budget', e.target.value)} />
        </Field>
      </div>

      <fieldset className="field-group" {...groupDescribedBy('livrables', messages)}>
        <legend>Livrables</legend>
        <FieldMessage place="livrables" messages={messages} />
        <ol className="cab-rows">
          {form.livrables.map((l, i) => {
            const place = (sub: string) => `livrables.${l.key}.${sub}`;
            return (
              <li key={l.key} className="cab-row">
                <div className="field">
                  <label htmlFor={inputIdOf(place('libelle'))}>Livrable {i + 1} : libellé</label>
                  <input {...describedBy(place('libelle'), messages)} value={l.libelle} onChange={(e) => setLivrable(l.key, { libelle: e.target.value })} />
                  <FieldMessage place={place('libelle')} messages={messages} />
                  {l.libelle.trim() === '' && messages.refus[place('libelle')] === undefined && (
                    <p className="hint">Sans libellé, cette ligne n’est pas enregistrée.</p>
                  )}
                </div>
                <div className="field">
                  <label htmlFor={inputIdOf(place('echeance'))}>Livrable {i + 1} : échéance (facultatif)</label>
                  <input type="date" {...describedBy(place('echeance'), messages)} value={l.echeance} onChange={(e) => setLivrable(l.key, { echeance: e.target.value })} />
                  <FieldMessage place={place('echeance')} messages={messages} />
                </div>
                <button type="button" className="button secondary cab-row-remove" onClick={() => set('livrables', form.livrables.filter((x) => x.key !== l.key))}>
                  Retirer le livrable {i + 1}
                </button>
              </li>
            );
          })}
        </ol>
        <button type="button" className="button secondary" onClick={() => set('livrables', [...form.livrables, { key: newKey(), libelle: '', echeance: '' }])}>
          Ajouter un livrable
        </button>
      </fieldset>

      <fieldset className="field-group" {...groupDescribedBy('materiel', messages)}>
        <legend>Matériel fourni aux Maisons</legend>
        <FieldMessage place="materiel" messages={messages} />
        <div className="field checkbox">
          <input id="champ-materiel-aucun" type="checkbox" checked={form.materielAucun} onChange={(e) => set('materielAucun', e.target.checked)} />
          <label htmlFor="champ-materiel-aucun">Aucun matériel n’est fourni</label>
        </div>
        {!form.materielAucun && (
          <>
            <ol className="cab-rows">
              {form.materiel.map((m, i) => (
                <li key={m.key} className="cab-row">
                  <div className="field">
                    <label htmlFor={inputIdOf(`materiel.${m.key}`)}>Matériel {i + 1}</label>
                    <input
                      {...describedBy(`materiel.${m.key}`, messages)}
                      value={m.texte}
                      onChange={(e) => set('materiel', form.materiel.map((x) => (x.key === m.key ? { ...x, texte: e.target.value } : x)))}
                    />
                    <FieldMessage place={`materiel.${m.key}`} messages={messages} />
                  </div>
                  <button type="button" className="button secondary cab-row-remove" onClick={() => set('materiel', form.materiel.filter((x) => x.key !== m.key))}>
                    Retirer le matériel {i + 1}
                  </button>
                </li>
              ))}
            </ol>
            <button type="button" className="button secondary" onClick={() => set('materiel', [...form.materiel, { key: newKey(), texte: '' }])}>
              Ajouter du matériel
            </button>
          </>
        )}
      </fieldset>

      <fieldset className="field-group" {...groupDescribedBy('contacts', messages)}>
        <legend>Contacts</legend>
        <FieldMessage place="contacts" messages={messages} />
        <ol className="cab-rows">
          {form.contacts.map((c, i) => {
            const place = (sub: string) => `contacts.${c.key}.${sub}`;
            const input = (sub: 'nom' | 'role' | 'email' | 'telephone', label: string, type = 'text') => (
              <div className="field">
                <label htmlFor={inputIdOf(place(sub))}>
                  Contact {i + 1} : {label}
                </label>
                <input type={type} autoComplete="off" {...describedBy(place(sub), messages)} value={c[sub]} onChange={(e) => setContact(c.key, { [sub]: e.target.value })} />
                <FieldMessage place={place(sub)} messages={messages} />
              </div>
            );
            return (
              <li key={c.key} className="cab-row cab-row-contact">
                {input('nom', 'nom')}
                {input('role', 'rôle')}
                {input('email', 'e-mail', 'email')}
                {input('telephone', 'téléphone', 'tel')}
                <button type="button" className="button secondary cab-row-remove" onClick={() => set('contacts', form.contacts.filter((x) => x.key !== c.key))}>
                  Retirer le contact {i + 1}
                </button>
              </li>
            );
          })}
        </ol>
        <button type="button" className="button secondary" onClick={() => set('contacts', [...form.contacts, emptyContact()])}>
          Ajouter un contact
        </button>
      </fieldset>

      <fieldset className="field-group" {...groupDescribedBy('maisonIds', messages)}>
        <legend>Maisons de la Région destinataires</legend>
        <FieldMessage place="maisonIds" messages={messages} />
        <p className="hint" aria-live="polite">
          {form.maisonIds.length === 0 ? 'Aucune Maison choisie.' : `${form.maisonIds.length} Maison${form.maisonIds.length > 1 ? 's' : ''} choisie${form.maisonIds.length > 1 ? 's' : ''}.`}
        </p>
        {maisons === undefined ? (
          <p className="loading">Chargement des Maisons…</p>
        ) : (
          <ul className="maisons-choix">
            {maisons.map((m) => (
              <li key={m.id}>
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={form.maisonIds.includes(m.id)}
                    onChange={(e) => set('maisonIds', e.target.checked ? [...form.maisonIds, m.id] : form.maisonIds.filter((id) => id !== m.id))}
                  />
                  <span>{m.nom}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>

      <fieldset className="field-group">
        <legend>Urgence</legend>
        <div className="field checkbox">
          <input type="checkbox" {...describedBy('urgent', messages)} checked={form.urgent} onChange={(e) => set('urgent', e.target.checked)} />
          <label htmlFor={inputIdOf('urgent')}>Commande urgente (l’échéance laisse moins que le délai habituel)</label>
          <FieldMessage place="urgent" messages={messages} />
        </div>
        {(form.urgent || form.justificationUrgence !== '' || messages.manquants.justificationUrgence || messages.refus.justificationUrgence) && (
          <Field place="justificationUrgence" label="Justification de l’urgence" messages={messages}>
            <textarea {...describedBy('justificationUrgence', messages)} rows={2} value={form.justificationUrgence} onChange={(e) => set('justificationUrgence', e.target.value)} />
          </Field>
        )}
      </fieldset>
    </fieldset>
  );
}

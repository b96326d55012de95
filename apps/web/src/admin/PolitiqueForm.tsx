import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { ErrorMessage, FieldError } from '../shared/page';
import { adminKeys, ifMatch } from './queries';
import { cibleAffichee, cibleEnMinutes, enJournees, formatDuree, HORLOGE_LIBELLE, type Politique, type Unite } from './sla-admin';

type Body = Schemas['UpdatePolitiqueDto'];

/** Said when the policy changed between reading and saving (412): the form shows the new version. */
export const MODIFIEE_ENTRE_TEMPS =
  'Cette politique a été modifiée entre-temps par quelqu’un d’autre. Elle vient d’être rechargée : vérifiez sa nouvelle version, puis refaites votre modification.';

const CHAMPS = ['libelle', 'cibleMinutesOuvrees', 'seuilAvertissementPct', 'actif'];

/**
 * Edits a policy (PUT /sla/politiques/{id}, If-Match of the version read). The target is typed
 * in business hours or minutes and sent in minutes; the API's messages sit next to their field.
 */
export function PolitiqueForm({ politique, journee, onDone }: { politique: Politique; journee: { siege: number | null; maison: number | null }; onDone: (saved: Politique | null) => void }) {
  const queryClient = useQueryClient();
  const initial = cibleAffichee(politique.cibleMinutesOuvrees);
  const [libelle, setLibelle] = useState(politique.libelle);
  const [cible, setCible] = useState(initial.valeur);
  const [unite, setUnite] = useState<Unite>(initial.unite);
  const [seuil, setSeuil] = useState(String(politique.seuilAvertissementPct));
  const [actif, setActif] = useState(politique.actif);
  const [stale, setStale] = useState(false);
  // Opened from a row's button: keyboard and screen-reader users land on the form.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  // A newer version arrived (after a 412, the list refetched): the form shows it as it now is.
  const shownVersion = useRef(politique.version);
  useEffect(() => {
    if (shownVersion.current === politique.version) return;
    shownVersion.current = politique.version;
    const fresh = cibleAffichee(politique.cibleMinutesOuvrees);
    setLibelle(politique.libelle);
    setCible(fresh.valeur);
    setUnite(fresh.unite);
    setSeuil(String(politique.seuilAvertissementPct));
    setActif(politique.actif);
  }, [politique]);

  const save = useMutation({
    mutationFn: (body: Body) =>
      unwrap(api.PUT('/api/v1/sla/politiques/{id}', { params: { path: { id: politique.id }, header: ifMatch(politique.version) }, body })),
    onSuccess: (saved) => {
      queryClient.invalidateQueries({ queryKey: adminKeys.politiques });
      onDone(saved);
    },
    onError: (error) => {
      if (asProblem(error)?.status === 412) {
        setStale(true);
        // The list refetches: the parent gives this form the new version, which resets it.
        queryClient.invalidateQueries({ queryKey: adminKeys.politiques });
      }
    },
  });
  const problem = asProblem(save.error);
  const fieldProblem = problem && problem.status !== 412 ? problem : null;
  const err = (field: string) => fieldProblem?.field(field);
  const describedBy = (field: string, hint?: string) => [hint, err(field) ? `${field}-error` : undefined].filter(Boolean).join(' ') || undefined;

  const minutes = cibleEnMinutes(cible, unite);
  const seuilPct = Number(seuil.replace(',', '.'));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setStale(false);
    const seuilValue = seuil.trim() !== '' && Number.isFinite(seuilPct) ? seuilPct : seuil;
    // What is not a number goes as typed: the API answers with its message, shown next to the field.
    save.mutate({ libelle: libelle.trim(), cibleMinutesOuvrees: (minutes ?? cible) as number, seuilAvertissementPct: seuilValue as number, actif });
  };

  const horloge = HORLOGE_LIBELLE[politique.horloge];
  const jour = politique.horloge === 'prise_en_charge' || politique.horloge === 'reponse' ? journee.siege : journee.maison;
  return (
    <form onSubmit={submit} noValidate className="form admin-form" aria-labelledby="politique-form-titre">
      <h2 id="politique-form-titre" tabIndex={-1} ref={heading}>Modifier « {politique.libelle} »</h2>
      <p className="hint">
        Horloge <strong>{horloge.nom.toLowerCase()}</strong> : {horloge.mesure}. Version {politique.version} lue.
      </p>
      {stale && (
        <div role="alert" className="alert alert-warning">
          <p>{MODIFIEE_ENTRE_TEMPS}</p>
        </div>
      )}
      {fieldProblem && (
        <div role="alert" className="alert alert-error">
          <p>
            <strong>{fieldProblem.problem.title}</strong> : {fieldProblem.message}
          </p>
          {fieldProblem.unplaced(CHAMPS).length > 0 && (
            <ul>
              {fieldProblem.unplaced(CHAMPS).map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {save.isError && !problem && <ErrorMessage error={save.error} />}
      <div className="field">
        <label htmlFor="libelle">Libellé</label>
        <input id="libelle" value={libelle} onChange={(e) => setLibelle(e.target.value)} aria-invalid={Boolean(err('libelle'))} aria-describedby={describedBy('libelle')} />
        <FieldError id="libelle-error" message={err('libelle')} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="cibleMinutesOuvrees">Cible</label>
          <input
            id="cibleMinutesOuvrees"
            inputMode="decimal"
            value={cible}
            onChange={(e) => setCible(e.target.value)}
            aria-invalid={Boolean(err('cibleMinutesOuvrees'))}
            aria-describedby={describedBy('cibleMinutesOuvrees', 'cible-hint')}
          />
          <p className="hint" id="cible-hint" aria-live="polite">
            {minutes !== null && minutes > 0
              ? `Soit ${formatDuree(minutes)} ouvrées (${new Intl.NumberFormat('fr-FR').format(minutes)} minutes)${enJournees(minutes, jour) ? `, ${enJournees(minutes, jour)}` : ''}.`
              : 'Un nombre positif, décimales permises (1,5 heure = 90 minutes).'}
          </p>
          <FieldError id="cibleMinutesOuvrees-error" message={err('cibleMinutesOuvrees')} />
        </div>
        <div className="field">
          <label htmlFor="unite">Unité de la cible</label>
          <select id="unite" value={unite} onChange={(e) => setUnite(e.target.value as Unite)}>
            <option value="heures">heures ouvrées</option>
            <option value="minutes">minutes ouvrées</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="seuilAvertissementPct">Seuil d’alerte (% de la cible)</label>
          <input
            id="seuilAvertissementPct"
            inputMode="numeric"
            value={seuil}
            onChange={(e) => setSeuil(e.target.value)}
            aria-invalid={Boolean(err('seuilAvertissementPct'))}
            aria-describedby={describedBy('seuilAvertissementPct', 'seuil-hint')}
          />
          <p className="hint" id="seuil-hint">
            {minutes !== null && minutes > 0 && Number.isFinite(seuilPct) && seuilPct > 0 && seuilPct < 100
              ? `L’alerte « à risque » part après ${formatDuree(Math.round(((minutes * seuilPct) / 100) * 100) / 100)} ouvrées.`
              : 'Entre 1 et 99.'}
          </p>
          <FieldError id="seuilAvertissementPct-error" message={err('seuilAvertissementPct')} />
        </div>
      </div>
      <div className="field checkbox">
        <input id="actif" type="checkbox" checked={actif} onChange={(e) => setActif(e.target.checked)} aria-describedby={describedBy('actif', 'actif-hint')} />
        <label htmlFor="actif">Politique active</label>
        <p className="hint" id="actif-hint">
          Désactiver une politique arrête aussitôt ses horloges en cours (plus d’alerte ni de dépassement) et n’en démarre plus de nouvelles.
        </p>
        <FieldError id="actif-error" message={err('actif')} />
      </div>
      <div className="alert alert-info">
        <p>
          <strong>Ce que change l’enregistrement :</strong> la nouvelle cible et le nouveau seuil valent pour les horloges qui démarrent ensuite. Les horloges déjà
          en cours gardent la cible et le seuil de la version avec laquelle elles ont démarré.
        </p>
      </div>
      <div className="buttons">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? 'Enregistrement…' : 'Enregistrer la politique'}
        </button>
        <button type="button" className="button secondary" onClick={() => onDone(null)}>
          Annuler
        </button>
      </div>
    </form>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem, type ApiProblem } from '../api/problem';
import { ErrorMessage, FieldError, Loading, Page } from '../shared/page';
import { notificationKeys, type PreferencesNotifications } from './queries';

type Courriel = PreferencesNotifications['courriel'];

const MODES: Array<{ value: Courriel; label: string; hint: string }> = [
  { value: 'immediat', label: 'Immédiat', hint: 'un courriel à chaque notification' },
  { value: 'resume', label: 'Résumé quotidien', hint: 'un seul courriel par jour ouvré, à l’heure choisie' },
  { value: 'aucun', label: 'Aucun', hint: 'les notifications restent dans l’application' },
];

const HEURES = Array.from({ length: 24 }, (_, h) => h);

export function PreferencesPage() {
  const query = useQuery({ queryKey: notificationKeys.preferences, queryFn: () => unwrap(api.GET('/api/v1/me/preferences-notifications')) });
  // Here, not in the form: a save remounts the form (new version), the confirmation stays.
  const [enregistre, setEnregistre] = useState(false);
  return (
    <Page title="Préférences de notification">
      {query.isPending ? (
        <Loading what="de vos préférences" />
      ) : query.isError ? (
        <ErrorMessage error={query.error} retry={() => void query.refetch()} />
      ) : (
        // Keyed by version: a save (or a reload after a conflict) starts the form from the server's state.
        <PreferencesForm key={query.data.version} preferences={query.data} enregistre={enregistre} setEnregistre={setEnregistre} />
      )}
    </Page>
  );
}

export function PreferencesForm({
  preferences,
  enregistre,
  setEnregistre,
}: {
  preferences: PreferencesNotifications;
  enregistre: boolean;
  setEnregistre: (value: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [muets, setMuets] = useState<Set<string>>(new Set(preferences.typesMuets));
  const [courriel, setCourriel] = useState<Courriel>(preferences.courriel);
  const [heure, setHeure] = useState(preferences.heureResume);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/me/preferences-notifications', {
          params: { header: { 'If-Match': `"${preferences.version}"` } },
          body: { typesMuets: [...muets] as PreferencesNotifications['typesMuets'], courriel, heureResume: heure },
        }),
      ),
    onSuccess: (data) => {
      setEnregistre(true);
      queryClient.setQueryData(notificationKeys.preferences, data);
    },
    onError: (error) => {
      // Changed in another tab meanwhile: show the current state (the message stays).
      if (asProblem(error)?.status === 412) void queryClient.invalidateQueries({ queryKey: notificationKeys.preferences });
    },
  });
  const problem: ApiProblem | null = asProblem(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setEnregistre(false);
    save.mutate();
  };
  const basculer = (type: string, recevoir: boolean) => {
    const next = new Set(muets);
    if (recevoir) next.delete(type);
    else next.add(type);
    setMuets(next);
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Préférences de notification" noValidate>
      <fieldset className="field-group" aria-describedby={problem?.field('typesMuets') ? 'types-erreur' : undefined}>
        <legend>Ce que je reçois</legend>
        <p className="hint">Décochez les notifications que vous ne souhaitez plus recevoir, dans l’application comme par courriel.</p>
        <ul className="choices">
          {preferences.types.map((t) => (
            <li key={t.type} className="field checkbox">
              <input
                type="checkbox"
                id={`type-${t.type}`}
                checked={!t.muable || !muets.has(t.type)}
                disabled={!t.muable}
                aria-describedby={t.muable ? undefined : `type-${t.type}-pourquoi`}
                onChange={(event) => basculer(t.type, event.target.checked)}
              />
              <label htmlFor={`type-${t.type}`}>{t.libelle}</label>
              {!t.muable && (
                <p id={`type-${t.type}-pourquoi`} className="hint">
                  Toujours reçue : un délai dépassé doit être traité, par vous et par votre responsable.
                </p>
              )}
            </li>
          ))}
        </ul>
        <FieldError id="types-erreur" message={problem?.field('typesMuets')} />
      </fieldset>

      <fieldset className="field-group">
        <legend>Courriels</legend>
        <ul className="choices">
          {MODES.map((m) => (
            <li key={m.value}>
              <label className="choice">
                <input type="radio" name="courriel" value={m.value} checked={courriel === m.value} onChange={() => setCourriel(m.value)} />
                <span>
                  {m.label} <span className="hint">— {m.hint}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
        <FieldError id="courriel-erreur" message={problem?.field('courriel')} />
        <div className="field">
          <label htmlFor="heure-resume">Heure du résumé quotidien</label>
          <select
            id="heure-resume"
            value={heure}
            onChange={(event) => setHeure(Number(event.target.value))}
            aria-invalid={Boolean(problem?.field('heureResume'))}
            aria-describedby={problem?.field('heureResume') ? 'heure-erreur' : 'heure-aide'}
          >
            {HEURES.map((h) => (
              <option key={h} value={h}>
                {`${h} h`}
              </option>
            ))}
          </select>
          <p id="heure-aide" className="hint">
            Les jours ouvrés, heure de Paris ; utile en mode « Résumé quotidien ».
          </p>
          <FieldError id="heure-erreur" message={problem?.field('heureResume')} />
        </div>
      </fieldset>

      {problem && !problem.field('typesMuets') && !problem.field('heureResume') && !problem.field('courriel') && (
        <p role="alert" className="field-error">
          {problem.status === 412 ? 'Vos préférences ont été modifiées entre-temps (dans un autre onglet ?) : les voici à jour, recommencez.' : problem.message}
        </p>
      )}
      <p role="status" className="save-state">
        {enregistre ? 'Préférences enregistrées.' : ''}
      </p>
      <button type="submit" className="button" disabled={save.isPending}>
        Enregistrer mes préférences
      </button>
    </form>
  );
}

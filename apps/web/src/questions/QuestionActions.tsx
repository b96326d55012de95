import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { formatReponses } from '../shared/format';
import { ErrorMessage, FieldError, Loading } from '../shared/page';
import { ProblemAlert, TextActionForm, TextareaField } from '../shared/TextActionForm';
import type { Action, Question } from './labels';
import { questionKeys } from './queries';

interface ActionForm {
  label: string;
  /** The one text field of the action's body, if any. */
  field?: { name: 'message' | 'reponse' | 'issue' | 'motif'; label: string; required: boolean };
  primary?: boolean;
}

/** The actions this screen knows how to do; the resource's `actions` says which are allowed now. */
const FORMS: Partial<Record<Action, ActionForm>> = {
  prendre_en_charge: { label: 'Prendre en charge', primary: true },
  repondre: { label: 'Répondre', field: { name: 'reponse', label: 'Réponse', required: true }, primary: true },
  repondre_localement: { label: 'Répondre sur place', field: { name: 'reponse', label: 'Réponse donnée à l’usager', required: true } },
  demander_info: { label: 'Demander une information', field: { name: 'message', label: 'Information demandée à la Maison', required: true } },
  fournir_info: { label: 'Fournir l’information', field: { name: 'message', label: 'Information fournie', required: true }, primary: true },
  clore: { label: 'Clore la question', field: { name: 'issue', label: 'Issue (facultatif)', required: false }, primary: true },
  rouvrir: { label: 'Rouvrir', field: { name: 'motif', label: 'Motif de la réouverture', required: true } },
};

function perform(q: Question, action: Action, text: string | null) {
  const params = { path: { id: q.id } };
  // The version read: refused (412) if someone changed the question meanwhile.
  const headers = { 'If-Match': `"${q.version}"` };
  switch (action) {
    case 'prendre_en_charge':
      return unwrap(api.POST('/api/v1/questions/{id}/prendre-en-charge', { params, headers }));
    case 'repondre':
      return unwrap(api.POST('/api/v1/questions/{id}/repondre', { params, headers, body: { reponse: text ?? '' } }));
    case 'repondre_localement':
      return unwrap(api.POST('/api/v1/questions/{id}/repondre-localement', { params, headers, body: { reponse: text ?? '' } }));
    case 'demander_info':
      return unwrap(api.POST('/api/v1/questions/{id}/demander-info', { params, headers, body: { message: text ?? '' } }));
    case 'fournir_info':
      return unwrap(api.POST('/api/v1/questions/{id}/fournir-info', { params, headers, body: { message: text ?? '' } }));
    case 'clore':
      return unwrap(api.POST('/api/v1/questions/{id}/clore', { params, headers, body: { issue: text } }));
    case 'rouvrir':
      return unwrap(api.POST('/api/v1/questions/{id}/rouvrir', { params, headers, body: { motif: text ?? '' } }));
    default:
      throw new Error(`action ${action} non prise en charge par cet écran`);
  }
}

/**
 * A transition of this question: the API's answer replaces the cached question, `done` closes
 * the form, and lists, timeline and verification are refetched after each action (the server
 * is the source of truth).
 */
function useQuestionTransition<Body>(question: Question, send: (body: Body) => Promise<unknown>, done: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (updated) => {
      queryClient.setQueryData(questionKeys.one(question.id), updated);
      done();
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: questionKeys.all }),
  });
}

function ActionPanel({ question, action, form }: { question: Question; action: Action; form: ActionForm }) {
  const [open, setOpen] = useState(false);
  const mutation = useQuestionTransition(question, (text: string | null) => perform(question, action, text), () => setOpen(false));
  const problem = asProblem(mutation.error);
  const id = `action-${action}`;

  if (!form.field) {
    return (
      <div className="action">
        <button type="button" className={`button${form.primary ? '' : ' secondary'}`} disabled={mutation.isPending} onClick={() => mutation.mutate(null)}>
          {form.label}
        </button>
        <ProblemAlert problem={problem} />
      </div>
    );
  }
  if (!open) {
    return (
      <div className="action">
        <button type="button" className={`button${form.primary ? '' : ' secondary'}`} aria-expanded={false} aria-controls={id} onClick={() => setOpen(true)}>
          {form.label}…
        </button>
      </div>
    );
  }
  return (
    <TextActionForm
      id={id}
      className="action action-form"
      label={form.label}
      fieldId={`${id}-texte`}
      errorId={`${id}-erreur`}
      name="texte"
      fieldLabel={form.field.label}
      problemField={form.field.name}
      required={form.field.required}
      autoFocus
      problem={problem}
      pending={mutation.isPending}
      submitLabel={form.label}
      onCancel={() => setOpen(false)}
      onSubmit={(text) => mutation.mutate(text || null)}
    />
  );
}

function useDirections(enabled: boolean) {
  return useQuery({
    queryKey: ['directions'],
    queryFn: () => unwrap(api.GET('/api/v1/directions', { params: { query: { limit: 100 } } })),
    enabled,
    staleTime: 10 * 60_000,
  });
}

/**
 * Escalate to the siège: by default the API routes it (the dispositif's direction, then the
 * thème's, else the network coordination); the agent may name a direction instead.
 */
function EscaladerPanel({ question }: { question: Question }) {
  const [open, setOpen] = useState(false);
  const directions = useDirections(open);
  const suggestion = useSuggestionReferent(question.id, open);
  const mutation = useQuestionTransition(
    question,
    (body: { directionId?: string; referentId?: string; message: string | null }) =>
      unwrap(api.POST('/api/v1/questions/{id}/escalader', { params: { path: { id: question.id } }, headers: { 'If-Match': `"${question.version}"` }, body })),
    () => setOpen(false),
  );
  const problem = asProblem(mutation.error);
  if (!open) {
    return (
      <div className="action">
        <button type="button" className="button" aria-expanded={false} onClick={() => setOpen(true)}>
          Escalader au siège…
        </button>
      </div>
    );
  }
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const directionId = String(form.get('directionId') ?? '');
    const referentId = String(form.get('referentId') ?? '');
    const message = String(form.get('message') ?? '').trim();
    mutation.mutate({ ...(directionId ? { directionId } : {}), ...(referentId ? { referentId } : {}), message: message || null });
  };
  const directionError = problem?.field('directionId');
  const referentError = problem?.field('referentId');
  const messageError = problem?.field('message');
  const routage = question.dispositif ? `la direction qui porte « ${question.dispositif.nom} »` : 'la direction du thème, sinon la coordination du réseau';
  return (
    <form className="action action-form" onSubmit={submit} noValidate aria-label="Escalader au siège">
      <div className="field">
        <label htmlFor="escalader-direction">Direction (facultatif)</label>
        <p className="hint" id="escalader-direction-aide">
          Sans choix, la question va à {routage}.
        </p>
        {directions.isError && <ErrorMessage error={directions.error} />}
        <select
          id="escalader-direction"
          name="directionId"
          defaultValue=""
          aria-invalid={Boolean(directionError)}
          aria-describedby={directionError ? 'escalader-direction-aide escalader-direction-erreur' : 'escalader-direction-aide'}
        >
          <option value="">Routage automatique (recommandé)</option>
          {(directions.data?.items ?? [])
            .filter((d) => !d.historique)
            .map((d) => (
              <option key={d.id} value={d.id}>
                {d.nom}
                {d.sigle ? ` (${d.sigle})` : ''}
              </option>
            ))}
        </select>
        <FieldError id="escalader-direction-erreur" message={directionError} />
      </div>
      <SuggestionReferent suggestion={suggestion.data} error={referentError} />
      <TextareaField id="escalader-message" errorId="escalader-message-erreur" label="Message pour le siège (facultatif)" error={messageError} name="message" autoFocus />
      <ProblemAlert problem={problem} shownByField={Boolean(directionError || referentError || messageError)} />
      <div className="buttons">
        <button type="submit" className="button" disabled={mutation.isPending}>
          Escalader au siège
        </button>
        <button type="button" className="button secondary" onClick={() => setOpen(false)}>
          Annuler
        </button>
      </div>
    </form>
  );
}

type Suggestion = Awaited<ReturnType<typeof fetchSuggestion>>;
type Suggere = NonNullable<Suggestion['suggere']>;

function fetchSuggestion(id: string) {
  return unwrap(api.GET('/api/v1/questions/{id}/suggestion-referent', { params: { path: { id } } }));
}

/** Who answered this dispositif best lately (ADR 0014); a failure only hides the suggestion. */
function useSuggestionReferent(id: string, enabled: boolean) {
  return useQuery({ queryKey: [...questionKeys.one(id), 'suggestion-referent'], queryFn: () => fetchSuggestion(id), enabled, staleTime: 60_000 });
}

function libelle(r: Suggere): string {
  return r.motif === 'historique' ? `${r.displayName} (${formatReponses(r.reponses, r.delaiMedianHeures)})` : `${r.displayName} (désigné par l’annuaire, pas encore de réponse)`;
}

/** « Référent suggéré : X (…), en renfort : Y », and the choice to escalate to one of them. */
export function SuggestionReferent({ suggestion, error }: { suggestion: Suggestion | undefined; error?: string }) {
  if (!suggestion?.suggere) return null;
  const { suggere, renfort } = suggestion;
  return (
    <fieldset className="field" aria-describedby={error ? 'escalader-referent-erreur' : undefined}>
      <legend>Destinataire</legend>
      <p className="hint" id="escalader-suggestion">
        Référent suggéré : {libelle(suggere)}
        {renfort ? <>, en renfort : {libelle(renfort)}</> : null}.
      </p>
      <label className="choice">
        <input type="radio" name="referentId" value="" defaultChecked /> Toute la direction (file des référents)
      </label>
      <label className="choice">
        <input type="radio" name="referentId" value={suggere.referentId} /> Le référent suggéré : {suggere.displayName}
      </label>
      {renfort && (
        <label className="choice">
          <input type="radio" name="referentId" value={renfort.referentId} /> En renfort : {renfort.displayName}
        </label>
      )}
      <FieldError id="escalader-referent-erreur" message={error} />
    </fieldset>
  );
}

/** Reorient to another direction, with the motif the receiving direction will read. */
function ReorienterPanel({ question }: { question: Question }) {
  const [open, setOpen] = useState(false);
  const directions = useDirections(open);
  const mutation = useQuestionTransition(
    question,
    (body: { directionId: string; motif: string }) =>
      unwrap(api.POST('/api/v1/questions/{id}/reorienter', { params: { path: { id: question.id } }, headers: { 'If-Match': `"${question.version}"` }, body })),
    () => setOpen(false),
  );
  const problem = asProblem(mutation.error);
  if (!open) {
    return (
      <div className="action">
        <button type="button" className="button secondary" aria-expanded={false} onClick={() => setOpen(true)}>
          Réorienter…
        </button>
      </div>
    );
  }
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    mutation.mutate({ directionId: String(form.get('directionId') ?? ''), motif: String(form.get('motif') ?? '').trim() });
  };
  const others = (directions.data?.items ?? []).filter((d) => !d.historique && d.id !== question.direction?.id);
  return (
    <form className="action action-form" onSubmit={submit} noValidate aria-label="Réorienter">
      <div className="field">
        <label htmlFor="reorienter-direction">Direction</label>
        {directions.isPending && <Loading what="des directions" />}
        {directions.isError && <ErrorMessage error={directions.error} />}
        <select id="reorienter-direction" name="directionId" aria-describedby={problem?.field('directionId') ? 'reorienter-direction-erreur' : undefined}>
          {others.map((d) => (
            <option key={d.id} value={d.id}>
              {d.nom}
              {d.sigle ? ` (${d.sigle})` : ''}
            </option>
          ))}
        </select>
        <FieldError id="reorienter-direction-erreur" message={problem?.field('directionId')} />
      </div>
      <TextareaField id="reorienter-motif" errorId="reorienter-motif-erreur" label="Motif" error={problem?.field('motif')} name="motif" required />
      <ProblemAlert problem={problem} shownByField={Boolean(problem?.field('motif') || problem?.field('directionId'))} />
      <div className="buttons">
        <button type="submit" className="button" disabled={mutation.isPending || others.length === 0}>
          Réorienter
        </button>
        <button type="button" className="button secondary" onClick={() => setOpen(false)}>
          Annuler
        </button>
      </div>
    </form>
  );
}

/** Only the actions the API allows now (the resource's `actions`), never re-derived here. */
export function QuestionActions({ question }: { question: Question }) {
  const actions = (question.actions ?? []).filter((a) => FORMS[a] || a === 'reorienter' || a === 'escalader');
  return (
    <section aria-labelledby="actions-titre" className="actions">
      <h2 id="actions-titre">Actions</h2>
      {actions.length === 0 ? (
        <p className="empty">Aucune action possible pour vous sur cette question maintenant.</p>
      ) : (
        actions.map((action) =>
          action === 'reorienter' ? (
            <ReorienterPanel key={action} question={question} />
          ) : action === 'escalader' ? (
            <EscaladerPanel key={action} question={question} />
          ) : (
            <ActionPanel key={action} question={question} action={action} form={FORMS[action]!} />
          ),
        )
      )}
    </section>
  );
}

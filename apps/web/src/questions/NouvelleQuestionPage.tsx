import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, type Schemas, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { ErrorMessage, FieldError, Loading, Page } from '../shared/page';
import { questionKeys } from './queries';
import { type ReponseChoisie, SuggestionsPanel } from '../capitalisation/Suggestions';

type Dispositif = Schemas['DispositifDto'];
type Body = Schemas['CreateQuestionDto'];

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** Searches dispositifs as the agent types (GET /dispositifs?q=) and lets them pick one. */
function DispositifPicker({ value, onChange, error }: { value: Dispositif | null; onChange: (d: Dispositif | null) => void; error?: string }) {
  const [q, setQ] = useState('');
  const term = useDebounced(q.trim(), 250);
  const results = useQuery({
    queryKey: ['dispositifs', term],
    queryFn: () => unwrap(api.GET('/api/v1/dispositifs', { params: { query: { q: term, limit: 8 } } })),
    enabled: term.length >= 2,
  });
  return (
    <fieldset className="field-group">
      <legend>Dispositif concerné (facultatif)</legend>
      <div className="field">
        <label htmlFor="dispositif-q">Rechercher un dispositif</label>
        <p className="hint" id="dispositif-q-hint">
          Au moins deux lettres : nom ou mot-clé (par exemple « eau », « camping »).
        </p>
        <input id="dispositif-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} aria-describedby="dispositif-q-hint" autoComplete="off" />
      </div>
      <div aria-live="polite">
        {term.length >= 2 && results.isPending && <Loading what="des dispositifs" />}
        {results.isError && <ErrorMessage error={results.error} />}
        {results.data && results.data.items.length === 0 && <p className="empty">Aucun dispositif ne correspond à « {term} ».</p>}
      </div>
      {results.data && results.data.items.length > 0 && (
        <ul className="choices" aria-label="Dispositifs trouvés">
          {results.data.items.map((d) => (
            <li key={d.id}>
              <label className="choice">
                <input type="radio" name="dispositif" checked={value?.id === d.id} onChange={() => onChange(d)} />
                <span>
                  <strong>{d.nom}</strong> — porté par {d.direction.nom}
                  {d.direction.sigle ? ` (${d.direction.sigle})` : ''}
                  {d.historique ? ' — dispositif clos' : ''}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {value && (
        <p className="selected" aria-live="polite">
          Dispositif choisi : <strong>{value.nom}</strong>, porté par <strong>{value.direction.nom}</strong>.{' '}
          <button type="button" className="button link" onClick={() => onChange(null)}>
            Retirer
          </button>
        </p>
      )}
      <FieldError id="dispositifId-error" message={error} />
    </fieldset>
  );
}

export function NouvelleQuestionPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [dispositif, setDispositif] = useState<Dispositif | null>(null);
  const [objet, setObjet] = useState('');
  const objetCherche = useDebounced(objet.trim(), 400);
  const formRef = useRef<HTMLFormElement>(null);
  const create = useMutation({
    mutationFn: (body: Body) => unwrap(api.POST('/api/v1/questions', { body })),
    onSuccess: (question) => {
      queryClient.invalidateQueries({ queryKey: questionKeys.all });
      navigate(`/questions/${question.id}`);
    },
  });
  // Records the question, then answers it at the desk with the chosen earlier answer (recorded as reused).
  // One Idempotency-Key per attempt: a retry after a lost response records the question once.
  const [cle, setCle] = useState(() => crypto.randomUUID());
  const [creee, setCreee] = useState<{ id: string; version: number } | null>(null);
  const repondreAvec = useMutation({
    mutationFn: async ({ body, choix }: { body: Body; choix: ReponseChoisie }) => {
      const question = creee ?? (await unwrap(api.POST('/api/v1/questions', { body, headers: { 'Idempotency-Key': cle } })));
      setCreee({ id: question.id, version: question.version });
      return unwrap(
        api.POST('/api/v1/questions/{id}/repondre-localement', {
          params: { path: { id: question.id } },
          headers: { 'If-Match': `"${question.version}"` },
          body: choix,
        }),
      );
    },
    onSuccess: (question) => {
      queryClient.invalidateQueries({ queryKey: questionKeys.all });
      setCle(crypto.randomUUID());
      navigate(`/questions/${question.id}`);
    },
  });
  const problem = asProblem(create.error) ?? (creee ? null : asProblem(repondreAvec.error));
  const err = (field: string) => problem?.field(field);
  const describedBy = (field: string) => (err(field) ? `${field.replace('.', '-')}-error` : undefined);

  const bodyOf = (formElement: HTMLFormElement): Body => {
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const optional = (name: string) => text(name) || null;
    return {
      objet: text('objet'),
      description: text('description'),
      canal: text('canal') as Body['canal'],
      priorite: text('priorite') as Body['priorite'],
      ...(dispositif ? { dispositifId: dispositif.id } : {}),
      usager: {
        nom: text('usager.nom'),
        organisation: optional('usager.organisation'),
        email: optional('usager.email'),
        telephone: optional('usager.telephone'),
        // The API refuses false with a message next to the box: the consent is the usager's to give.
        consentement: (form.get('usager.consentement') === 'on') as true,
      },
    };
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(bodyOf(event.currentTarget));
  };
  const repondre = (choix: ReponseChoisie) => {
    if (formRef.current) repondreAvec.mutate({ body: bodyOf(formRef.current), choix });
  };

  const shown = ['objet', 'description', 'canal', 'priorite', 'dispositifId', 'usager'];
  return (
    <Page title="Nouvelle question">
      <form onSubmit={submit} noValidate className="form" ref={formRef}>
        {problem && (
          <div role="alert" className="alert alert-error">
            <p>
              <strong>{problem.problem.title}</strong> : {problem.message}
            </p>
            {problem.unplaced(shown).length > 0 && (
              <ul>
                {problem.unplaced(shown).map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {create.isError && !problem && <ErrorMessage error={create.error} />}
        <div className="field">
          <label htmlFor="objet">Objet</label>
          <input id="objet" name="objet" required value={objet} onChange={(e) => setObjet(e.target.value)} aria-invalid={Boolean(err('objet'))} aria-describedby={describedBy('objet')} />
          <FieldError id="objet-error" message={err('objet')} />
        </div>
        <div className="field">
          <label htmlFor="description">Description</label>
          <textarea id="description" name="description" rows={4} required aria-invalid={Boolean(err('description'))} aria-describedby={describedBy('description')} />
          <FieldError id="description-error" message={err('description')} />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="canal">Canal</label>
            <select id="canal" name="canal" defaultValue="guichet" aria-describedby={describedBy('canal')}>
              <option value="guichet">Au guichet</option>
              <option value="telephone">Au téléphone</option>
              <option value="email">Par e-mail</option>
            </select>
            <FieldError id="canal-error" message={err('canal')} />
          </div>
          <div className="field">
            <label htmlFor="priorite">Priorité</label>
            <select id="priorite" name="priorite" defaultValue="normale" aria-describedby={describedBy('priorite')}>
              <option value="normale">Normale</option>
              <option value="haute">Haute</option>
            </select>
            <FieldError id="priorite-error" message={err('priorite')} />
          </div>
        </div>
        <DispositifPicker value={dispositif} onChange={setDispositif} error={err('dispositifId')} />
        <SuggestionsPanel objet={objetCherche} dispositifId={dispositif?.id ?? null} pending={repondreAvec.isPending} onRepondre={repondre} />
        {creee && repondreAvec.isError && (
          <div role="alert" className="alert alert-error">
            <p>
              La question est enregistrée, mais la réponse au guichet a été refusée : {asProblem(repondreAvec.error)?.message ?? 'erreur inattendue'}.{' '}
              <a href={`/questions/${creee.id}`}>Ouvrir la question</a>
            </p>
          </div>
        )}
        <fieldset className="field-group">
          <legend>Usager</legend>
          <div className="field">
            <label htmlFor="usager-nom">Nom</label>
            <input id="usager-nom" name="usager.nom" required autoComplete="off" aria-invalid={Boolean(err('usager.nom'))} aria-describedby={describedBy('usager.nom')} />
            <FieldError id="usager-nom-error" message={err('usager.nom')} />
          </div>
          <div className="field">
            <label htmlFor="usager-organisation">Organisation (facultatif)</label>
            <input id="usager-organisation" name="usager.organisation" autoComplete="off" aria-describedby={describedBy('usager.organisation')} />
            <FieldError id="usager-organisation-error" message={err('usager.organisation')} />
          </div>
          <div className="field-row">
            <div className="field">
              <label htmlFor="usager-email">E-mail (facultatif)</label>
              <input id="usager-email" name="usager.email" type="email" autoComplete="off" aria-invalid={Boolean(err('usager.email'))} aria-describedby={describedBy('usager.email')} />
              <FieldError id="usager-email-error" message={err('usager.email')} />
            </div>
            <div className="field">
              <label htmlFor="usager-telephone">Téléphone (facultatif)</label>
              <input id="usager-telephone" name="usager.telephone" type="tel" autoComplete="off" aria-describedby={describedBy('usager.telephone')} />
              <FieldError id="usager-telephone-error" message={err('usager.telephone')} />
            </div>
          </div>
          <div className="field checkbox">
            <input id="usager-consentement" name="usager.consentement" type="checkbox" aria-invalid={Boolean(err('usager.consentement'))} aria-describedby={describedBy('usager.consentement')} />
            <label htmlFor="usager-consentement">L’usager accepte que ses coordonnées soient conservées et transmises au référent.</label>
            <FieldError id="usager-consentement-error" message={err('usager.consentement')} />
          </div>
        </fieldset>
        {/* Once recorded through a suggestion, the question exists: a second submit would record it twice. */}
        <button type="submit" className="button" disabled={create.isPending || creee !== null}>
          {create.isPending ? 'Enregistrement…' : 'Enregistrer la question'}
        </button>
      </form>
    </Page>
  );
}

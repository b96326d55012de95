import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { type ApiProblem, asProblem } from '../api/problem';
import { QueryGate } from '../shared/lists';
import { ErrorMessage, Loading, Page } from '../shared/page';
import { formatDateTime } from '../shared/format';
import { BriefEditor } from './BriefEditor';
import { AnnulerCommande } from './CommandeActions';
import { type BriefBody, type BriefForm, bodyOf, changesOf, emptyForm, type FieldMessages, formOf, placeMessages } from './brief-form';
import type { Commande } from './labels';
import { filKeys } from '../fil/queries';
import { commandeKeys, useCommande, useMaisons, useThemes, useVerificationBrief } from './queries';
import { focusPlace, VerificationPanel } from './VerificationPanel';

const NO_MESSAGES: FieldMessages = { refus: {}, manquants: {} };

const idempotencyKey = () => (typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

/** The field errors of a refusal, as { field, message } (problem+json `errors`). */
const refusOf = (problem: ApiProblem | null) => problem?.problem.errors ?? [];

function ProblemAlert({ problem, title }: { problem: ApiProblem; title: string }) {
  return (
    <div role="alert" className="alert alert-error">
      <p>
        <strong>{title}</strong> : {problem.message}
      </p>
      {(problem.problem.errors?.length ?? 0) > 0 && <p>Chaque point est signalé à côté de son champ.</p>}
    </div>
  );
}

/** "Nouvelle commande": the first save creates the draft (POST), then the editor follows it. */
function NouvelleCommande() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const maisons = useMaisons();
  const themes = useThemes();
  const [form, setForm] = useState<BriefForm>(emptyForm);
  const create = useMutation({
    mutationFn: (body: BriefBody) => unwrap(api.POST('/api/v1/commandes', { body, headers: { 'Idempotency-Key': idempotencyKey() } })),
    onSuccess: (commande) => {
      queryClient.setQueryData(commandeKeys.one(commande.id), commande);
      void queryClient.invalidateQueries({ queryKey: commandeKeys.all });
      navigate(`/cabinet/commandes/${commande.id}/modifier`, { replace: true });
    },
  });
  const problem = asProblem(create.error);
  const { body, livrableKeys } = bodyOf(form);
  const messages = placeMessages(form, livrableKeys, refusOf(problem), []);
  return (
    <Page title="Nouvelle commande">
      <p className="hint">Un brouillon peut être incomplet : enregistrez-le, la vérification du cahier des charges s’affiche alors à côté du formulaire.</p>
      {problem && <ProblemAlert problem={problem} title="Brouillon non enregistré" />}
      {create.isError && !problem && <ErrorMessage error={create.error} />}
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate(body);
        }}
      >
        <BriefEditor form={form} onChange={setForm} messages={messages} maisons={maisons.data?.items} themes={themes.data?.items} />
        <div className="buttons">
          <button type="submit" className="button" disabled={create.isPending}>
            {create.isPending ? 'Enregistrement…' : 'Enregistrer le brouillon'}
          </button>
        </div>
      </form>
    </Page>
  );
}

type SaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; at: string }
  | { status: 'error'; problem: ApiProblem | null; error: unknown }
  | { status: 'conflict' }
  | { status: 'plus-brouillon' };

/**
 * A draft's editor: each change is saved after a short pause (PATCH of the changed fields,
 * If-Match the version read), then the API's check is read again, so what is missing shows
 * next to its field as the adviser types. "Émettre" is refused while anything is missing.
 */
function EditerCommande({ id }: { id: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const commande = useCommande(id);
  const maisons = useMaisons();
  const themes = useThemes();
  const estBrouillon = commande.data?.statut === 'brouillon';
  const verification = useVerificationBrief(id, estBrouillon);

  const [form, setForm] = useState<BriefForm | null>(null);
  const formRef = useRef(form);
  formRef.current = form;
  /** What the API holds: its version (the If-Match) and its brief as this editor would send it. */
  const saved = useRef<{ version: number; body: BriefBody } | null>(null);
  /** The deliverable rows in the API's order (its field names say livrables[i]). */
  const [livrableKeys, setLivrableKeys] = useState<string[]>([]);
  const [state, setState] = useState<SaveState>({ status: 'idle' });
  const inflight = useRef<Promise<boolean> | null>(null);
  /** The changes last refused: not sent again until the adviser changes something. */
  const refused = useRef<string | null>(null);
  const [tentative, setTentative] = useState(false);

  const load = (c: Commande) => {
    const next = formOf(c);
    const { body, livrableKeys: keys } = bodyOf(next);
    saved.current = { version: c.version, body };
    setLivrableKeys(keys);
    setForm(next);
  };

  useEffect(() => {
    if (commande.data && estBrouillon && form === null) load(commande.data);
  }, [commande.data, estBrouillon, form]);

  const changes = form && saved.current ? changesOf(bodyOf(form).body, saved.current.body) : {};
  const dirty = Object.keys(changes).length > 0;

  const afterSave = () => {
    void queryClient.invalidateQueries({ queryKey: commandeKeys.verification(id) });
    void queryClient.invalidateQueries({ queryKey: ['commandes', 'cabinet'] });
    void queryClient.invalidateQueries({ queryKey: filKeys.fil('commandes', id) });
  };

  /** Saves what changed; resolves true when the API holds the form as it was when called. */
  const save = async (): Promise<boolean> => {
    if (inflight.current) await inflight.current;
    const current = formRef.current;
    if (!current || !saved.current) return false;
    const { body, livrableKeys: keys } = bodyOf(current);
    const patch = changesOf(body, saved.current.body);
    if (Object.keys(patch).length === 0) return true;
    const run = (async () => {
      setState({ status: 'saving' });
      try {
        const updated = await unwrap(
          api.PATCH('/api/v1/commandes/{id}', { params: { path: { id }, header: { 'If-Match': `"${saved.current!.version}"` } }, body: patch }),
        );
        // The rows just sent now have their ids: a later save edits them instead of adding them again.
        const ids = new Map(keys.map((key, i) => [key, updated.livrables[i]?.id]));
        setForm((f) => f && { ...f, livrables: f.livrables.map((l) => (ids.get(l.key) ? { ...l, id: ids.get(l.key) } : l)) });
        saved.current = { version: updated.version, body: bodyOf(formOf(updated)).body };
        setLivrableKeys(keys);
        refused.current = null;
        queryClient.setQueryData(commandeKeys.one(id), updated);
        setState({ status: 'saved', at: new Date().toISOString() });
        afterSave();
        return true;
      } catch (error) {
        const problem = asProblem(error);
        if (problem?.status === 412) {
          // Modified elsewhere: show the version the API holds now.
          const fresh = await commande.refetch();
          if (fresh.data?.statut === 'brouillon') load(fresh.data);
          afterSave();
          setState({ status: 'conflict' });
        } else if (problem?.status === 409) {
          await commande.refetch();
          setState({ status: 'plus-brouillon' });
        } else {
          refused.current = JSON.stringify(patch);
          setState({ status: 'error', problem, error });
        }
        return false;
      }
    })();
    inflight.current = run;
    try {
      return await run;
    } finally {
      inflight.current = null;
    }
  };

  // Autosave: a short pause after the last change, unless these very changes were just refused.
  useEffect(() => {
    if (!dirty || state.status === 'saving' || refused.current === JSON.stringify(changes)) return;
    const timer = setTimeout(() => void save(), 800);
    return () => clearTimeout(timer);
  });

  const emettre = useMutation({
    mutationFn: async () => {
      if (!(await save())) throw new Error('enregistrement');
      return unwrap(api.POST('/api/v1/commandes/{id}/emettre', { params: { path: { id } }, headers: { 'If-Match': `"${saved.current!.version}"` } }));
    },
    onSuccess: (issued) => {
      queryClient.setQueryData(commandeKeys.one(id), issued);
      void queryClient.invalidateQueries({ queryKey: commandeKeys.all });
      navigate(`/cabinet/commandes/${id}`);
    },
    onError: async (error) => {
      const problem = asProblem(error);
      if (problem?.status === 412) {
        const fresh = await commande.refetch();
        if (fresh.data?.statut === 'brouillon') load(fresh.data);
        setState({ status: 'conflict' });
      }
      afterSave();
    },
  });

  if (commande.isPending || commande.isError) return <QueryGate query={commande} title="Commande" what="de la commande" />;
  const c = commande.data;
  if (!estBrouillon || state.status === 'plus-brouillon') {
    return (
      <Page title={`Commande ${c.reference}`}>
        <div role="alert" className="alert alert-error">
          <p>Cette commande n’est plus un brouillon : son cahier des charges ne peut plus être modifié.</p>
        </div>
        <p>
          <Link to={`/cabinet/commandes/${id}`}>Voir le suivi de la commande {c.reference}</Link>
        </p>
      </Page>
    );
  }
  if (!form) return <Page title={`Brouillon ${c.reference}`}><Loading what="du brouillon" /></Page>;

  const emettreProblem = asProblem(emettre.error);
  const saveProblem = state.status === 'error' ? state.problem : null;
  const refus = [...refusOf(emettreProblem?.status === 422 ? emettreProblem : null), ...refusOf(saveProblem)];
  const messages = placeMessages(form, livrableKeys, refus, verification.data?.erreurs ?? []);
  const peutModifier = c.actions.includes('modifier');
  const complet = verification.data?.complet === true && !verification.isFetching;
  const emettable = complet && !dirty && state.status !== 'saving' && c.actions.includes('emettre');
  const explication = emettable
    ? 'Le cahier des charges est complet : chaque Maison choisie recevra la commande.'
    : dirty || state.status === 'saving'
      ? 'Enregistrement des dernières modifications, puis nouvelle vérification…'
      : !verification.data || verification.isFetching
        ? 'Vérification du cahier des charges en cours…'
        : `Impossible d’émettre : ${verification.data.erreurs.length} élément${verification.data.erreurs.length > 1 ? 's' : ''} du cahier des charges ${verification.data.erreurs.length > 1 ? 'sont' : 'est'} à compléter (signalé${verification.data.erreurs.length > 1 ? 's' : ''} à côté de chaque champ).`;

  const onEmettre = () => {
    if (!emettable) {
      setTentative(true);
      const first = Object.keys(messages.refus)[0] ?? Object.keys(messages.manquants)[0];
      if (first) focusPlace(first);
      return;
    }
    setTentative(false);
    emettre.mutate();
  };

  return (
    <Page title={`Brouillon ${c.reference}`}>
      <p className="commande-status" aria-live="polite">
        <span>{c.titre ?? 'Sans titre'}</span>
        <span className="save-state">
          {state.status === 'saving' && 'Enregistrement…'}
          {state.status === 'saved' && !dirty && `Brouillon enregistré (${formatDateTime(state.at)}).`}
          {state.status !== 'saving' && dirty && 'Modifications non enregistrées.'}
          {state.status === 'idle' && !dirty && `Dernière modification : ${formatDateTime(c.updatedAt)}.`}
        </span>
      </p>
      {state.status === 'conflict' && (
        <div role="alert" className="alert alert-error">
          <p>
            <strong>Modifiée ailleurs</strong> : ce brouillon a été modifié entre-temps (par un collègue ou dans un autre onglet). La version à jour est affichée ;
            vos dernières modifications n’ont pas été enregistrées : reprenez-les si besoin.
          </p>
        </div>
      )}
      {state.status === 'error' && saveProblem && <ProblemAlert problem={saveProblem} title="Modification refusée" />}
      {state.status === 'error' && !saveProblem && <ErrorMessage error={state.error} retry={() => void save()} />}
      {emettreProblem && emettreProblem.status !== 412 && <ProblemAlert problem={emettreProblem} title="Commande non émise" />}
      {tentative && !emettable && (
        <div role="alert" className="alert alert-error">
          <p>
            <strong>Commande non émise</strong> : {explication}
          </p>
        </div>
      )}
      <div className="editor-grid">
        <form
          className="form"
          noValidate
          aria-label="Cahier des charges"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <BriefEditor form={form} onChange={setForm} messages={messages} maisons={maisons.data?.items} themes={themes.data?.items} disabled={!peutModifier} />
          <div className="buttons">
            <button type="submit" className="button secondary" disabled={!dirty || state.status === 'saving'}>
              Enregistrer le brouillon
            </button>
          </div>
        </form>
        <div className="editor-side">
          <VerificationPanel verification={verification.data} pending={verification.isPending} form={form} livrableKeys={livrableKeys} />
          {verification.isError && <ErrorMessage error={verification.error} retry={() => verification.refetch()} />}
          {c.actions.includes('modifier') && (
            <div className="card cab-emettre">
              <button type="button" className="button" aria-disabled={!emettable} aria-describedby="emettre-explication" onClick={onEmettre} disabled={emettre.isPending}>
                {emettre.isPending ? 'Émission…' : 'Émettre la commande'}
              </button>
              <p id="emettre-explication" className="hint">
                {explication}
              </p>
            </div>
          )}
          {c.actions.includes('annuler') && (
            <div className="card">
              <AnnulerCommande commande={c} label="Abandonner le brouillon" />
            </div>
          )}
        </div>
      </div>
    </Page>
  );
}

export function CommandeEditeurPage() {
  const { id } = useParams();
  return id ? <EditerCommande key={id} id={id} /> : <NouvelleCommande />;
}

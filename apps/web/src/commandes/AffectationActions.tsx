import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { ProblemAlert, TextActionForm } from '../shared/TextActionForm';
import { AvancementForm, type AvancementValues, LivrablesListe } from './AvancementForm';
import type { Affectation, AffectationAction, AffectationAvecCommande } from './labels';
import { LivraisonForm, type LivraisonValues } from './LivraisonForm';
import { commandeKeys } from './queries';

type Body = { question: string } | AvancementValues | LivraisonValues | null;

/** Every Maison action, sent with the affectation's version: refused (412) if it changed meanwhile. */
function perform(affectation: Affectation, action: AffectationAction, body: Body): Promise<AffectationAvecCommande> {
  const params = { path: { id: affectation.id } };
  const headers = { 'If-Match': `"${affectation.version}"` };
  switch (action) {
    case 'accuser_reception':
      return unwrap(api.POST('/api/v1/affectations/{id}/accuser-reception', { params, headers }));
    case 'demander_clarification':
      return unwrap(api.POST('/api/v1/affectations/{id}/demander-clarification', { params, headers, body: body as { question: string } }));
    case 'signaler_avancement':
      return unwrap(api.POST('/api/v1/affectations/{id}/avancement', { params, headers, body: body as AvancementValues }));
    case 'livrer':
      return unwrap(api.POST('/api/v1/affectations/{id}/livrer', { params, headers, body: body as LivraisonValues }));
    default:
      throw new Error(`action ${action} non prise en charge par cet écran`);
  }
}

/** One action's mutation: on success the page shows the new affectation, and lists, fil and roll-up refetch. */
function useAffectationAction(affectation: Affectation, action: AffectationAction, onDone?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Body) => perform(affectation, action, body),
    onSuccess: (updated) => {
      queryClient.setQueryData(commandeKeys.affectation(affectation.id), updated);
      onDone?.();
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: commandeKeys.all }),
  });
}

function AccuserReception({ affectation }: { affectation: Affectation }) {
  const mutation = useAffectationAction(affectation, 'accuser_reception');
  const problem = asProblem(mutation.error);
  return (
    <div className="action">
      <button type="button" className="button" disabled={mutation.isPending} onClick={() => mutation.mutate(null)}>
        Accuser réception
      </button>
      <ProblemAlert problem={problem} />
    </div>
  );
}

function DemanderClarification({ affectation }: { affectation: Affectation }) {
  const [open, setOpen] = useState(false);
  const mutation = useAffectationAction(affectation, 'demander_clarification', () => setOpen(false));
  const problem = asProblem(mutation.error);
  if (!open) {
    return (
      <div className="action">
        <button type="button" className="button secondary" aria-expanded={false} aria-controls="action-clarification" onClick={() => setOpen(true)}>
          Demander une clarification…
        </button>
      </div>
    );
  }
  return (
    <TextActionForm
      id="action-clarification"
      className="action action-form"
      label="Demander une clarification"
      fieldId="clarification-question"
      errorId="clarification-question-erreur"
      name="question"
      fieldLabel="Votre question à l’émetteur"
      problemField="question"
      required
      autoFocus
      problem={problem}
      pending={mutation.isPending}
      submitLabel="Envoyer la question"
      onCancel={() => setOpen(false)}
      onSubmit={(question) => mutation.mutate({ question })}
    />
  );
}

function Livrer({ affectation }: { affectation: Affectation }) {
  const [open, setOpen] = useState(false);
  const mutation = useAffectationAction(affectation, 'livrer', () => setOpen(false));
  const relivraison = affectation.statut === 'renvoyee';
  const label = relivraison ? 'Livrer à nouveau' : 'Livrer';
  if (!open) {
    return (
      <div className="action">
        <button type="button" className="button" aria-expanded={false} aria-controls="action-livrer" onClick={() => setOpen(true)}>
          {label}…
        </button>
      </div>
    );
  }
  return (
    <LivraisonForm
      pending={mutation.isPending}
      problem={asProblem(mutation.error)}
      relivraison={relivraison}
      onSubmit={(values) => mutation.mutate(values)}
      onCancel={() => setOpen(false)}
    />
  );
}

/** Accuser réception, demander une clarification, livrer: only those the affectation's `actions` allow now. */
export function AffectationActions({ affectation }: { affectation: Affectation }) {
  const allowed = (a: AffectationAction) => affectation.actions.includes(a);
  const any = allowed('accuser_reception') || allowed('demander_clarification') || allowed('livrer');
  return (
    <section aria-labelledby="actions-titre" className="actions">
      <h2 id="actions-titre">Actions</h2>
      {!any && (
        <p className="empty">
          {affectation.actions.includes('signaler_avancement')
            ? 'Signalez l’avancement ci-dessous.'
            : 'Aucune action possible pour vous sur cette commande maintenant.'}
        </p>
      )}
      {allowed('accuser_reception') && <AccuserReception affectation={affectation} />}
      {allowed('livrer') && <Livrer affectation={affectation} />}
      {allowed('demander_clarification') && <DemanderClarification affectation={affectation} />}
    </section>
  );
}

/** The deliverables to tick and the progress to report, or the list as it stands when no report is possible now. */
export function AvancementSection({ affectation, echeanceCommande }: { affectation: Affectation; echeanceCommande: string | null }) {
  const mutation = useAffectationAction(affectation, 'signaler_avancement');
  const peut = affectation.actions.includes('signaler_avancement');
  return (
    <section aria-labelledby="avancement-titre" className="card">
      <h2 id="avancement-titre">Livrables et avancement</h2>
      <p className="progress-line">
        Avancement de votre Maison : <strong>{affectation.pourcentage} %</strong>
        <progress value={affectation.pourcentage} max={100} aria-hidden="true" />
      </p>
      {peut ? (
        <>
          <AvancementForm
            key={affectation.version}
            affectation={affectation}
            echeanceCommande={echeanceCommande}
            pending={mutation.isPending}
            problem={asProblem(mutation.error)}
            onSubmit={(values) => mutation.mutate(values)}
          />
          {mutation.isSuccess && (
            <p role="status" className="success-message">
              Avancement enregistré.
            </p>
          )}
        </>
      ) : (
        <>
          <LivrablesListe affectation={affectation} echeanceCommande={echeanceCommande} />
          {affectation.statut === 'envoyee' && <p className="hint">Accusez réception de la commande pour signaler son avancement.</p>}
        </>
      )}
    </section>
  );
}

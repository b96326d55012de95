import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { Badge } from '../shared/page';
import { ProblemAlert, TextActionForm } from '../shared/TextActionForm';
import { formatDateTime } from '../shared/format';
import { type Affectation, AFFECTATION_STATUT_LIBELLE, AFFECTATION_STATUT_TONE, formatDate, pluriel } from './labels';
import { commandeKeys } from './queries';
import type { Clarification } from '../fil/clarifications';

type Action = Affectation['actions'][number];

function useAffectationAction(affectation: Affectation) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, text }: { action: Action; text: string }) => {
      const params = { path: { id: affectation.id } };
      // The assignment's version: refused (412) if the Maison moved it meanwhile.
      const headers = { 'If-Match': `"${affectation.version}"` };
      switch (action) {
        case 'clarifier':
          return unwrap(api.POST('/api/v1/affectations/{id}/clarifier', { params, headers, body: { reponse: text } }));
        case 'valider':
          return unwrap(api.POST('/api/v1/affectations/{id}/valider', { params, headers }));
        case 'renvoyer':
          return unwrap(api.POST('/api/v1/affectations/{id}/renvoyer', { params, headers, body: { motif: text } }));
        case 'annuler':
          return unwrap(api.POST('/api/v1/affectations/{id}/annuler', { params, headers, body: { motif: text } }));
        default:
          throw new Error(`action ${action} non prise en charge par cet écran`);
      }
    },
    // The roll-up, the list and the fil are the API's: read them again after each action.
    onSettled: () => queryClient.invalidateQueries({ queryKey: commandeKeys.all }),
  });
}

/** An action with one text (the answer, the motif): its refusal is shown next to the text. */
function TexteAction({ affectation, action, label, fieldLabel, field, primary }: { affectation: Affectation; action: Action; label: string; fieldLabel: string; field: 'reponse' | 'motif'; primary?: boolean }) {
  const [open, setOpen] = useState(action === 'clarifier');
  const mutation = useAffectationAction(affectation);
  const problem = asProblem(mutation.error);
  const id = `${action}-${affectation.id}`;
  if (!open) {
    return (
      <button type="button" className={`button${primary ? '' : ' secondary'}`} aria-expanded={false} onClick={() => setOpen(true)}>
        {label}…
      </button>
    );
  }
  const buttonClass = `button${primary ? '' : ' secondary'}`;
  return (
    <TextActionForm
      label={`${label} (${affectation.maison.nom})`}
      fieldId={`${id}-texte`}
      errorId={`${id}-erreur`}
      name="texte"
      fieldLabel={fieldLabel}
      problemField={field}
      problem={problem}
      pending={mutation.isPending}
      submitLabel={label}
      submitClassName={buttonClass}
      cancelLabel="Fermer"
      onCancel={action !== 'clarifier' ? () => setOpen(false) : undefined}
      onSubmit={(text) => mutation.mutate({ action, text }, { onSuccess: () => setOpen(action === 'clarifier') })}
    />
  );
}

function Valider({ affectation }: { affectation: Affectation }) {
  const mutation = useAffectationAction(affectation);
  const problem = asProblem(mutation.error);
  return (
    <>
      <button type="button" className="button" disabled={mutation.isPending} onClick={() => mutation.mutate({ action: 'valider', text: '' })}>
        Valider la livraison
      </button>
      <ProblemAlert problem={problem} />
    </>
  );
}

/** One Maison's share: its state, progress, deliverables, pending question, delivery, and the issuer's actions allowed now. */
export function AffectationPanel({ affectation: a, question }: { affectation: Affectation; question: Clarification | null }) {
  const nom = a.maison.nom;
  const headingId = `affectation-${a.id}-titre`;
  return (
    <section id={`affectation-${a.id}`} aria-labelledby={headingId} className="card cab-affectation" tabIndex={-1}>
      <h3 id={headingId}>
        {nom} <Badge tone={AFFECTATION_STATUT_TONE[a.statut]}>{AFFECTATION_STATUT_LIBELLE[a.statut]}</Badge>
        {a.enRetard && <Badge tone="danger">En retard de {pluriel(a.joursDeRetard, 'jour ouvré', 'jours ouvrés')}</Badge>}
      </h3>
      <p>
        Avancement : <strong>{a.pourcentage} %</strong>
        {a.accuseeAt && <> · accusé de réception le {formatDateTime(a.accuseeAt)}</>}
        {a.livreeAt && <> · livrée le {formatDateTime(a.livreeAt)}</>}
        {a.valideeAt && <> · validée le {formatDateTime(a.valideeAt)}</>}
      </p>
      {a.livrables.length > 0 && (
        <ul className="cab-livrables">
          {a.livrables.map((l) => (
            <li key={l.id}>
              {l.fait ? <Badge tone="success">fait</Badge> : l.enRetard ? <Badge tone="danger">en retard</Badge> : <Badge tone="neutral">à faire</Badge>} {l.libelle}
              {l.echeance && <> (pour le {formatDate(l.echeance)})</>}
            </li>
          ))}
        </ul>
      )}
      {a.statut === 'clarification_demandee' && (
        <div className="cab-clarification">
          <h4>Question de la Maison</h4>
          {question ? (
            <>
              <blockquote className="event-detail">{question.question}</blockquote>
              <p className="hint">
                {question.demandeePar ? `${question.demandeePar}, ` : ''}le {formatDateTime(question.demandeeAt)}
              </p>
            </>
          ) : (
            <p className="hint">La question figure dans le fil de la commande.</p>
          )}
        </div>
      )}
      {a.livraison && (a.statut === 'livree' || a.statut === 'validee') && (
        <div className="cab-livraison">
          <h4>Livraison</h4>
          {a.livraison.note && <blockquote className="event-detail">{a.livraison.note}</blockquote>}
          {a.livraison.liens.length > 0 && (
            <ul>
              {a.livraison.liens.map((lien) => (
                <li key={lien}>
                  <a href={lien} rel="noreferrer noopener" target="_blank">
                    {lien}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {a.motifRenvoi && (
        <p>
          <strong>Motif du renvoi :</strong> {a.motifRenvoi}
        </p>
      )}
      {a.actions.some((x) => x === 'clarifier' || x === 'valider' || x === 'renvoyer' || x === 'annuler') && (
        <div className="cab-affectation-actions">
          {a.actions.includes('clarifier') && (
            <TexteAction affectation={a} action="clarifier" label="Envoyer la réponse" fieldLabel={`Votre réponse à ${nom}`} field="reponse" primary />
          )}
          {a.actions.includes('valider') && <Valider affectation={a} />}
          {a.actions.includes('renvoyer') && (
            <TexteAction affectation={a} action="renvoyer" label="Renvoyer la livraison" fieldLabel={`Motif du renvoi à ${nom}`} field="motif" />
          )}
          {a.actions.includes('annuler') && (
            <TexteAction affectation={a} action="annuler" label="Retirer la Maison" fieldLabel={`Motif du retrait de ${nom}`} field="motif" />
          )}
        </div>
      )}
    </section>
  );
}

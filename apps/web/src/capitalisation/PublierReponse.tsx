import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import type { Question } from '../questions/labels';
import { questionKeys } from '../questions/queries';
import { FieldError } from '../shared/page';
import { ProblemAlert, TextareaField } from '../shared/TextActionForm';
import { capitalisationKeys, DIFFUSION_LIBELLE, type ReponsePubliee } from './queries';

/**
 * "Publier dans L'info pour tous": the référent who answered (or the Maison once closed)
 * publishes the answer for the next agent, the question reworded without the usager's personal
 * data. Shown only when the question says it may be published now (`publicationPossible`).
 */
export function PublierReponse({ question }: { question: Question }) {
  const queryClient = useQueryClient();
  const [ouvert, setOuvert] = useState(false);
  const [publiee, setPubliee] = useState<ReponsePubliee | null>(null);
  const publier = useMutation({
    mutationFn: (body: { question: string; reponse: string; diffusion: 'interne' | 'externe' }) =>
      unwrap(api.POST('/api/v1/questions/{id}/publier', { params: { path: { id: question.id } }, body })),
    onSuccess: (r) => {
      setPubliee(r);
      setOuvert(false);
      queryClient.invalidateQueries({ queryKey: capitalisationKeys.all });
      queryClient.invalidateQueries({ queryKey: questionKeys.one(question.id) });
    },
  });
  if (!question.publicationPossible && !publiee) return null;
  const problem = asProblem(publier.error);
  const err = (field: string) => problem?.field(field);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    publier.mutate({
      question: String(form.get('question') ?? '').trim(),
      reponse: String(form.get('reponse') ?? '').trim(),
      diffusion: form.get('diffusion') === 'externe' ? 'externe' : 'interne',
    });
  };
  return (
    <section aria-labelledby="publier-titre" className="card">
      <h2 id="publier-titre">L’info pour tous</h2>
      {publiee && (
        <p role="status">
          Réponse publiée ({DIFFUSION_LIBELLE[publiee.diffusion].toLowerCase()}).{' '}
          {publiee.dispositif && <Link to={`/dispositifs/${publiee.dispositif.id}#reponse-${publiee.id}`}>Voir sur la page du dispositif</Link>}
        </p>
      )}
      {!ouvert && !publiee && question.publicationPossible && (
        <button type="button" className="button secondary" onClick={() => setOuvert(true)}>
          Publier dans L’info pour tous
        </button>
      )}
      {ouvert && (
        <form onSubmit={submit} noValidate className="action-form" aria-label="Publier dans L’info pour tous">
          <p className="hint" id="publier-aide">
            La prochaine Maison qui reçoit la même question trouvera cette réponse avant d’escalader. Reformulez la question sans le nom, l’e-mail ni le téléphone de l’usager.
          </p>
          <TextareaField id="publier-question" errorId="publier-question-error" name="question" label="Question reformulée" defaultValue={question.objet} required maxLength={300} error={err('question')} aria-describedby="publier-aide" />
          <TextareaField id="publier-reponse" errorId="publier-reponse-error" name="reponse" label="Réponse" rows={5} defaultValue={question.reponse ?? ''} required error={err('reponse')} />
          <fieldset className="field-group">
            <legend>Diffusion</legend>
            <label className="choice">
              <input type="radio" name="diffusion" value="interne" defaultChecked /> {DIFFUSION_LIBELLE.interne}
            </label>
            <label className="choice">
              <input type="radio" name="diffusion" value="externe" /> {DIFFUSION_LIBELLE.externe}
            </label>
            <FieldError id="publier-diffusion-error" message={err('diffusion')} />
          </fieldset>
          {question.dispositif && <p className="hint">Dispositif : {question.dispositif.nom}</p>}
          <ProblemAlert problem={problem} shownByField={Boolean(err('question') || err('reponse') || err('diffusion'))} />
          <div className="buttons">
            <button type="submit" className="button" disabled={publier.isPending}>
              Publier
            </button>
            <button type="button" className="button secondary" onClick={() => setOuvert(false)}>
              Annuler
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

import { useState, type ReactNode } from 'react';
import { Badge, ErrorMessage } from '../shared/page';
import { formatDateTime } from '../shared/format';
import { DIFFUSION_LIBELLE, type SuggestionQuestion, type SuggestionReponse, useSuggestions } from './queries';

/** The earlier answer the agent chose to give at the desk, as they edited it. */
export interface ReponseChoisie {
  reponse: string;
  reponsePublieeId?: string;
  questionSourceId?: string;
}

interface Props {
  /** The objet as typed, debounced. */
  objet: string;
  dispositifId: string | null;
  pending: boolean;
  onRepondre: (choix: ReponseChoisie) => void;
}

/** One suggestion, folded: its question, unfolded: the answer (editable) and the button that answers at the desk with it. */
function Suggestion({ id, titre, meta, reponse, pending, onRepondre }: { id: string; titre: string; meta: ReactNode; reponse: string; pending: boolean; onRepondre: (texte: string) => void }) {
  const [texte, setTexte] = useState(reponse);
  return (
    <li>
      <details className="suggestion">
        <summary>{titre}</summary>
        <div className="suggestion-detail">
          {meta}
          <div className="field">
            <label htmlFor={`${id}-reponse`}>Réponse à donner (modifiable)</label>
            <textarea id={`${id}-reponse`} rows={4} value={texte} onChange={(e) => setTexte(e.target.value)} />
          </div>
          <button type="button" className="button" disabled={pending || texte.trim() === ''} onClick={() => onRepondre(texte.trim())}>
            Répondre au guichet avec cette réponse
          </button>
        </div>
      </details>
    </li>
  );
}

/**
 * "Réponses déjà publiées" and "Questions similaires déjà traitées" for the objet being typed,
 * before escalating: the agent may answer at the desk with one of them (edited if need be).
 */
export function SuggestionsPanel({ objet, dispositifId, pending, onRepondre }: Props) {
  const suggestions = useSuggestions(objet, dispositifId);
  if (objet.length < 3) return null;
  const data = suggestions.data;
  const reponses: SuggestionReponse[] = data?.reponsesPubliees ?? [];
  const questions: SuggestionQuestion[] = data?.questions ?? [];
  return (
    <section aria-labelledby="suggestions-titre" className="card suggestions">
      <h2 id="suggestions-titre">Avant d’escalader : déjà répondu ?</h2>
      <p className="hint">« Répondre au guichet » enregistre la question avec ce formulaire (usager compris), puis la répond sur place avec la réponse choisie.</p>
      {suggestions.isError && <ErrorMessage error={suggestions.error} />}
      <div aria-live="polite">
        {data && reponses.length === 0 && questions.length === 0 && <p className="empty">Aucune réponse semblable pour « {objet} ».</p>}
      </div>
      {reponses.length > 0 && (
        <>
          <h3>Réponses déjà publiées</h3>
          <ul className="suggestion-list" aria-label="Réponses déjà publiées">
            {reponses.map((r) => (
              <Suggestion
                key={r.id}
                id={`suggestion-${r.id}`}
                titre={r.question}
                reponse={r.reponse}
                pending={pending}
                onRepondre={(reponse) => onRepondre({ reponse, reponsePublieeId: r.id })}
                meta={
                  <p className="hint">
                    <Badge tone={r.diffusion === 'externe' ? 'success' : 'neutral'}>{DIFFUSION_LIBELLE[r.diffusion]}</Badge>
                    {r.dispositif ? ` — ${r.dispositif.nom}` : ''}
                    {r.reutilisations > 0 ? ` — déjà réutilisée ${r.reutilisations} fois` : ''}
                  </p>
                }
              />
            ))}
          </ul>
        </>
      )}
      {questions.length > 0 && (
        <>
          <h3>Questions similaires déjà traitées</h3>
          <ul className="suggestion-list" aria-label="Questions similaires déjà traitées">
            {questions.map((q) => (
              <Suggestion
                key={q.id}
                id={`suggestion-${q.id}`}
                titre={q.objet}
                reponse={q.reponse}
                pending={pending}
                onRepondre={(reponse) => onRepondre({ reponse, questionSourceId: q.id })}
                meta={
                  <p className="hint">
                    {q.reference ? (
                      <a href={`/questions/${q.id}`} target="_blank" rel="noreferrer">
                        {q.reference}
                      </a>
                    ) : (
                      'Question d’une autre Maison'
                    )}
                    {q.dispositif ? ` — ${q.dispositif.nom}` : ''} — traitée le {formatDateTime(q.reponduLe)}. Réponse donnée à un autre usager : vérifiez qu’elle vaut pour celui-ci.
                  </p>
                }
              />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

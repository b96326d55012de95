import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { type Me, useSession } from '../auth/session';
import { ErrorMessage, FieldError } from '../shared/page';
import type { TicketKind } from './queries';

export type Visibilite = 'partage' | 'interne';
interface Body {
  texte: string;
  visibilite: Visibilite;
}

/** Who reads an internal note: the author's unit (libs/timeline unitesOf), in words. */
export function uniteLibelle(user: Pick<Me, 'role' | 'perimetre'> | null | undefined): string {
  if (!user) return 'votre unité';
  if (user.perimetre === 'maison') return 'votre Maison';
  if (user.perimetre === 'direction') return 'votre direction';
  if (user.role === 'cabinet') return 'le Cabinet';
  return 'la coordination du réseau';
}

/** "de votre Maison", "du Cabinet", "de la coordination du réseau". */
export function deUnite(unite: string): string {
  return unite.startsWith('le ') ? `du ${unite.slice(3)}` : `de ${unite}`;
}

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

function post(kind: TicketKind, id: string, body: Body, key: string): Promise<unknown> {
  const options = { params: { path: { id } }, headers: { 'Idempotency-Key': key }, body };
  return kind === 'questions' ? unwrap(api.POST('/api/v1/questions/{id}/messages', options)) : unwrap(api.POST('/api/v1/commandes/{id}/messages', options));
}

/**
 * Writes on a ticket's fil (POST /{kind}/{id}/messages): a message every participant reads, or
 * an internal note only the author's unit reads. The API's refusals sit next to their field.
 */
export function MessageForm({ kind, id }: { kind: TicketKind; id: string }) {
  const queryClient = useQueryClient();
  const user = useSession()?.user;
  const uid = useId();
  const [texte, setTexte] = useState('');
  const [visibilite, setVisibilite] = useState<Visibilite>('partage');
  const [envoye, setEnvoye] = useState<Visibilite | null>(null);
  // The same body sent again after a failure reuses its Idempotency-Key: never written twice.
  const attempt = useRef<{ body: string; key: string } | null>(null);
  const mutation = useMutation({
    mutationFn: (body: Body) => {
      const serialized = JSON.stringify(body);
      if (attempt.current?.body !== serialized) attempt.current = { body: serialized, key: newKey() };
      return post(kind, id, body, attempt.current.key);
    },
    onSuccess: (_, body) => {
      attempt.current = null;
      setTexte('');
      setEnvoye(body.visibilite);
    },
    // The ticket (its version), its lists, its fil and verification come back fresh.
    onSettled: () => queryClient.invalidateQueries({ queryKey: [kind] }),
  });
  const problem = asProblem(mutation.error);
  const texteError = problem?.field('texte');
  const visibiliteError = problem?.field('visibilite');
  const unplaced = problem?.unplaced(['texte', 'visibilite']) ?? [];
  const unite = uniteLibelle(user);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setEnvoye(null);
    mutation.mutate({ texte: texte.trim(), visibilite });
  };
  const ids = { texte: `${uid}-texte`, texteError: `${uid}-texte-erreur`, visibiliteError: `${uid}-visibilite-erreur`, titre: `${uid}-titre` };

  return (
    <section aria-labelledby={ids.titre} className="card message-form">
      <h2 id={ids.titre}>Écrire sur le fil</h2>
      <form onSubmit={submit} noValidate className="form">
        {problem && !texteError && !visibiliteError && (
          <div role="alert" className="alert alert-error">
            <p>
              <strong>{problem.problem.title}</strong> : {problem.message}
            </p>
            {unplaced.length > 0 && (
              <ul>
                {unplaced.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {mutation.isError && !problem && <ErrorMessage error={mutation.error} />}
        <fieldset className="field-group visibilite" aria-describedby={visibiliteError ? ids.visibiliteError : undefined}>
          <legend>Qui le lira ?</legend>
          <label className="choice">
            <input type="radio" name="visibilite" value="partage" checked={visibilite === 'partage'} onChange={() => setVisibilite('partage')} />
            <span>
              <strong>Message partagé</strong> : tous les participants ({kind === 'questions' ? 'la Maison et le siège' : 'l’émetteur et les Maisons destinataires'})
            </span>
          </label>
          <label className="choice">
            <input type="radio" name="visibilite" value="interne" checked={visibilite === 'interne'} onChange={() => setVisibilite('interne')} />
            <span>
              <strong>Note interne</strong> : {unite} seulement
            </span>
          </label>
          <FieldError id={ids.visibiliteError} message={visibiliteError} />
        </fieldset>
        <div className="field">
          <label htmlFor={ids.texte}>{visibilite === 'interne' ? 'Texte de la note interne' : 'Texte du message'}</label>
          <textarea
            id={ids.texte}
            name="texte"
            rows={3}
            value={texte}
            onChange={(e) => {
              setTexte(e.target.value);
              setEnvoye(null);
            }}
            aria-invalid={Boolean(texteError)}
            aria-describedby={texteError ? ids.texteError : undefined}
          />
          <FieldError id={ids.texteError} message={texteError} />
        </div>
        <div className="buttons">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? 'Envoi…' : visibilite === 'interne' ? 'Enregistrer la note interne' : 'Publier le message'}
          </button>
        </div>
        <p role="status" className="confirmation">
          {envoye === 'interne' ? `Note interne enregistrée, visible ${deUnite(unite)} seulement.` : envoye === 'partage' ? 'Message publié sur le fil.' : ''}
        </p>
      </form>
    </section>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { asProblem } from '../../api/problem';
import { ErrorMessage, FieldError } from '../../shared/page';
import { TYPES_PAR_GROUPE, webhookKeys, type WebhookCree } from './webhooks';

const CHAMPS = ['url', 'description', 'types'];

/**
 * Registers an endpoint (POST /webhooks). Its signing secret comes back once: it is shown with a
 * copy button and a warning that it will not be shown again.
 */
export function WebhookForm() {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [copie, setCopie] = useState<'ok' | 'impossible' | null>(null);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/webhooks', { body: { url: url.trim(), description: description.trim() || null, types: types as never } })),
    onSuccess: () => {
      setUrl('');
      setDescription('');
      setTypes([]);
      setCopie(null);
      queryClient.invalidateQueries({ queryKey: webhookKeys.all });
    },
  });
  const problem = asProblem(create.error);
  const err = (field: string) => problem?.field(field);
  const cree: WebhookCree | undefined = create.data;

  const toggle = (type: string, on: boolean) => setTypes((current) => (on ? [...current, type] : current.filter((t) => t !== type)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const copier = async (secret: string) => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopie('ok');
    } catch {
      setCopie('impossible');
    }
  };

  return (
    <>
      <div aria-live="polite">
        {cree && (
          <div className="alert alert-success" role="status">
            <p>
              Point de réception <strong>{cree.url}</strong> enregistré. Voici son secret de signature : copiez-le maintenant dans le système destinataire,{' '}
              <strong>il ne sera plus jamais affiché</strong>.
            </p>
            <p>
              <code data-testid="secret-webhook">{cree.secret}</code>{' '}
              <button type="button" className="button secondary" onClick={() => void copier(cree.secret)}>
                Copier le secret
              </button>
            </p>
            {copie === 'ok' && <p className="hint">Secret copié dans le presse-papiers.</p>}
            {copie === 'impossible' && <p className="hint">Copie impossible ici : sélectionnez le secret et copiez-le à la main.</p>}
            <p className="hint">Le destinataire vérifie chaque livraison avec ce secret (en-têtes webhook-id, webhook-timestamp et webhook-signature, norme Standard Webhooks).</p>
          </div>
        )}
      </div>
      <form onSubmit={submit} noValidate className="form admin-form" aria-labelledby="webhook-form-titre">
        <h2 id="webhook-form-titre">Enregistrer un point de réception</h2>
        {problem && (
          <div role="alert" className="alert alert-error">
            <p>
              <strong>{problem.problem.title}</strong> : {problem.message}
            </p>
            {problem.unplaced(CHAMPS).length > 0 && (
              <ul>
                {problem.unplaced(CHAMPS).map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {create.isError && !problem && <ErrorMessage error={create.error} />}
        <div className="field">
          <label htmlFor="webhook-url">Adresse (https)</label>
          <input
            id="webhook-url"
            type="url"
            inputMode="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://si.laregion.fr/relais/webhooks"
            aria-invalid={Boolean(err('url'))}
            aria-describedby={err('url') ? 'webhook-url-error' : undefined}
          />
          <FieldError id="webhook-url-error" message={err('url')} />
        </div>
        <div className="field">
          <label htmlFor="webhook-description">Description (facultative)</label>
          <input
            id="webhook-description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            aria-invalid={Boolean(err('description'))}
            aria-describedby={err('description') ? 'webhook-description-error' : undefined}
          />
          <FieldError id="webhook-description-error" message={err('description')} />
        </div>
        <fieldset aria-describedby={err('types') ? 'webhook-types-error' : 'webhook-types-hint'}>
          <legend>Événements à recevoir</legend>
          <p className="hint" id="webhook-types-hint">
            Chaque livraison donne la référence du ticket, son nouvel état et des identifiants ; jamais les données de l’usager ni le texte des messages.
          </p>
          {TYPES_PAR_GROUPE.map((g) => (
            <fieldset key={g.groupe}>
              <legend>{g.groupe}</legend>
              {g.types.map((t) => (
                <div className="field checkbox" key={t.type}>
                  <input id={`type-${t.type}`} type="checkbox" checked={types.includes(t.type)} onChange={(e) => toggle(t.type, e.target.checked)} />
                  <label htmlFor={`type-${t.type}`}>{t.libelle}</label>
                </div>
              ))}
            </fieldset>
          ))}
          <FieldError id="webhook-types-error" message={err('types')} />
        </fieldset>
        <div className="buttons">
          <button type="submit" className="button" disabled={create.isPending}>
            {create.isPending ? 'Enregistrement…' : 'Enregistrer le point de réception'}
          </button>
        </div>
      </form>
    </>
  );
}

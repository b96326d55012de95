import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { formatDateTime } from '../../shared/format';
import { Badge, Empty, ErrorMessage, Loading, Page } from '../../shared/page';
import { ifMatch } from '../queries';
import { WebhookForm } from './WebhookForm';
import { libelleType, useWebhooks, webhookKeys, type Webhook } from './webhooks';

/** Deactivation cannot be undone (register the endpoint again): a second click confirms it. */
function Desactiver({ webhook }: { webhook: Webhook }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const desactiver = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/webhooks/{id}/desactiver', { params: { path: { id: webhook.id }, header: ifMatch(webhook.version) } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  });
  if (!confirming) {
    return (
      <button type="button" className="button secondary" aria-label={`Désactiver le point de réception ${webhook.url}`} onClick={() => setConfirming(true)}>
        Désactiver
      </button>
    );
  }
  return (
    <div role="group" aria-label={`Confirmer la désactivation de ${webhook.url}`}>
      <p className="hint">Plus aucune livraison ; celles en attente seront abandonnées. C’est définitif.</p>
      <div className="buttons">
        <button type="button" className="button" disabled={desactiver.isPending} onClick={() => desactiver.mutate()}>
          Confirmer la désactivation
        </button>
        <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
          Annuler
        </button>
      </div>
      {desactiver.isError && <ErrorMessage error={desactiver.error} />}
    </div>
  );
}

/** Webhooks (admin): the endpoints, their deliveries by statut (failed ones stand out), and the form to register one. */
export function WebhooksPage() {
  const webhooks = useWebhooks();
  return (
    <Page title="Webhooks">
      <p>
        Les autres systèmes de la Région reçoivent les événements des tickets qu’ils ont choisis, signés selon la norme Standard Webhooks. Une livraison refusée est
        retentée pendant 24 heures, puis marquée échouée : vous pouvez alors la rejouer.
      </p>
      {webhooks.isPending && <Loading what="des points de réception" />}
      {webhooks.isError && <ErrorMessage error={webhooks.error} retry={() => webhooks.refetch()} />}
      {webhooks.data && webhooks.data.items.length === 0 && <Empty>Aucun point de réception n’est enregistré.</Empty>}
      {webhooks.data && webhooks.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>{webhooks.data.items.length === 1 ? '1 point de réception' : `${webhooks.data.items.length} points de réception`}</caption>
            <thead>
              <tr>
                <th scope="col">Adresse</th>
                <th scope="col">Événements</th>
                <th scope="col">État</th>
                <th scope="col">Livraisons</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {webhooks.data.items.map((w) => (
                <tr key={w.id}>
                  <th scope="row">
                    {w.url}
                    <span className="hint admin-sub">
                      {w.description ? `${w.description} · ` : ''}enregistré le {formatDateTime(w.creeA)}
                    </span>
                  </th>
                  <td>
                    <details>
                      <summary>{w.types.length === 1 ? '1 type' : `${w.types.length} types`}</summary>
                      <ul>
                        {w.types.map((t) => (
                          <li key={t}>{libelleType(t)}</li>
                        ))}
                      </ul>
                    </details>
                  </td>
                  <td>{w.actif ? <Badge tone="success">actif</Badge> : <Badge tone="neutral">désactivé</Badge>}</td>
                  <td>
                    {w.livraisons.echouees > 0 && (
                      <Badge tone="danger">{w.livraisons.echouees === 1 ? '1 échouée' : `${w.livraisons.echouees} échouées`}</Badge>
                    )}{' '}
                    <span className="hint">
                      {w.livraisons.livrees} livrée{w.livraisons.livrees > 1 ? 's' : ''}, {w.livraisons.enAttente} en attente
                    </span>
                  </td>
                  <td>
                    <div className="buttons">
                      <Link className="button secondary" to={`/admin/webhooks/${w.id}`} aria-label={`Livraisons vers ${w.url}`}>
                        Livraisons
                      </Link>
                      {w.actif && <Desactiver webhook={w} />}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <WebhookForm />
    </Page>
  );
}

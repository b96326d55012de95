import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { formatDateTime } from '../../shared/format';
import { Badge, Empty, ErrorMessage, Loading, Page } from '../../shared/page';
import { libelleType, STATUT_LIBELLE, useWebhooks, webhookKeys, type Livraison, type LivraisonStatut } from './webhooks';

function Rejouer({ livraison, onDone }: { livraison: Livraison; onDone: (message: string) => void }) {
  const queryClient = useQueryClient();
  const rejouer = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/webhooks/livraisons/{id}/rejouer', { params: { path: { id: livraison.id } } })),
    onSuccess: () => onDone(`Livraison « ${libelleType(livraison.type)} » relancée : une nouvelle tentative part maintenant.`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  });
  return (
    <>
      <button type="button" className="button secondary" disabled={rejouer.isPending} aria-label={`Rejouer la livraison ${libelleType(livraison.type)} du ${formatDateTime(livraison.creeeA)}`} onClick={() => rejouer.mutate()}>
        Rejouer
      </button>
      {rejouer.isError && <ErrorMessage error={rejouer.error} />}
    </>
  );
}

/** The deliveries of one endpoint, newest first; a failed one says why and can be replayed. */
export function LivraisonsTable({ items, onRejoue }: { items: Livraison[]; onRejoue: (message: string) => void }) {
  return (
    <div className="table-wrap">
      <table>
        <caption>Livraisons, les plus récentes d’abord</caption>
        <thead>
          <tr>
            <th scope="col">Événement</th>
            <th scope="col">Statut</th>
            <th scope="col">Tentatives</th>
            <th scope="col">Dernière réponse</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((l) => (
            <tr key={l.id} className={l.statut === 'echouee' ? 'ligne-echouee' : undefined}>
              <th scope="row">
                {libelleType(l.type)}
                <span className="hint admin-sub">
                  le {formatDateTime(l.creeeA)} · webhook-id <code>{l.id}</code>
                </span>
              </th>
              <td>
                <Badge tone={STATUT_LIBELLE[l.statut].tone}>{STATUT_LIBELLE[l.statut].texte}</Badge>
                {l.statut === 'livree' && l.livreeA && <span className="hint admin-sub">le {formatDateTime(l.livreeA)}</span>}
                {l.statut === 'en_attente' && l.prochaineTentativeA && <span className="hint admin-sub">prochaine tentative le {formatDateTime(l.prochaineTentativeA)}</span>}
              </td>
              <td>{l.tentatives}</td>
              <td>{l.derniereErreur ?? (l.dernierStatutHttp ? `HTTP ${l.dernierStatutHttp}` : '—')}</td>
              <td>{l.statut !== 'en_attente' && <Rejouer livraison={l} onDone={onRejoue} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function LivraisonsPage() {
  const { id = '' } = useParams();
  const [statut, setStatut] = useState<LivraisonStatut | ''>('');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [message, setMessage] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const webhook = useWebhooks().data?.items.find((w) => w.id === id);
  const livraisons = useQuery({
    queryKey: webhookKeys.livraisons(id, statut, cursor),
    queryFn: () =>
      unwrap(api.GET('/api/v1/webhooks/{id}/livraisons', { params: { path: { id }, query: { limit: 50, ...(statut ? { statut } : {}), ...(cursor ? { cursor } : {}) } } })),
  });
  return (
    <Page title="Livraisons du webhook">
      <p>
        <Link to="/admin/webhooks">Retour aux webhooks</Link>
      </p>
      {webhook && (
        <p>
          Vers <strong>{webhook.url}</strong>
          {webhook.actif ? '' : ' (désactivé)'}.
        </p>
      )}
      <div className="field">
        <label htmlFor="filtre-statut">Statut</label>
        <select
          id="filtre-statut"
          value={statut}
          onChange={(e) => {
            setStatut(e.target.value as LivraisonStatut | '');
            setCursors([null]);
          }}
        >
          <option value="">Toutes</option>
          <option value="echouee">Échouées</option>
          <option value="en_attente">En attente</option>
          <option value="livree">Livrées</option>
        </select>
      </div>
      <div aria-live="polite">
        {message && (
          <p className="alert alert-success" role="status">
            {message}
          </p>
        )}
      </div>
      {livraisons.isPending && <Loading what="des livraisons" />}
      {livraisons.isError && <ErrorMessage error={livraisons.error} retry={() => livraisons.refetch()} />}
      {livraisons.data && livraisons.data.items.length === 0 && <Empty>Aucune livraison.</Empty>}
      {livraisons.data && livraisons.data.items.length > 0 && <LivraisonsTable items={livraisons.data.items} onRejoue={setMessage} />}
      <div className="buttons">
        {cursors.length > 1 && (
          <button type="button" className="button secondary" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Livraisons plus récentes
          </button>
        )}
        {livraisons.data?.nextCursor && (
          <button type="button" className="button secondary" onClick={() => setCursors((c) => [...c, livraisons.data!.nextCursor])}>
            Livraisons plus anciennes
          </button>
        )}
      </div>
    </Page>
  );
}

import { Link } from 'react-router';
import { Badge, Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { useCalendriers } from './queries';

/** Every calendar an admin can edit: the network's, the siège's, each MdR's (own or inherited). */
export function CalendriersPage() {
  const calendriers = useCalendriers();
  return (
    <Page title="Calendriers">
      <p>
        Les délais SLA se comptent en temps ouvré sur le calendrier de qui détient le ticket : celui du siège pour une direction, celui de la Maison pour une Maison.
        Une Maison sans calendrier propre suit celui du réseau.
      </p>
      {calendriers.isPending && <Loading what="des calendriers" />}
      {calendriers.isError && <ErrorMessage error={calendriers.error} retry={() => calendriers.refetch()} />}
      {calendriers.data && calendriers.data.items.length === 0 && <Empty>Aucun calendrier.</Empty>}
      {calendriers.data && calendriers.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>{calendriers.data.items.length} calendriers</caption>
            <thead>
              <tr>
                <th scope="col">Calendrier</th>
                <th scope="col">Sert</th>
                <th scope="col">Statut</th>
              </tr>
            </thead>
            <tbody>
              {calendriers.data.items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/admin/calendriers/${c.id}`}>{c.maisonNom ?? c.libelle}</Link>
                  </th>
                  <td>{c.id === 'reseau' ? 'Les Maisons sans calendrier propre' : c.id === 'siege' ? 'Les directions, la coordination et le Cabinet' : c.maisonNom}</td>
                  <td>{c.herite ? <Badge tone="neutral">suit le calendrier du réseau</Badge> : <Badge tone="info">calendrier propre, version {c.version}</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

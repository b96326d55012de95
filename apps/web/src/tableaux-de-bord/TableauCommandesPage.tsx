import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { api, unwrap, type Schemas } from '../api/client';
import { asProblem } from '../api/problem';
import { formatDateTime, formatNumber } from '../shared/format';
import { Badge, Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { BoutonCsv, Chiffres, COULEURS, FiltresForm, Graphique, TableauChiffres, peutReessayer, useFiltresUrl } from './composants';
import { telechargerCsv } from './csv';
import { nomFichierCsv, perimetreDe, tableauKeys, type FiltresTableau } from './filtres';
import { formatJour, formatPct, STATUT_AFFECTATION_LIBELLE, STATUT_COMMANDE_LIBELLE } from './libelles';

type TableauCommandes = Schemas['TableauCommandesDto'];
type LigneCommande = Schemas['LigneCommandeDto'];

const AXE = { fontSize: 13, fill: '#33333a' };

/** The commandes dashboard: per commande and per MdR, on time, late, progress; filters in the URL; CSV. */
export function TableauCommandesPage() {
  const { filtres: tous, cle, setFiltres } = useFiltresUrl();
  // This dashboard has no flux: only the perimeter and the period.
  const { flux: _flux, ...filtres }: FiltresTableau = tous;
  const tableau = useInfiniteQuery({
    queryKey: tableauKeys.commandes(filtres),
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/tableaux-de-bord/commandes', { params: { query: { ...filtres, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })) as Promise<TableauCommandes>,
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const t = tableau.data?.pages[0];
  const commandes = tableau.data?.pages.flatMap((p) => p.commandes) ?? [];
  return (
    <Page title="Tableau de bord des commandes">
      <FiltresForm
        key={cle + (t ? perimetreDe(t.perimetre) : '')}
        filtres={filtres}
        perimetreActuel={t ? perimetreDe(t.perimetre) : undefined}
        onChange={setFiltres}
        probleme={asProblem(tableau.error)}
      />
      {tableau.isPending && <Loading what="du tableau des commandes" />}
      {tableau.isError && <ErrorMessage error={tableau.error} retry={peutReessayer(tableau.error) ? () => tableau.refetch() : undefined} />}
      {t && !tableau.isError && (
        <div aria-busy={tableau.isFetching || undefined} className="dashboard">
          <div className="dashboard-head">
            <p className="dashboard-scope">
              <strong>{t.perimetre.libelle}</strong> · commandes émises du {formatJour(t.du)} au {formatJour(t.au)}
            </p>
            <BoutonCsv telecharger={() => telechargerCsv('/api/v1/tableaux-de-bord/commandes', filtres, nomFichierCsv('commandes'))} />
          </div>
          <p className="hint">Chiffres en direct ({formatDateTime(t.genereA)}). Une affectation est la part d’une commande confiée à une Maison.</p>
          <Chiffres
            items={[
              { libelle: 'Commandes', valeur: formatNumber(t.total.commandes) },
              { libelle: 'Affectations reçues', valeur: formatNumber(t.total.recues) },
              { libelle: 'Livrées dans les délais', valeur: formatNumber(t.total.aTemps) },
              { libelle: 'En retard', valeur: formatNumber(t.total.enRetard), ton: t.total.enRetard ? 'danger' : 'neutral' },
              { libelle: 'En cours', valeur: formatNumber(t.total.enCours) },
            ]}
          />
          {commandes.length === 0 ? (
            <Empty>Aucune commande émise sur ce périmètre et cette période.</Empty>
          ) : (
            <>
              <section aria-labelledby="cmd-commandes">
                <h2 id="cmd-commandes">Par commande</h2>
                <TableCommandes commandes={commandes} />
                {tableau.hasNextPage && (
                  <p>
                    <button type="button" className="button secondary" onClick={() => tableau.fetchNextPage()} disabled={tableau.isFetchingNextPage}>
                      {tableau.isFetchingNextPage ? 'Chargement…' : 'Afficher plus de commandes'}
                    </button>
                  </p>
                )}
              </section>
              <section aria-labelledby="cmd-maisons">
                <h2 id="cmd-maisons">Par Maison de la Région</h2>
                <Graphique
                  titre="Tenue des affectations par Maison"
                  hauteur={Math.max(140, 44 * t.maisons.length + 70)}
                  resume={`Affectations par Maison : ${t.maisons.map((m) => `${m.libelle} ${m.aTemps} dans les délais, ${m.enRetard} en retard, ${m.enCours} en cours`).join(' ; ')}.`}
                  tableVisible
                  table={
                    <TableauChiffres
                      caption="Tenue des affectations par Maison"
                      colonnes={['Maison', 'Reçues', 'Livrées dans les délais', 'En retard', 'En cours']}
                      lignes={t.maisons.map((m) => [m.libelle, formatNumber(m.recues), formatNumber(m.aTemps), formatNumber(m.enRetard), formatNumber(m.enCours)])}
                    />
                  }
                >
                  <BarChart data={t.maisons} layout="vertical" accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                    <XAxis type="number" allowDecimals={false} tick={AXE} />
                    <YAxis type="category" dataKey="libelle" width={200} tick={AXE} />
                    <Tooltip />
                    <Legend itemSorter={null} />
                    <Bar dataKey="aTemps" name="Dans les délais" stackId="a" fill={COULEURS.aTemps} isAnimationActive={false} />
                    <Bar dataKey="enRetard" name="En retard" stackId="a" fill={COULEURS.depasse} isAnimationActive={false} />
                    <Bar dataKey="enCours" name="En cours" stackId="a" fill={COULEURS.neutre} isAnimationActive={false} />
                  </BarChart>
                </Graphique>
              </section>
            </>
          )}
        </div>
      )}
    </Page>
  );
}

/** "2 en cours, 1 livrée": the assignments by state, the empty states left out. */
export function parEtat(parStatut: LigneCommande['parStatut']): string {
  return Object.entries(parStatut)
    .filter(([, n]) => n > 0)
    .map(([statut, n]) => `${formatNumber(n)} ${STATUT_AFFECTATION_LIBELLE[statut] ?? statut}`)
    .join(', ');
}

function TableCommandes({ commandes }: { commandes: LigneCommande[] }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Les commandes de la période">
      <table>
        <caption>Les commandes de la période, les plus récentes d’abord</caption>
        <thead>
          <tr>
            <th scope="col">Commande</th>
            <th scope="col">Émise par</th>
            <th scope="col">Émise le</th>
            <th scope="col">Échéance</th>
            <th scope="col">Affectations par état</th>
            <th scope="col">En retard</th>
            <th scope="col">Avancement</th>
            <th scope="col">Livrables faits</th>
          </tr>
        </thead>
        <tbody>
          {commandes.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                <span className="nowrap">{c.reference}</span>
                {c.titre && <span className="cell-sub">{c.titre}</span>}
                {c.statut !== 'emise' && <Badge>{STATUT_COMMANDE_LIBELLE[c.statut] ?? c.statut}</Badge>}
              </th>
              <td>{c.emetteur.libelle}</td>
              <td className="nowrap">{formatDateTime(c.emiseLe)}</td>
              <td className="nowrap">{formatDateTime(c.echeance)}</td>
              <td>
                {formatNumber(c.affectations)} : {parEtat(c.parStatut) || '—'}
              </td>
              <td className="num">{c.enRetard > 0 ? <Badge tone="danger">{formatNumber(c.enRetard)} en retard</Badge> : '0'}</td>
              <td>
                {c.avancementMoyenPct === null ? (
                  '—'
                ) : (
                  <span className="progress">
                    <progress max={100} value={c.avancementMoyenPct} aria-label={`Avancement de ${c.reference}`} /> {formatPct(c.avancementMoyenPct)}
                  </span>
                )}
              </td>
              <td className="num nowrap">
                {formatNumber(c.livrables.faits)} sur {formatNumber(c.livrables.total)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

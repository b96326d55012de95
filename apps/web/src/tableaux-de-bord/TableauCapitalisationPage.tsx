import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';
import { asProblem } from '../api/problem';
import { formatDateTime, formatNumber } from '../shared/format';
import { Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { BoutonCsv, Chiffres, FiltresForm, TableauChiffres, peutReessayer, useFiltresUrl } from './composants';
import { telechargerCsv } from './csv';
import { nomFichierCsv, perimetreDe, tableauKeys, type FiltresTableau } from './filtres';
import { formatJour, formatPct } from './libelles';

type TableauCapitalisation = Schemas['TableauCapitalisationDto'];

/**
 * The capitalisation dashboard (ADR 0017): per dispositif, escalations, FAQ entries published,
 * answers at the desk and reuses, with the two rates; filters in the URL; CSV.
 */
export function TableauCapitalisationPage() {
  const { filtres: tous, cle, setFiltres } = useFiltresUrl();
  const { flux: _flux, ...filtres }: FiltresTableau = tous;
  const tableau = useQuery({
    queryKey: tableauKeys.capitalisation(filtres),
    queryFn: () => unwrap(api.GET('/api/v1/tableaux-de-bord/capitalisation', { params: { query: filtres } })) as Promise<TableauCapitalisation>,
    placeholderData: keepPreviousData,
  });
  const t = tableau.data;
  return (
    <Page title="Tableau de bord de la capitalisation">
      <FiltresForm
        key={cle + (t ? perimetreDe(t.perimetre) : '')}
        filtres={filtres}
        perimetreActuel={t ? perimetreDe(t.perimetre) : undefined}
        onChange={setFiltres}
        probleme={asProblem(tableau.error)}
      />
      {tableau.isPending && <Loading what="du tableau de la capitalisation" />}
      {tableau.isError && <ErrorMessage error={tableau.error} retry={peutReessayer(tableau.error) ? () => tableau.refetch() : undefined} />}
      {t && !tableau.isError && (
        <div aria-busy={tableau.isFetching || undefined} className="dashboard">
          <div className="dashboard-head">
            <p className="dashboard-scope">
              <strong>{t.perimetre.libelle}</strong> · questions reçues du {formatJour(t.du)} au {formatJour(t.au)}
            </p>
            <BoutonCsv telecharger={() => telechargerCsv('/api/v1/tableaux-de-bord/capitalisation', filtres, nomFichierCsv('capitalisation'))} />
          </div>
          <p className="hint">
            Chiffres en direct ({formatDateTime(t.genereA)}). Taux de capitalisation : réponses publiées dans la FAQ pour cent questions escaladées. Taux de
            réutilisation : questions répondues au guichet en réutilisant une réponse, pour cent questions répondues au guichet ou escaladées.
          </p>
          <Chiffres
            items={[
              { libelle: 'Escalades', valeur: formatNumber(t.total.escalations) },
              { libelle: 'Réponses publiées', valeur: formatNumber(t.total.reponsesPubliees) },
              { libelle: 'Taux de capitalisation', valeur: formatPct(t.total.tauxCapitalisationPct) },
              { libelle: 'Réponses au guichet', valeur: formatNumber(t.total.reponsesLocales) },
              { libelle: 'Taux de réutilisation', valeur: formatPct(t.total.tauxReutilisationPct) },
            ]}
          />
          <section aria-labelledby="capi-dispositifs">
            <h2 id="capi-dispositifs">Capitalisation par dispositif</h2>
            {t.dispositifs.length === 0 ? (
              <Empty>Aucune question ni réponse publiée sur ce périmètre et cette période.</Empty>
            ) : (
              <TableauChiffres
                caption="Capitalisation par dispositif, les plus escaladés d’abord"
                legende
                colonnes={['Dispositif', 'Escalades', 'Réponses publiées', 'Taux de capitalisation', 'Réponses au guichet', 'dont par réutilisation', 'Taux de réutilisation']}
                lignes={t.dispositifs.map((d) => [
                  d.libelle,
                  formatNumber(d.escalations),
                  formatNumber(d.reponsesPubliees),
                  formatPct(d.tauxCapitalisationPct),
                  formatNumber(d.reponsesLocales),
                  formatNumber(d.reutilisations),
                  formatPct(d.tauxReutilisationPct),
                ])}
              />
            )}
          </section>
        </div>
      )}
    </Page>
  );
}

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { api, unwrap, type Schemas } from '../api/client';
import { asProblem } from '../api/problem';
import { formatDateTime, formatNumber } from '../shared/format';
import { Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { BoutonCsv, Chiffres, COULEURS, FiltresForm, Graphique, TableauChiffres, peutReessayer, useFiltresUrl } from './composants';
import { telechargerCsv } from './csv';
import { nomFichierCsv, perimetreDe, tableauKeys } from './filtres';
import { DETENTEURS, enHeures, formatJour, formatMinutes, formatPct, formatSemaine, horlogeLibelle } from './libelles';

type TableauSla = Schemas['TableauSlaDto'];
type Ligne = Schemas['LigneRepartitionDto'];

const AXE = { fontSize: 13, fill: '#33333a' };

/**
 * The SLA dashboard of a manager (and of the Cabinet, admins, heads of MdR and référents within
 * what the API lets them see): open now, compliance, delays, aging, time per holder, trend and
 * breakdowns, each chart with its table; filters in the URL; the same as CSV.
 */
export function TableauSlaPage() {
  const { filtres, cle, setFiltres } = useFiltresUrl();
  const tableau = useQuery({
    queryKey: tableauKeys.sla(filtres),
    queryFn: () => unwrap(api.GET('/api/v1/tableaux-de-bord/sla', { params: { query: filtres } })) as Promise<TableauSla>,
    placeholderData: keepPreviousData,
  });
  const t = tableau.data;
  const probleme = asProblem(tableau.error);
  return (
    <Page title="Tableau de bord SLA">
      <FiltresForm
        key={cle + (t ? perimetreDe(t.perimetre) : '')}
        filtres={filtres}
        perimetreActuel={t ? perimetreDe(t.perimetre) : undefined}
        onChange={setFiltres}
        probleme={probleme}
        avecFlux
      />
      {tableau.isPending && <Loading what="du tableau de bord" />}
      {tableau.isError && <ErrorMessage error={tableau.error} retry={peutReessayer(tableau.error) ? () => tableau.refetch() : undefined} />}
      {t && !tableau.isError && (
        <div aria-busy={tableau.isFetching || undefined} className="dashboard">
          <div className="dashboard-head">
            <p className="dashboard-scope">
              <strong>{t.perimetre.libelle}</strong>
              {t.referentId ? ' — vos questions' : ''} · {t.flux === 'commande' ? 'commandes (par affectation)' : 'questions'} · du {formatJour(t.du)} au {formatJour(t.au)}
            </p>
            <BoutonCsv telecharger={() => telechargerCsv('/api/v1/tableaux-de-bord/sla', filtres, nomFichierCsv('sla'))} />
          </div>
          <p className="hint">
            Chiffres « maintenant » en direct ({formatDateTime(t.genereA)}) ; chiffres de la période{' '}
            {t.donneesPeriodeA ? `à jour au ${formatDateTime(t.donneesPeriodeA)}` : 'pas encore calculés'}. Délais en temps ouvré, estimés par classes de durée.
          </p>
          <Maintenant t={t} />
          <Periode t={t} />
          <Repartition t={t} />
        </div>
      )}
    </Page>
  );
}

function Maintenant({ t }: { t: TableauSla }) {
  const m = t.maintenant;
  const ouverts = t.flux === 'commande' ? 'Affectations ouvertes' : 'Questions ouvertes';
  return (
    <section aria-labelledby="sla-maintenant">
      <h2 id="sla-maintenant">Maintenant</h2>
      <Chiffres
        items={[
          { libelle: ouverts, valeur: formatNumber(m.ouverts) },
          { libelle: 'À risque', valeur: formatNumber(m.aRisque), ton: m.aRisque ? 'warning' : 'neutral' },
          { libelle: 'Délai dépassé', valeur: formatNumber(m.depasses), ton: m.depasses ? 'danger' : 'neutral' },
        ]}
      />
      <Graphique
        titre="Ancienneté des ouverts"
        resume={`Ancienneté des ouverts, en jours ouvrés : ${m.anciennete.map((a) => `${a.libelle} ${a.ouverts}`).join(', ')}.`}
        table={<TableauChiffres caption="Ancienneté des ouverts, en jours ouvrés" colonnes={['Ancienneté', 'Ouverts']} lignes={m.anciennete.map((a) => [a.libelle, formatNumber(a.ouverts)])} />}
      >
        <BarChart data={m.anciennete.map((a) => ({ ...a, court: TRANCHE_COURTE[a.tranche] ?? a.libelle }))} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="court" tick={AXE} interval={0} />
          <YAxis allowDecimals={false} tick={AXE} />
          <Tooltip />
          <Bar dataKey="ouverts" name="Ouverts" fill={COULEURS.principal} isAnimationActive={false} />
        </BarChart>
      </Graphique>
    </section>
  );
}

function Periode({ t }: { t: TableauSla }) {
  const rien = t.conformite.every((c) => c.termines === 0);
  const tendance = t.tendance.map((s) => ({ ...s, libelle: formatSemaine(s.semaine) }));
  const conformite = t.conformite.map((c) => ({ ...c, libelle: horlogeLibelle(c.horloge) }));
  const detenteurs = DETENTEURS.map((d) => ({ libelle: d.libelle, court: d.court, minutes: t.tempsParDetenteur[d.cle], heures: enHeures(t.tempsParDetenteur[d.cle]) }));
  const delais = [
    { libelle: `Première réponse (${horlogeLibelle(t.delais.premiereReponse.horloge).toLowerCase()})`, d: t.delais.premiereReponse },
    { libelle: `Résolution (${horlogeLibelle(t.delais.resolution.horloge).toLowerCase()})`, d: t.delais.resolution },
  ];
  return (
    <section aria-labelledby="sla-periode">
      <h2 id="sla-periode">Sur la période</h2>
      {rien ? (
        <Empty>Aucune horloge ne s’est terminée sur cette période.</Empty>
      ) : (
        <>
          <TableauChiffres
            legende
            caption="Délais en temps ouvré (médiane et 90e centile)"
            colonnes={['Délai', 'Terminées', 'Médiane', '90e centile']}
            lignes={delais.map(({ libelle, d }) => [libelle, formatNumber(d.termines), formatMinutes(d.medianeMinutesOuvrees), formatMinutes(d.p90MinutesOuvrees)])}
          />
          <div className="chart-grid">
            <Graphique
              titre="Conformité par horloge"
              resume={`Conformité par horloge : ${conformite.map((c) => `${c.libelle} ${formatPct(c.tauxPct)}`).join(', ')}.`}
              table={
                <TableauChiffres
                  caption="Conformité par horloge"
                  colonnes={['Horloge', 'Terminées', 'Dans les délais', 'Conformité']}
                  lignes={conformite.map((c) => [c.libelle, formatNumber(c.termines), formatNumber(c.aTemps), formatPct(c.tauxPct)])}
                />
              }
            >
              <BarChart data={conformite} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="libelle" tick={AXE} interval={0} />
                <YAxis domain={[0, 100]} unit=" %" tick={AXE} />
                <Tooltip formatter={(v) => formatPct(Number(v))} />
                <Bar dataKey="tauxPct" name="Conformité" fill={COULEURS.aTemps} isAnimationActive={false} />
              </BarChart>
            </Graphique>
            <Graphique
              titre="Conformité par semaine"
              resume={`Conformité par semaine : ${tendance.map((s) => `${s.libelle} ${formatPct(s.tauxPct)}`).join(', ')}.`}
              table={
                <TableauChiffres
                  caption="Conformité par semaine"
                  colonnes={['Semaine', 'Terminées', 'Dans les délais', 'Conformité']}
                  lignes={tendance.map((s) => [s.libelle, formatNumber(s.termines), formatNumber(s.aTemps), formatPct(s.tauxPct)])}
                />
              }
            >
              <LineChart data={tendance} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="libelle" tick={AXE} />
                <YAxis domain={[0, 100]} unit=" %" tick={AXE} />
                <Tooltip formatter={(v) => formatPct(Number(v))} />
                <Line type="monotone" dataKey="tauxPct" name="Conformité" stroke={COULEURS.principal} strokeWidth={3} dot={{ r: 5, fill: COULEURS.principal }} connectNulls isAnimationActive={false} />
              </LineChart>
            </Graphique>
            <Graphique
              titre="Temps par détenteur"
              resume={`Temps ouvré détenu, tickets terminés sur la période : ${detenteurs.map((d) => `${d.libelle} ${formatMinutes(d.minutes)}`).join(', ')}.`}
              table={
                <TableauChiffres
                  caption="Temps ouvré détenu par chacun, tickets terminés sur la période"
                  colonnes={['Détenteur', 'Temps ouvré', 'Minutes ouvrées']}
                  lignes={detenteurs.map((d) => [d.libelle, formatMinutes(d.minutes), formatNumber(d.minutes)])}
                />
              }
            >
              <BarChart data={detenteurs} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="court" tick={AXE} interval={0} />
                <YAxis unit=" h" tick={AXE} />
                <Tooltip formatter={(v) => `${formatNumber(Number(v))} h`} />
                <Bar dataKey="heures" name="Heures ouvrées" fill={COULEURS.marque} isAnimationActive={false} />
              </BarChart>
            </Graphique>
          </div>
        </>
      )}
    </section>
  );
}

/** Short axis labels of the age bands (the table says them in full). */
const TRANCHE_COURTE: Record<string, string> = {
  moins_1: '< 1 j',
  de_1_a_3: '1 à 3 j',
  de_3_a_5: '3 à 5 j',
  de_5_a_10: '5 à 10 j',
  plus_de_10: '10 j et +',
};

const REPARTITIONS = [
  { cle: 'directions', titre: 'Par direction', colonne: 'Direction' },
  { cle: 'maisons', titre: 'Par Maison de la Région', colonne: 'Maison' },
  { cle: 'referents', titre: 'Par référent', colonne: 'Référent' },
] as const;

function Repartition({ t }: { t: TableauSla }) {
  return (
    <section aria-labelledby="sla-repartition">
      <h2 id="sla-repartition">Répartition</h2>
      {REPARTITIONS.map(({ cle, titre, colonne }) => {
        const lignes = t.repartition[cle];
        if (lignes.length === 0) {
          return (
            <div key={cle}>
              <h3>{titre}</h3>
              <Empty>Rien à répartir sur ce périmètre et cette période.</Empty>
            </div>
          );
        }
        const data = lignes.map((l) => ({ libelle: l.libelle, depasses: l.depasses, aRisque: l.aRisque, autres: Math.max(0, l.ouverts - l.aRisque - l.depasses) }));
        return (
          <Graphique
            key={cle}
            titre={titre}
            hauteur={Math.max(140, 44 * lignes.length + 70)}
            resume={`Ouverts ${titre.toLowerCase()} : ${lignes.map((l) => `${l.libelle} ${l.ouverts} dont ${l.depasses} dépassés et ${l.aRisque} à risque`).join(' ; ')}.`}
            tableVisible
            table={<TableauRepartition caption={`Répartition ${titre.toLowerCase()}`} colonne={colonne} lignes={lignes} />}
          >
            <BarChart data={data} layout="vertical" accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" allowDecimals={false} tick={AXE} />
              <YAxis type="category" dataKey="libelle" width={200} tick={AXE} />
              <Tooltip />
              <Legend itemSorter={null} />
              <Bar dataKey="depasses" name="Délai dépassé" stackId="o" fill={COULEURS.depasse} isAnimationActive={false} />
              <Bar dataKey="aRisque" name="À risque" stackId="o" fill={COULEURS.aRisque} isAnimationActive={false} />
              <Bar dataKey="autres" name="Autres ouverts" stackId="o" fill={COULEURS.neutre} isAnimationActive={false} />
            </BarChart>
          </Graphique>
        );
      })}
    </section>
  );
}

function TableauRepartition({ caption, colonne, lignes }: { caption: string; colonne: string; lignes: Ligne[] }) {
  return (
    <TableauChiffres
      caption={caption}
      colonnes={[colonne, 'Ouverts', 'À risque', 'Dépassés', 'Terminées', 'Dans les délais', 'Conformité', 'Médiane de résolution']}
      lignes={lignes.map((l) => [
        l.libelle,
        formatNumber(l.ouverts),
        formatNumber(l.aRisque),
        formatNumber(l.depasses),
        formatNumber(l.termines),
        formatNumber(l.aTemps),
        formatPct(l.tauxPct),
        formatMinutes(l.medianeResolutionMinutesOuvrees),
      ])}
    />
  );
}

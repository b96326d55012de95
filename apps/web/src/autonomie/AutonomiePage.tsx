import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { api, unwrap, type Schemas } from '../api/client';
import { asProblem } from '../api/problem';
import { useSession, type Me } from '../auth/session';
import { formatNumber } from '../shared/format';
import { Empty, ErrorMessage, FieldError, Loading, Page } from '../shared/page';
import { ProblemAlert } from '../shared/TextActionForm';
import { BoutonCsv, Chiffres, COULEURS, Graphique, TableauChiffres, peutReessayer } from '../tableaux-de-bord/composants';
import { enregistrer } from '../tableaux-de-bord/csv';
import { aujourdhuiParis } from '../tableaux-de-bord/filtres';
import { formatPct } from '../tableaux-de-bord/libelles';

type Jauge = Schemas['JaugeAutonomieDto'];
type Enquete = Schemas['ResultatEnqueteAutonomieDto'];
type Note = Schemas['NoteAutonomieVueDto'];

const AXE = { fontSize: 13, fill: '#33333a' };

export const DOMAINES = [
  { domaine: 'communication', libelle: 'Communication' },
  { domaine: 'evenements', libelle: 'Événements' },
  { domaine: 'partenariats', libelle: 'Partenariats' },
  { domaine: 'budget', libelle: 'Budget' },
  { domaine: 'reponse_usagers', libelle: 'Réponse aux usagers' },
] as const;

export const autonomieKeys = {
  all: ['autonomie'] as const,
  jauge: (mois: string) => ['autonomie', 'jauge', mois] as const,
  enquete: () => ['autonomie', 'enquete'] as const,
};

/** Who answers the survey (ADR 0021): the heads of the MdRs, the managers and the Cabinet. */
export const estRepondant = (role: Me['role']) => role === 'responsable_mdr' || role === 'manager' || role === 'cabinet';

/** A trend in points, said in words as well as with its sign. */
export function formatTendance(pts: number | null | undefined): string {
  if (pts === null || pts === undefined) return '—';
  if (pts === 0) return 'stable';
  return `${pts > 0 ? '+' : '−'}${formatNumber(Math.abs(pts))} pts (${pts > 0 ? 'en hausse' : 'en baisse'})`;
}

const moyenne = (m: number | null | undefined) => (m === null || m === undefined ? '—' : formatNumber(m));

/**
 * Autonomy (issue 15, ADR 0021): the gauge computed from the questions (per MdR with its trend,
 * per dispositif, CSV), the survey's current vs wished autonomy per area and per group side by
 * side, and the respondent's form.
 */
export function AutonomiePage() {
  const session = useSession();
  const [mois, setMois] = useState(() => aujourdhuiParis().slice(0, 7));
  const jauge = useQuery({
    queryKey: autonomieKeys.jauge(mois),
    queryFn: () => unwrap(api.GET('/api/v1/autonomie/jauge', { params: { query: { mois } } })) as Promise<Jauge>,
    placeholderData: keepPreviousData,
  });
  const enquete = useQuery({
    queryKey: autonomieKeys.enquete(),
    queryFn: () => unwrap(api.GET('/api/v1/autonomie', {})) as Promise<Enquete>,
    retry: false,
  });
  const j = jauge.data;
  return (
    <Page title="Autonomie des Maisons">
      <section aria-labelledby="autonomie-jauge">
        <h2 id="autonomie-jauge">Jauge d’autonomie calculée</h2>
        <div className="filters">
          <label htmlFor="autonomie-mois">Mois</label>
          <input id="autonomie-mois" type="month" value={mois} onChange={(e) => e.target.value && setMois(e.target.value)} />
        </div>
        {jauge.isPending && <Loading what="de la jauge d’autonomie" />}
        {jauge.isError && <ErrorMessage error={jauge.error} retry={peutReessayer(jauge.error) ? () => jauge.refetch() : undefined} />}
        {j && !jauge.isError && <JaugeVue jauge={j} />}
      </section>
      <section aria-labelledby="autonomie-enquete">
        <h2 id="autonomie-enquete">Enquête sur l’autonomie : actuelle et souhaitée</h2>
        {enquete.isPending && <Loading what="de l’enquête" />}
        {enquete.isError &&
          (asProblem(enquete.error)?.status === 404 ? <Empty>Aucune enquête sur l’autonomie n’a encore été ouverte.</Empty> : <ErrorMessage error={enquete.error} />)}
        {enquete.data && <EnqueteVue enquete={enquete.data} />}
        {enquete.data?.enquete.ouverte && session && estRepondant(session.user.role) && <FormulaireEnquete enquete={enquete.data} />}
      </section>
    </Page>
  );
}

function JaugeVue({ jauge: j }: { jauge: Jauge }) {
  const telecharger = async () => {
    const blob = (await unwrap(
      api.GET('/api/v1/autonomie/jauge', { params: { query: { mois: j.du } }, headers: { Accept: 'text/csv' }, parseAs: 'blob' }) as Promise<{ data?: Blob; error?: unknown; response: Response }>,
    )) as Blob;
    enregistrer(blob, `relais-autonomie-${j.du}.csv`);
  };
  return (
    <div className="dashboard">
      <div className="dashboard-head">
        <p className="dashboard-scope">
          <strong>{j.perimetre.libelle}</strong> · questions reçues en {j.du}, comparées à {j.precedent.du}
        </p>
        <BoutonCsv telecharger={telecharger} />
      </div>
      <p className="hint">
        Taux d’autonomie : questions répondues au guichet pour cent questions répondues au guichet ou escaladées. « Escaladées malgré une réponse publiée » : une
        réponse du même dispositif, non retirée, était publiée avant l’escalade.
      </p>
      <Chiffres
        items={[
          { libelle: 'Taux d’autonomie', valeur: formatPct(j.total.tauxAutonomiePct) },
          { libelle: 'Tendance', valeur: formatTendance(j.total.tendancePts) },
          { libelle: 'Répondues au guichet', valeur: formatNumber(j.total.reponduesLocalement) },
          { libelle: 'Escaladées', valeur: formatNumber(j.total.escaladees) },
          { libelle: 'Escaladées malgré une réponse publiée', valeur: formatNumber(j.total.escaladeesAvecReponsePubliee), ton: j.total.escaladeesAvecReponsePubliee > 0 ? 'warning' : 'neutral' },
        ]}
      />
      {j.maisons.length === 0 ? (
        <Empty>Aucune question reçue sur ce périmètre ce mois-ci ni le mois précédent.</Empty>
      ) : (
        <Graphique
          titre="Taux d’autonomie par Maison"
          resume={`Taux d’autonomie par Maison en ${j.du} : ${j.maisons.map((m) => `${m.libelle} ${formatPct(m.tauxAutonomiePct)}`).join(', ')}.`}
          tableVisible
          table={
            <TableauChiffres
              caption="Jauge d’autonomie par Maison"
              colonnes={['Maison', 'Répondues au guichet', 'Escaladées', 'dont malgré une réponse publiée', 'Taux d’autonomie', 'Mois précédent', 'Tendance']}
              lignes={j.maisons.map((m) => [
                m.libelle,
                formatNumber(m.reponduesLocalement),
                formatNumber(m.escaladees),
                formatNumber(m.escaladeesAvecReponsePubliee),
                formatPct(m.tauxAutonomiePct),
                formatPct(m.tauxAutonomiePrecedentPct),
                formatTendance(m.tendancePts),
              ])}
            />
          }
        >
          <BarChart data={j.maisons} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="libelle" tick={AXE} interval={0} />
            <YAxis domain={[0, 100]} unit=" %" tick={AXE} />
            <Tooltip />
            <Legend />
            <Bar dataKey="tauxAutonomiePrecedentPct" name="Mois précédent" fill={COULEURS.neutre} isAnimationActive={false} />
            <Bar dataKey="tauxAutonomiePct" name="Ce mois" fill={COULEURS.principal} isAnimationActive={false} />
          </BarChart>
        </Graphique>
      )}
      {j.dispositifs.length > 0 && (
        <TableauChiffres
          caption="Jauge d’autonomie par dispositif, les plus escaladés d’abord"
          colonnes={['Dispositif', 'Répondues au guichet', 'Escaladées', 'dont malgré une réponse publiée', 'Taux d’autonomie', 'Tendance']}
          lignes={j.dispositifs.map((d) => [
            d.libelle,
            formatNumber(d.reponduesLocalement),
            formatNumber(d.escaladees),
            formatNumber(d.escaladeesAvecReponsePubliee),
            formatPct(d.tauxAutonomiePct),
            formatTendance(d.tendancePts),
          ])}
        />
      )}
    </div>
  );
}

function EnqueteVue({ enquete: e }: { enquete: Enquete }) {
  const donnees = e.domaines.map((d) => ({
    libelle: d.libelle,
    mdrActuelle: d.mdr.actuelle.moyenne,
    mdrSouhaitee: d.mdr.souhaitee.moyenne,
    siegeActuelle: d.siege.actuelle.moyenne,
    siegeSouhaitee: d.siege.souhaitee.moyenne,
  }));
  return (
    <div className="dashboard">
      <p className="dashboard-scope">
        <strong>{e.enquete.libelle}</strong> ({e.enquete.ouverte ? 'ouverte' : 'close'}) · {formatNumber(e.repondants.mdr)} réponse(s) des Maisons,{' '}
        {formatNumber(e.repondants.siege)} du siège
      </p>
      <Chiffres
        items={[
          { libelle: `Jauge calculée du réseau (${e.jaugeReseau.mois})`, valeur: formatPct(e.jaugeReseau.tauxAutonomiePct) },
          { libelle: 'Répondues au guichet', valeur: formatNumber(e.jaugeReseau.reponduesLocalement) },
          { libelle: 'Escaladées', valeur: formatNumber(e.jaugeReseau.escaladees) },
        ]}
      />
      <Graphique
        titre="Autonomie actuelle et souhaitée par domaine (moyennes de 1 à 5)"
        resume={`Moyennes par domaine : ${donnees
          .map((d) => `${d.libelle} : Maisons ${moyenne(d.mdrActuelle)} actuelle, ${moyenne(d.mdrSouhaitee)} souhaitée ; siège ${moyenne(d.siegeActuelle)} actuelle, ${moyenne(d.siegeSouhaitee)} souhaitée`)
          .join(' ; ')}.`}
        tableVisible
        table={
          <TableauChiffres
            caption="Autonomie actuelle et souhaitée par domaine et par groupe"
            colonnes={['Domaine', 'Maisons : actuelle', 'Maisons : souhaitée', 'Maisons : écart', 'Siège : actuelle', 'Siège : souhaitée', 'Siège : écart']}
            lignes={e.domaines.map((d) => [
              d.libelle,
              moyenne(d.mdr.actuelle.moyenne),
              moyenne(d.mdr.souhaitee.moyenne),
              moyenne(d.mdr.ecart),
              moyenne(d.siege.actuelle.moyenne),
              moyenne(d.siege.souhaitee.moyenne),
              moyenne(d.siege.ecart),
            ])}
          />
        }
      >
        <BarChart data={donnees} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="libelle" tick={AXE} interval={0} />
          <YAxis domain={[0, 5]} allowDecimals={false} tick={AXE} />
          <Tooltip />
          <Legend />
          <Bar dataKey="mdrActuelle" name="Maisons : actuelle" fill={COULEURS.neutre} isAnimationActive={false} />
          <Bar dataKey="mdrSouhaitee" name="Maisons : souhaitée" fill={COULEURS.principal} isAnimationActive={false} />
          <Bar dataKey="siegeActuelle" name="Siège : actuelle" fill={COULEURS.aRisque} isAnimationActive={false} />
          <Bar dataKey="siegeSouhaitee" name="Siège : souhaitée" fill={COULEURS.marque} isAnimationActive={false} />
        </BarChart>
      </Graphique>
    </div>
  );
}

const NIVEAUX = [1, 2, 3, 4, 5] as const;

/** The respondent's answer: five areas, two 1–5 ratings each, as radio groups (fieldset + legend). */
export function FormulaireEnquete({ enquete }: { enquete: Enquete }) {
  const queryClient = useQueryClient();
  const depart = enquete.maReponse?.notes ?? [];
  const [notes, setNotes] = useState<Record<string, { actuelle?: number; souhaitee?: number }>>(() =>
    Object.fromEntries(depart.map((n: Note) => [n.domaine, { actuelle: n.actuelle, souhaitee: n.souhaitee }])),
  );
  const [manque, setManque] = useState<string | null>(null);
  const [enregistree, setEnregistree] = useState(false);
  const repondre = useMutation({
    mutationFn: (body: { enqueteId: string; notes: Array<{ domaine: (typeof DOMAINES)[number]['domaine']; actuelle: number; souhaitee: number }> }) =>
      unwrap(api.POST('/api/v1/autonomie/reponses', { body })),
    onSuccess: () => {
      setEnregistree(true);
      queryClient.invalidateQueries({ queryKey: autonomieKeys.all });
    },
  });
  const probleme = asProblem(repondre.error);
  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    setEnregistree(false);
    const incomplet = DOMAINES.find((d) => !notes[d.domaine]?.actuelle || !notes[d.domaine]?.souhaitee);
    if (incomplet) {
      setManque(`Notez l’autonomie actuelle et souhaitée pour « ${incomplet.libelle} ».`);
      return;
    }
    setManque(null);
    repondre.mutate({ enqueteId: enquete.enquete.id, notes: DOMAINES.map((d) => ({ domaine: d.domaine, actuelle: notes[d.domaine].actuelle!, souhaitee: notes[d.domaine].souhaitee! })) });
  };
  return (
    <form onSubmit={envoyer} aria-labelledby="autonomie-formulaire" className="form">
      <h3 id="autonomie-formulaire">{enquete.maReponse ? 'Modifier ma réponse' : 'Répondre à l’enquête'}</h3>
      <p className="hint">De 1 (aucune autonomie) à 5 (autonomie totale), pour chaque domaine : où en êtes-vous, et où souhaiteriez-vous être ?</p>
      {DOMAINES.map((d) => (
        <fieldset key={d.domaine}>
          <legend>{d.libelle}</legend>
          {(['actuelle', 'souhaitee'] as const).map((sorte) => (
            <fieldset key={sorte} className="radio-group">
              <legend>
                {sorte === 'actuelle' ? 'Autonomie actuelle' : 'Autonomie souhaitée'} : {d.libelle}
              </legend>
              {NIVEAUX.map((n) => (
                <label key={n}>
                  <input
                    type="radio"
                    name={`${d.domaine}-${sorte}`}
                    value={n}
                    checked={notes[d.domaine]?.[sorte] === n}
                    onChange={() => setNotes((prev) => ({ ...prev, [d.domaine]: { ...prev[d.domaine], [sorte]: n } }))}
                  />{' '}
                  {n}
                </label>
              ))}
            </fieldset>
          ))}
        </fieldset>
      ))}
      <FieldError id="autonomie-notes-erreur" message={manque ?? probleme?.field('notes')} />
      <ProblemAlert problem={probleme} shownByField={Boolean(probleme?.field('notes'))} />
      <button type="submit" className="button" disabled={repondre.isPending}>
        Enregistrer ma réponse
      </button>
      {enregistree && <p role="status">Votre réponse est enregistrée.</p>}
    </form>
  );
}

import { Badge } from '../shared/page';
import { type Affectation, AFFECTATION_STATUT_LIBELLE, AFFECTATION_STATUT_TONE, AFFECTATION_STATUTS, type Commande, pluriel } from './labels';

/**
 * The roll-up of a commande across its Maisons: one row per Maison, one column per assignment
 * state (the current one marked, in words), then progress and lateness; the last row counts
 * the Maisons in each state (the API's `resume.parStatut`).
 */
export function RollupMatrix({ affectations, resume }: { affectations: Affectation[]; resume: Commande['resume'] }) {
  const parStatut = resume.parStatut as Record<string, number>;
  return (
    <div className="table-wrap">
      <table className="rollup">
        <caption>Où en est chaque Maison (une ligne par Maison, une colonne par état)</caption>
        <thead>
          <tr>
            <th scope="col">Maison</th>
            {AFFECTATION_STATUTS.map((s) => (
              <th scope="col" key={s} className="rollup-state">
                {AFFECTATION_STATUT_LIBELLE[s]}
              </th>
            ))}
            <th scope="col">Avancement</th>
            <th scope="col">Retard</th>
          </tr>
        </thead>
        <tbody>
          {affectations.map((a) => (
            <tr key={a.id} data-maison={a.maison.nom}>
              <th scope="row">
                <a href={`#affectation-${a.id}`}>{a.maison.nom}</a>
              </th>
              {AFFECTATION_STATUTS.map((s) => (
                <td key={s} className="rollup-cell">
                  {a.statut === s ? (
                    <Badge tone={AFFECTATION_STATUT_TONE[s]}>
                      <span aria-hidden="true">●</span>
                      <span className="visually-hidden">{AFFECTATION_STATUT_LIBELLE[s]}</span>
                    </Badge>
                  ) : null}
                </td>
              ))}
              <td>
                <span className="progress-text">{a.pourcentage} %</span>
                <progress max={100} value={a.pourcentage} aria-label={`Avancement de ${a.maison.nom}`} />
              </td>
              <td>{a.enRetard ? <Badge tone="danger">{pluriel(a.joursDeRetard, 'jour ouvré', 'jours ouvrés')} de retard</Badge> : a.joursDeRetard > 0 ? <Badge tone="warning">livrée avec {pluriel(a.joursDeRetard, 'jour')} de retard</Badge> : 'À l’heure'}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            {AFFECTATION_STATUTS.map((s) => (
              <td key={s} className="rollup-total">
                {parStatut[s] ?? 0}
              </td>
            ))}
            <td>{resume.progressionMoyenne} % en moyenne</td>
            <td>{resume.enRetard > 0 ? <Badge tone="danger">{pluriel(resume.enRetard, 'Maison')} en retard</Badge> : 'Aucun retard'}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

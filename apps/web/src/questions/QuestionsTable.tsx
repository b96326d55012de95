import { Link } from 'react-router';
import { Badge } from '../shared/page';
import { formatDateTime } from '../shared/format';
import { SlaBadge } from '../shared/SlaBadge';
import { prochaineEcheance } from '../shared/sla';
import { type Question, STATUT_LIBELLE, STATUT_TONE } from './labels';

/** A list of questions: reference (link), subject, state and SLA in words, holder, dates. */
export function QuestionsTable({ questions, caption, showMaison = false, showEcheance = false }: { questions: Question[]; caption: string; showMaison?: boolean; showEcheance?: boolean }) {
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Référence</th>
            <th scope="col">Objet</th>
            {showMaison && <th scope="col">Maison</th>}
            <th scope="col">Statut</th>
            <th scope="col">Délai</th>
            {showEcheance && <th scope="col">Échéance</th>}
            <th scope="col">Au siège</th>
            <th scope="col">Reçue le</th>
          </tr>
        </thead>
        <tbody>
          {questions.map((q) => (
            <tr key={q.id}>
              <td className="nowrap">
                <Link to={`/questions/${q.id}`}>{q.reference}</Link>
              </td>
              <td>{q.objet}</td>
              {showMaison && <td>{q.maison.nom}</td>}
              <td>
                <Badge tone={STATUT_TONE[q.statut]}>{STATUT_LIBELLE[q.statut]}</Badge>
              </td>
              <td>
                <SlaBadge clocks={q.sla} />
              </td>
              {showEcheance && <td>{Number.isFinite(prochaineEcheance(q.sla)) ? formatDateTime(new Date(prochaineEcheance(q.sla)).toISOString()) : '—'}</td>}
              <td>{q.referent?.displayName ?? q.direction?.sigle ?? q.direction?.nom ?? (q.enCoordination ? 'Coordination du réseau' : '—')}</td>
              <td>{formatDateTime(q.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

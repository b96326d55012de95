import { Link, useParams } from 'react-router';
import { Badge, ErrorMessage, Loading, Page } from '../shared/page';
import { formatDateTime } from '../shared/format';
import { SlaBadge } from '../shared/SlaBadge';
import { CANAL_LIBELLE, STATUT_LIBELLE, STATUT_TONE } from './labels';
import { useQuestion } from './queries';
import { MessageForm } from '../fil/MessageForm';
import { QuestionActions } from './QuestionActions';
import { LienSuiviPanel } from './LienSuivi';
import { Timeline } from '../fil/Timeline';

export function QuestionPage() {
  const { id = '' } = useParams();
  const question = useQuestion(id);
  if (question.isPending) return <Loading what="de la question" />;
  if (question.isError) {
    return (
      <Page title="Question introuvable">
        <ErrorMessage error={question.error} retry={() => question.refetch()} />
      </Page>
    );
  }
  const q = question.data;
  return (
    <Page title={`Question ${q.reference}`}>
      {q.lectureSeule && (
        <p role="note" className="alert alert-info">
          Lecture seule : question de la {q.maison.nom}, que vous voyez parce que votre Maison est correspondante de son thème pour le réseau. Les coordonnées de l’usager, les actions
          et les messages restent à la Maison qui l’a reçue et au siège.
        </p>
      )}
      <p className="status-line">
        Statut : <Badge tone={STATUT_TONE[q.statut]}>{STATUT_LIBELLE[q.statut]}</Badge> <SlaBadge clocks={q.sla} />
      </p>
      <div className="question-grid">
        <section aria-labelledby="detail-titre" className="card">
          <h2 id="detail-titre">{q.objet}</h2>
          <p className="description">{q.description}</p>
          <dl className="facts">
            <dt>Maison</dt>
            <dd>{q.maison.nom}</dd>
            <dt>Reçue</dt>
            <dd>
              {formatDateTime(q.createdAt)} {CANAL_LIBELLE[q.canal]}, par {q.creePar.displayName}
            </dd>
            <dt>Dispositif</dt>
            <dd>{q.dispositif ? <Link to={`/dispositifs/${q.dispositif.id}`}>{q.dispositif.nom}</Link> : '—'}</dd>
            <dt>Au siège</dt>
            <dd>{q.direction ? `${q.direction.nom}${q.direction.sigle ? ` (${q.direction.sigle})` : ''}` : q.enCoordination ? 'Coordination du réseau' : '—'}</dd>
            <dt>Référent</dt>
            <dd>{q.referent?.displayName ?? 'personne pour l’instant'}</dd>
            {q.usager && (
              <>
                <dt>Usager</dt>
                <dd>{[q.usager.nom, q.usager.organisation, q.usager.telephone, q.usager.email].filter(Boolean).join(' · ')}</dd>
              </>
            )}
          </dl>
          {q.reponse && (
            <div className="reponse">
              <h3>Réponse</h3>
              <p>{q.reponse}</p>
            </div>
          )}
          {q.issue && (
            <p>
              <strong>Issue :</strong> {q.issue}
            </p>
          )}
        </section>
        {!q.lectureSeule && <QuestionActions question={q} />}
      </div>
      {!q.lectureSeule && <LienSuiviPanel question={q} />}
      <Timeline kind="questions" id={q.id} />
      {!q.lectureSeule && <MessageForm kind="questions" id={q.id} />}
    </Page>
  );
}

import { getSession } from '../auth/session';
import { Page } from '../shared/page';
import { boardCookie, QUEUE_BOARD_PATH } from './queue-board';

/** Where the queue board is and what it is for; the link hands it the admin's session. */
export function FilesPage() {
  const open = () => {
    const token = getSession()?.token;
    if (token) document.cookie = boardCookie(token, window.location.protocol === 'https:');
  };
  return (
    <Page title="Tableau des files">
      <p>
        Le tableau des files montre les files de tâches de Relais : <strong>outbox</strong> (diffusion des événements), <strong>sla-timers</strong> (alertes et
        dépassements SLA), <strong>notifications</strong> et <strong>maintenance</strong>. On y voit les tâches en attente, différées, en échec (avec leur erreur),
        et l’on peut relancer une tâche en échec.
      </p>
      <div className="alert alert-warning">
        <p>
          <strong>Avant de supprimer une tâche :</strong> vider <em>sla-timers</em> retarde les alertes SLA jusqu’à ce que le réconciliateur les réarme (30 secondes
          environ) ; supprimer une tâche <em>outbox</em> retarde son événement d’une minute environ. Préférez « relancer » à « supprimer ».
        </p>
      </div>
      <p>
        Le tableau s’ouvre dans cet onglet, avec votre session d’administratrice ou d’administrateur (réservé au rôle Administration). Revenez à Relais avec le
        bouton « Précédent » du navigateur.
      </p>
      <p>
        <a className="button" href={`${QUEUE_BOARD_PATH}/`} onClick={open}>
          Ouvrir le tableau des files
        </a>
      </p>
    </Page>
  );
}

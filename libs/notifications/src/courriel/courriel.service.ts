import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarRegistry } from '@app/sla';
import type { ModeCourriel, NotificationType } from '../notification.types';
import { courrielImmediat, courrielResume, NotificationCourriel } from './courriel.templates';
import { CourrielJobs, ResumeJob } from './courriel.jobs';
import { CourrielTransport } from './courriel.transport';
import { creneauResume, estCreneauDuResume, fenetreDuResume, FENETRE_RESUME_MS, DELAI_RATTRAPAGE_MS, PREFERENCE_PAR_DEFAUT } from './resume.planning';
import { createHash } from 'node:crypto';

interface NotificationSql {
  id: string;
  type: NotificationType;
  reference: string;
  titre: string;
  lien: string;
  creee_a: Date;
}

const enCourriel = (r: NotificationSql): NotificationCourriel => ({ type: r.type, reference: r.reference, titre: r.titre, lien: r.lien, creeeA: new Date(r.creee_a) });

/** The recipient's mode and hour, with the defaults of a user who never changed them. */
const PREFERENCE_SQL = `coalesce(p.courriel, '${PREFERENCE_PAR_DEFAUT.courriel}') AS mode, coalesce(p.heure_resume, ${PREFERENCE_PAR_DEFAUT.heureResume}) AS heure`;

export type ResultatImmediat = 'envoye' | 'deja_envoye' | 'ignore';

/**
 * The e-mail channel's work: one notification at once, and the daily digests. The
 * `notification` row is the truth: `courriel_envoye_a` says it was mailed, alone or in a digest,
 * and both paths lock the rows they mail, so neither mails what the other has.
 */
@Injectable()
export class CourrielService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: CourrielTransport,
    private readonly jobs: CourrielJobs,
    private readonly calendars: CalendarRegistry,
  ) {}

  /**
   * Mails one notification if it still should be: not mailed yet, its recipient active and still
   * in 'immediat' (one who switched to 'resume' gets it in the digest; to 'aucun', never).
   *
   * At least once: the mail is sent, then the row marked, in the transaction that holds the
   * row's lock. A crash (or a lost connection) between the relay's acceptance and the commit
   * sends it again on the retry. That second copy is harmless: it carries the same Message-ID
   * `<notification-{id}@domain>`, which mail clients and servers use to drop duplicates. The
   * other order (mark, then send) would lose the mail instead (ADR 0009).
   */
  async envoyerImmediat(notificationId: string): Promise<ResultatImmediat> {
    // A job left in Redis from a run with the channel on: the row stays unmailed for a later run.
    if (!this.transport.actif) return 'ignore';
    return this.dataSource.transaction(async (manager) => {
      const [row]: Array<NotificationSql & { courriel_envoye_a: Date | null; email: string; actif: boolean; mode: ModeCourriel }> = await manager.query(
        `SELECT n.id, n.type, n.reference, n.titre, n.lien, n.creee_a, n.courriel_envoye_a, u.email, u.actif, ${PREFERENCE_SQL}
           FROM notification n
           JOIN users u ON u.id = n.destinataire_id
           LEFT JOIN notification_preference p ON p.user_id = n.destinataire_id
          WHERE n.id = $1
          FOR UPDATE OF n`,
        [notificationId],
      );
      if (!row) return 'ignore';
      if (row.courriel_envoye_a) return 'deja_envoye';
      if (!row.actif || !row.email || row.mode !== 'immediat') return 'ignore';
      await this.transport.envoyer({
        a: row.email,
        messageId: this.transport.messageId(`notification-${row.id}`),
        courriel: courrielImmediat(enCourriel(row), this.transport.base),
      });
      await manager.query(`UPDATE notification SET courriel_envoye_a = now() WHERE id = $1`, [row.id]);
      return 'envoye';
    });
  }

  /**
   * The hourly tick: the users whose digest falls in this slot (their hour, a business day of
   * their calendar) and who have something to receive, one job each (id per user and day).
   * Returns the digests planned.
   */
  async planifierResumes(at: Date): Promise<ResumeJob[]> {
    if (!this.transport.actif) return [];
    const creneau = creneauResume(at);
    const candidats: Array<{ id: string; perimetre: string; maison_id: string | null; heure: number }> = await this.dataSource.query(
      `SELECT u.id, u.perimetre, u.maison_id, x.heure
         FROM users u
         LEFT JOIN notification_preference p ON p.user_id = u.id
         CROSS JOIN LATERAL (SELECT ${PREFERENCE_SQL}) x
        WHERE u.actif AND u.email <> '' AND x.mode <> 'aucun' AND x.heure = $1::int
          AND EXISTS (SELECT 1 FROM notification n
                       WHERE n.destinataire_id = u.id AND n.courriel_envoye_a IS NULL
                         AND n.creee_a > $2 AND n.creee_a <= CASE WHEN x.mode = 'resume' THEN $3::timestamptz ELSE $4::timestamptz END)`,
      [creneau.heure, new Date(at.getTime() - FENETRE_RESUME_MS), at, new Date(at.getTime() - DELAI_RATTRAPAGE_MS)],
    );
    const jobs: ResumeJob[] = [];
    const ouvre = new Map<string, boolean>();
    for (const u of candidats) {
      const cle = u.perimetre === 'maison' ? `maison-${u.maison_id}` : 'siege';
      if (!ouvre.has(cle)) ouvre.set(cle, await this.jourOuvre(this.dataSource.manager, u, creneau.jour));
      if (estCreneauDuResume(creneau, u.heure, () => ouvre.get(cle)!)) jobs.push({ userId: u.id, jour: creneau.jour, at: at.toISOString() });
    }
    await this.jobs.resumes(jobs);
    return jobs;
  }

  /**
   * Business days are the user's own: an MdR's people follow their Maison's calendar (its own
   * closure days, else the network's), the siège's people (directions, Cabinet, network) the
   * siège's. A digest on a day the Maison is closed would wait unread in a shared mailbox; one
   * the next open day is read.
   */
  private async jourOuvre(manager: EntityManager, u: { perimetre: string; maison_id: string | null }, jour: string): Promise<boolean> {
    const holder = u.perimetre === 'maison' && u.maison_id ? { type: 'maison' as const, id: u.maison_id } : { type: 'direction' as const, id: null };
    const { calendar } = await this.calendars.forHolder(manager, holder);
    return calendar.isBusinessDay(jour);
  }

  /**
   * One user's digest: in one transaction, marks mailed exactly the notifications it carries
   * (UPDATE … RETURNING takes their row locks: a concurrent digest or immediate send waits, then
   * finds them mailed), sends it, and commits only once the relay accepted it; a failed send rolls
   * the marks back and the job is retried. Returns the number of notifications mailed.
   *
   * The Message-ID is derived from the user, the day and the notifications carried: a digest sent
   * again after a crash before the commit is the same mail with the same id, and one that carries
   * more than the first is a different mail that hides nothing.
   */
  async envoyerResume(job: ResumeJob): Promise<number> {
    if (!this.transport.actif) return 0;
    const at = new Date(job.at);
    return this.dataSource.transaction(async (manager) => {
      const [u]: Array<{ email: string; mode: ModeCourriel }> = await manager.query(
        `SELECT u.email, ${PREFERENCE_SQL} FROM users u LEFT JOIN notification_preference p ON p.user_id = u.id WHERE u.id = $1 AND u.actif`,
        [job.userId],
      );
      const fenetre = u?.email ? fenetreDuResume(u.mode, at) : null;
      if (!fenetre) return 0;
      const rows: NotificationSql[] = await manager.query(
        // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], a SELECT with rows.
        `WITH marquees AS (
           UPDATE notification SET courriel_envoye_a = now()
            WHERE destinataire_id = $1 AND courriel_envoye_a IS NULL AND creee_a > $2 AND creee_a <= $3
            RETURNING id, type, reference, titre, lien, creee_a)
         SELECT * FROM marquees`,
        [job.userId, fenetre.depuis, fenetre.jusqua],
      );
      if (rows.length === 0) return 0;
      const empreinte = createHash('sha256').update(rows.map((r) => r.id).sort().join(',')).digest('hex').slice(0, 16);
      await this.transport.envoyer({
        a: u.email,
        messageId: this.transport.messageId(`resume-${job.userId}-${job.jour}-${empreinte}`),
        courriel: courrielResume(rows.map(enCourriel), job.jour, this.transport.base),
      });
      return rows.length;
    });
  }
}

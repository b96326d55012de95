import { createHmac, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AuthContext, Clock, decodeCursor, DEFAULT_LIMIT, DomainError, Page, toPage } from '@app/core';
import { keyringOf } from '@app/timeline';
import { anonymiserQuestion, purgerIdempotence } from './rgpd.anonymiseur';

/** The usager looked for: by e-mail or by phone (exactly one). */
export interface IdentifiantUsager {
  email?: string;
  telephone?: string;
}

export type ActeRgpd = 'retention' | 'effacement' | 'acces';

export interface RgpdJournalView {
  id: string;
  at: string;
  acte: ActeRgpd;
  acteur: { id: string; displayName: string } | null;
  motif: string | null;
  /** Questions concerned (ids): their data is gone for retention and erasure. */
  questions: string[];
  evenements: number;
}

export interface RetentionReport {
  questions: number;
  evenements: number;
  nonAnonymisables: number;
  lots: number;
}

export interface ExportRgpd {
  genereLe: string;
  responsableDuTraitement: string;
  recherche: Record<string, string>;
  questions: unknown[];
}

export interface EffacementView {
  journalId: string;
  questions: Array<{ id: string; reference: string }>;
  evenements: number;
}

/** Questions per transaction of the retention job: short locks, progress kept if the job stops. */
const LOT = 50;

class QuestionsOuvertesError extends DomainError {
  constructor(ouvertes: Array<{ id: string; reference: string; statut: string }>) {
    super(
      'RGPD_QUESTIONS_OUVERTES',
      'conflict',
      `Effacement refusé : ${ouvertes.length === 1 ? 'la question' : 'les questions'} ${ouvertes.map((q) => q.reference).join(', ')} ${ouvertes.length === 1 ? 'est encore ouverte' : 'sont encore ouvertes'}. Clôturez-les d’abord (ou attendez leur réponse), puis effacez.`,
      { questionsOuvertes: ouvertes },
    );
  }
}

/**
 * Data protection (issue 16, ADR 0023, docs/rgpd.md): the retention job, the right of access
 * (an export of everything held on one usager) and the right to erasure (the retention job's
 * anonymisation, now, for one usager), each act written to the append-only rgpd_journal.
 */
@Injectable()
export class RgpdService {
  private readonly logger = new Logger(RgpdService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Closed before this instant: anonymised by the retention job. */
  limiteRetention(now = this.clock.now()): Date {
    // Calendar months, the day kept (clamped to the month's last): 31 March less one month is 28 or 29 February.
    const limite = new Date(now.getTime());
    const day = limite.getUTCDate();
    limite.setUTCDate(1);
    limite.setUTCMonth(limite.getUTCMonth() - this.config.RGPD_RETENTION_MOIS);
    const lastDay = new Date(Date.UTC(limite.getUTCFullYear(), limite.getUTCMonth() + 1, 0)).getUTCDate();
    limite.setUTCDate(Math.min(day, lastDay));
    return limite;
  }

  /**
   * Anonymises every question closed more than RGPD_RETENTION_MOIS ago, in batches of LOT, one
   * transaction and one journal row per batch. Two workers at once take different rows (SKIP
   * LOCKED); a question reopened meanwhile is no longer `close` and is skipped. Idempotent: an
   * anonymised question leaves the index the batches read.
   */
  async retention(): Promise<RetentionReport> {
    const report: RetentionReport = { questions: 0, evenements: 0, nonAnonymisables: 0, lots: 0 };
    const limite = this.limiteRetention();
    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        const ids: string[] = (
          await m.query(
            `SELECT id FROM question WHERE statut = 'close' AND anonymisee_le IS NULL AND closed_at < $1
              ORDER BY closed_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
            [limite, LOT],
          )
        ).map((r: { id: string }) => r.id);
        if (ids.length === 0) return 0;
        const at = this.clock.now();
        let evenements = 0;
        for (const id of ids) {
          const done = await anonymiserQuestion(m, id, at);
          evenements += done.evenements;
          report.nonAnonymisables += done.nonAnonymisables;
        }
        await purgerIdempotence(m, ids);
        await this.journaliser(m, { acte: 'retention', acteurId: null, motif: null, identifiant: null, questions: ids, evenements, at });
        report.evenements += evenements;
        return ids.length;
      });
      if (n === 0) break;
      report.questions += n;
      report.lots += 1;
      if (n < LOT) break;
    }
    if (report.questions > 0) this.logger.log({ rgpd: report }, 'rétention RGPD : questions anonymisées');
    if (report.nonAnonymisables > 0) this.logger.warn({ rgpd: { nonAnonymisables: report.nonAnonymisables } }, 'rétention RGPD : événements antérieurs au format 2 laissés intacts (ADR 0023)');
    return report;
  }

  /** The right of access: everything held on the usager, as JSON; journaled. */
  async acces(ctx: AuthContext, identifiant: IdentifiantUsager): Promise<ExportRgpd> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const questions = await this.questionsDe(m, identifiant);
      const ids = questions.map((q) => q.id);
      const at = this.clock.now();
      const details = ids.length === 0 ? [] : await this.exporter(m, ids);
      await this.journaliser(m, { acte: 'acces', acteurId: ctx.userId, motif: null, identifiant, questions: ids, evenements: 0, at });
      return {
        genereLe: at.toISOString(),
        responsableDuTraitement: 'Région Occitanie — Relais (Maisons de la Région)',
        recherche: (identifiant.email ? { email: identifiant.email } : { telephone: identifiant.telephone ?? '' }) as Record<string, string>,
        questions: details,
      };
    });
  }

  /**
   * The right to erasure: the retention job's anonymisation, now, on the usager's questions.
   * Refused (409 naming them) while one is still open: its handling needs the contact; close it
   * first. Journaled with the motif.
   */
  async effacer(ctx: AuthContext, identifiant: IdentifiantUsager, motif: string): Promise<EffacementView> {
    return this.dataSource.transaction(async (m) => {
      const found = await this.questionsDe(m, identifiant);
      const ids = found.map((q) => q.id);
      const locked: Array<{ id: string; reference: string; statut: string }> = ids.length
        ? await m.query(`SELECT id, reference, statut FROM question WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids])
        : [];
      const ouvertes = locked.filter((q) => q.statut !== 'close');
      if (ouvertes.length > 0) throw new QuestionsOuvertesError(ouvertes.map((q) => ({ id: q.id, reference: q.reference, statut: q.statut })));
      const at = this.clock.now();
      let evenements = 0;
      for (const q of locked) evenements += (await anonymiserQuestion(m, q.id, at)).evenements;
      await purgerIdempotence(m, ids);
      const journalId = await this.journaliser(m, { acte: 'effacement', acteurId: ctx.userId, motif, identifiant, questions: ids, evenements, at });
      return { journalId, questions: locked.map((q) => ({ id: q.id, reference: q.reference })), evenements };
    });
  }

  /** The register, newest first, house keyset pagination; with the retention period in force, which the page states. */
  async journal(query: { limit?: number; cursor?: string }): Promise<Page<RgpdJournalView> & { retentionMois: number }> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = decodeCursor(query.cursor);
    const rows: Array<{ id: string; at: Date; acte: ActeRgpd; acteur_id: string | null; acteur_nom: string | null; motif: string | null; questions: string[]; evenements: number }> =
      await this.dataSource.query(
        `SELECT j.id, j.at, j.acte, j.acteur_id, u.display_name AS acteur_nom, j.motif, j.questions, j.evenements
           FROM rgpd_journal j LEFT JOIN users u ON u.id = j.acteur_id
          WHERE ($1::timestamptz IS NULL OR (j.at, j.id) < ($1::timestamptz, $2::uuid))
          ORDER BY j.at DESC, j.id DESC
          LIMIT $3`,
        [after?.k ?? null, after?.id ?? null, limit + 1],
      );
    const items = rows.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      acte: r.acte,
      acteur: r.acteur_id ? { id: r.acteur_id, displayName: r.acteur_nom ?? '' } : null,
      motif: r.motif,
      questions: r.questions,
      evenements: r.evenements,
    }));
    return { ...toPage(items, limit, (last) => ({ k: last.at, id: last.id })), retentionMois: this.config.RGPD_RETENTION_MOIS };
  }

  /** The usager's questions not yet anonymised (an anonymised one no longer holds the identifier), by an index on each. */
  private questionsDe(m: EntityManager, identifiant: IdentifiantUsager): Promise<Array<{ id: string }>> {
    return identifiant.email
      ? m.query(QUESTIONS_PAR_EMAIL, [normaliserEmail(identifiant.email)])
      : m.query(QUESTIONS_PAR_TELEPHONE, [normaliserTelephone(identifiant.telephone ?? '')]);
  }

  private async exporter(m: EntityManager, ids: string[]): Promise<unknown[]> {
    const questions: Array<Record<string, unknown>> = await m.query(
      `SELECT q.id, q.reference, q.objet, q.description, q.canal, q.priorite, q.statut, q.reponse, q.issue,
              q.created_at AS "recueLe", q.escaladee_at AS "escaladeeLe", q.closed_at AS "closeLe",
              ma.nom AS maison, d.nom AS dispositif, di.nom AS direction,
              json_build_object('nom', u.nom, 'organisation', u.organisation, 'email', u.email, 'telephone', u.telephone,
                                'consentement', u.consentement, 'consentiLe', u.consenti_le) AS usager
         FROM question q
         JOIN question_usager u ON u.question_id = q.id
         JOIN maison ma ON ma.id = q.maison_id
         LEFT JOIN dispositif d ON d.id = q.dispositif_id
         LEFT JOIN direction di ON di.id = q.direction_id
        WHERE q.id = ANY($1::uuid[])
        ORDER BY q.created_at, q.id`,
      [ids],
    );
    const fil: Array<{ ticket_id: string } & Record<string, unknown>> = await m.query(
      `SELECT ticket_id, seq, type, at, acteur_nom AS acteur, acteur_role AS "roleActeur", visibilite, data
         FROM timeline_event WHERE ticket_type = 'question' AND ticket_id = ANY($1::uuid[]) ORDER BY ticket_id, seq`,
      [ids],
    );
    const liens: Array<{ question_id: string } & Record<string, unknown>> = await m.query(
      `SELECT question_id, cree_le AS "creeLe", revoque_le AS "revoqueLe" FROM question_lien_suivi WHERE question_id = ANY($1::uuid[]) ORDER BY cree_le`,
      [ids],
    );
    const notifications: Array<{ ticket_id: string } & Record<string, unknown>> = await m.query(
      `SELECT ticket_id, type, titre, creee_a AS "creeeLe" FROM notification WHERE ticket_id = ANY($1::uuid[]) ORDER BY creee_a, id`,
      [ids],
    );
    return questions.map((q) => {
      const of = <T extends Record<string, unknown>>(rows: T[], key: string) => rows.filter((r) => r[key] === q.id).map(({ [key]: _, ...rest }) => rest);
      return { ...q, fil: of(fil, 'ticket_id'), liensSuivi: of(liens, 'question_id'), notifications: of(notifications, 'ticket_id') };
    });
  }

  private async journaliser(
    m: EntityManager,
    e: { acte: ActeRgpd; acteurId: string | null; motif: string | null; identifiant: IdentifiantUsager | null; questions: string[]; evenements: number; at: Date },
  ): Promise<string> {
    const id = randomUUID();
    await m.query(
      `INSERT INTO rgpd_journal (id, at, acte, acteur_id, motif, identifiant_empreinte, questions, evenements) VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[], $8)`,
      [id, e.at, e.acte, e.acteurId, e.motif, e.identifiant ? this.empreinteIdentifiant(m, e.identifiant) : null, e.questions, e.evenements],
    );
    return id;
  }

  /**
   * The identifier searched for, kept only as a keyed digest (the timeline's current key, never
   * in the database): two acts about the same usager can be related, the identifier cannot be
   * read back nor found by trying phone numbers.
   */
  private empreinteIdentifiant(m: EntityManager, identifiant: IdentifiantUsager): string {
    const keyring = keyringOf(m);
    const valeur = identifiant.email ? `email:${normaliserEmail(identifiant.email)}` : `telephone:${normaliserTelephone(identifiant.telephone ?? '')}`;
    return createHmac('sha256', keyring.keys.get(keyring.currentKeyId)!).update(`relais.rgpd.identifiant.1:${valeur}`, 'utf8').digest('hex');
  }
}

export function normaliserEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Digits only, a French number's +33 / 0033 written as its leading 0: `+33 4 68 11 22 33` is `0468112233`. */
export function normaliserTelephone(telephone: string): string {
  const digits = telephone.replace(/\D/g, '');
  const m = /^(?:0033|33)(\d{9})$/.exec(digits);
  return m ? `0${m[1]}` : digits;
}

/**
 * The rights' searches. Their expressions are exactly those of the partial indexes
 * idx_question_usager_email and idx_question_usager_telephone (migration Rgpd1795655000000):
 * normaliserEmail and normaliserTelephone in SQL.
 */
export const QUESTIONS_PAR_EMAIL = `SELECT question_id AS id FROM question_usager
  WHERE email IS NOT NULL AND lower(btrim(email)) = $1 ORDER BY question_id`;
export const QUESTIONS_PAR_TELEPHONE = `SELECT question_id AS id FROM question_usager
  WHERE telephone IS NOT NULL AND regexp_replace(regexp_replace(telephone, '\\D', '', 'g'), '^(?:0033|33)(\\d{9})$', '0\\1') = $1 ORDER BY question_id`;

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConcurrentUpdateError } from '@app/core';
import { RecordedEvent, recordTicketEvents, TimelineHead } from '@app/timeline';
import { Question, QuestionProps } from '../domain/question.aggregate';
import {
  LienSuiviRemisEvent,
  MessageAjouteEvent,
  QuestionEscaladeeEvent,
  QuestionEvent,
  QuestionReorienteeEvent,
  QuestionRepondueEvent,
} from '../domain/question.events';
import { QuestionRow } from './question.entities';

export interface UsagerData {
  nom: string;
  organisation: string | null;
  email: string | null;
  telephone: string | null;
  consentement: boolean;
}

/** Built once: an Intl formatter costs a third of a millisecond to construct, per question (issue #17). */
const PARIS_YEAR = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric' });

/**
 * Loads and saves Question aggregates. A save writes, in the caller's transaction, the row
 * (with a version check), the holder history, the timeline events and the outbox rows — all
 * from the aggregate's uncommitted events, never afterwards.
 */
@Injectable()
export class QuestionRepository {
  /** Q-<year>-<6+ digits>: a sequence is gap-tolerant and safe under any concurrency. */
  async nextReference(manager: EntityManager, at: Date): Promise<string> {
    const [{ n }] = await manager.query(`SELECT nextval('question_reference_seq')::text AS n`);
    const year = PARIS_YEAR.format(at);
    return `Q-${year}-${String(n).padStart(6, '0')}`;
  }

  async load(manager: EntityManager, id: string): Promise<Question | null> {
    const row = await manager.getRepository(QuestionRow).findOneBy({ id });
    return row ? Question.rehydrate(toProps(row)) : null;
  }

  /**
   * `load`, and in the same statement whether `directionId` (the caller's direction) ever held
   * the question: the scope check needs it, one round trip less (issue #17).
   */
  async loadWithAccess(manager: EntityManager, id: string, directionId: string | null): Promise<{ question: Question; held: boolean } | null> {
    const qb = manager.getRepository(QuestionRow).createQueryBuilder('q').where('q.id = :id', { id });
    if (directionId)
      qb.addSelect(
        `EXISTS (SELECT 1 FROM question_acces_direction a WHERE a.direction_id = :directionId AND a.question_created_at = q.created_at AND a.question_id = q.id)`,
        'held',
      ).setParameter('directionId', directionId);
    const { entities, raw } = await qb.getRawAndEntities();
    if (entities.length === 0) return null;
    return { question: Question.rehydrate(toProps(entities[0])), held: Boolean(raw[0]?.held) };
  }

  async insert(manager: EntityManager, question: Question, usager: UsagerData): Promise<void> {
    const p = question.snapshot;
    // One statement for the question and its usager (issue #17); the usager's foreign key is
    // checked at the end of the statement, once the question row is there.
    await manager
      .getRepository(QuestionRow)
      .createQueryBuilder()
      .addCommonTableExpression(
        `INSERT INTO question_usager (question_id, nom, organisation, email, telephone, consentement, consenti_le, anonymise_le)
         VALUES (:usagerQuestionId, :usagerNom, :usagerOrganisation, :usagerEmail, :usagerTelephone, :usagerConsentement, :usagerConsentiLe, NULL)`,
        'usager',
      )
      .setParameters({
        usagerQuestionId: p.id,
        usagerNom: usager.nom,
        usagerOrganisation: usager.organisation,
        usagerEmail: usager.email,
        usagerTelephone: usager.telephone,
        usagerConsentement: usager.consentement,
        usagerConsentiLe: p.createdAt,
      })
      .insert()
      .values({ ...p, updatedAt: p.createdAt, version: 1 })
      .execute();
    // A new row's timeline has no head yet (fil_seq defaults to 0): nothing to read.
    await this.writeEvents(manager, question, { seq: 0, hash: null, mac: null, cle: null });
    question.markSaved(1);
  }

  /**
   * Saves a loaded aggregate. A state change bumps the version (`UPDATE … WHERE version = n`:
   * of two concurrent writers exactly one wins, the other gets a 409); a message alone only
   * locks the row, so that writing a note never makes someone else's If-Match stale. Handing a
   * tracking link changes no state either.
   *
   * Either statement returns the timeline's head, read under the row lock it takes: appending
   * the events then reads nothing more (issue #17). Returns the events as recorded, after
   * `apres` (the head before them), for the SLA derivation in the same transaction.
   */
  async save(manager: EntityManager, question: Question): Promise<{ apres: number; events: RecordedEvent[] }> {
    const events = question.getUncommittedEvents();
    const p = question.snapshot;
    if (events.length === 0) return { apres: -1, events: [] };
    const onlyMessages = events.every((e) => e instanceof MessageAjouteEvent || e instanceof LienSuiviRemisEvent);
    let rows: HeadRow[];
    if (onlyMessages) {
      rows = await manager.query(`SELECT ${HEAD_COLUMNS} FROM question WHERE id = $1 FOR UPDATE`, [p.id]);
      if (rows.length === 0) throw new ConcurrentUpdateError();
    } else {
      // Raw SQL for RETURNING: the repository's update() answers only the count.
      [rows] = await manager.query(
        `UPDATE question SET statut = $3, direction_id = $4, referent_id = $5, reponse = $6, issue = $7, escaladee_at = $8, closed_at = $9,
                updated_at = $10, version = $11
          WHERE id = $1 AND version = $2
          RETURNING ${HEAD_COLUMNS}`,
        [p.id, p.version, p.statut, p.directionId, p.referentId, p.reponse, p.issue, p.escaladeeAt, p.closedAt, events[events.length - 1].at, p.version + 1],
      );
      if (rows.length !== 1) throw new ConcurrentUpdateError();
      question.markSaved(p.version + 1);
    }
    const head = rows[0];
    return { apres: head.seq, events: await this.writeEvents(manager, question, head) };
  }

  private async writeEvents(manager: EntityManager, question: Question, head: TimelineHead): Promise<RecordedEvent[]> {
    const events = question.getUncommittedEvents();
    const p = question.snapshot;
    await this.recordDetention(manager, events);
    return recordTicketEvents(manager, 'question', p.id, events, (e) => outboxPayload(e, p), head);
  }

  /**
   * Keeps the holder history: escalation and reorientation open a detention (and grant the
   * direction read access for good), an answer ends it.
   */
  private async recordDetention(manager: EntityManager, events: QuestionEvent[]): Promise<void> {
    for (const e of events) {
      const hands = e instanceof QuestionEscaladeeEvent || e instanceof QuestionReorienteeEvent;
      if (!hands && !(e instanceof QuestionRepondueEvent)) continue;
      if (!hands) {
        await manager.query(`UPDATE question_detention SET jusqu_a = $2 WHERE question_id = $1 AND jusqu_a IS NULL`, [e.questionId, e.at]);
        continue;
      }
      // One statement (issue #17): the holding closed, the next one opened, the direction's
      // access granted. The UPDATE sees the table as it was before the statement, so the new
      // holding is not closed with the old one.
      await manager.query(
        `WITH fin AS (UPDATE question_detention SET jusqu_a = $2 WHERE question_id = $1 AND jusqu_a IS NULL),
              debut AS (INSERT INTO question_detention (question_id, direction_id, depuis, jusqu_a) VALUES ($1, $3::uuid, $2, NULL))
         INSERT INTO question_acces_direction (direction_id, question_created_at, question_id)
         SELECT $3::uuid, created_at, id FROM question WHERE id = $1 AND $3::uuid IS NOT NULL
         ON CONFLICT DO NOTHING`,
        [e.questionId, e.at, (e.data.directionId as string | null) ?? null],
      );
    }
  }
}

/** The timeline's head anchored on the row, as libs/timeline reads it. */
const HEAD_COLUMNS = `fil_seq AS seq, fil_hash AS hash, fil_mac AS mac, fil_cle AS cle`;
type HeadRow = TimelineHead;

/** What consumers of the outbox need: the event, and where the question stands now. */
function outboxPayload(e: QuestionEvent, p: Readonly<QuestionProps>): Record<string, unknown> {
  return {
    ...e.data,
    questionId: p.id,
    reference: p.reference,
    statut: p.statut,
    maisonId: p.maisonId,
    directionId: p.directionId,
    priorite: p.priorite,
    dispositifId: p.dispositifId,
    themeId: p.themeId,
    acteurId: e.acteur?.id ?? null,
    visibilite: e.visibilite,
    at: e.at.toISOString(),
  };
}

export function toProps(row: QuestionRow): QuestionProps {
  return {
    id: row.id,
    reference: row.reference,
    maisonId: row.maisonId,
    objet: row.objet,
    description: row.description,
    canal: row.canal,
    priorite: row.priorite,
    dispositifId: row.dispositifId,
    themeId: row.themeId,
    statut: row.statut,
    directionId: row.directionId,
    referentId: row.referentId,
    reponse: row.reponse,
    issue: row.issue,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    escaladeeAt: row.escaladeeAt,
    closedAt: row.closedAt,
    version: row.version,
  };
}

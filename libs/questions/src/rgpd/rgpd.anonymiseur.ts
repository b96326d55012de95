import { EntityManager } from 'typeorm';
import { anonymiserFil, TEXTE_ANONYMISE } from '@app/timeline';

/** Keys whose string values are an usager's data or a free text that may hold it, wherever they appear in a stored payload. */
const CLES_PERSONNELLES = new Set(['objet', 'description', 'message', 'reponse', 'motif', 'issue', 'texte', 'nom', 'organisation', 'email', 'telephone']);

/**
 * A copy of a JSON value with every free text and every string holding one of `secrets` (the
 * usager's name, e-mail, phone…) replaced by « [anonymisé] »: for the payloads kept beside the
 * timeline (outbox, notifications), whose shape varies by event.
 */
export function caviarder(value: unknown, secrets: string[], cle?: string): unknown {
  if (typeof value === 'string') {
    if (cle !== undefined && CLES_PERSONNELLES.has(cle)) return TEXTE_ANONYMISE;
    const lower = value.toLowerCase();
    return secrets.some((s) => lower.includes(s)) ? TEXTE_ANONYMISE : value;
  }
  if (Array.isArray(value)) return value.map((v) => caviarder(v, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, caviarder(v, secrets, k)]));
  }
  return value;
}

export interface QuestionAnonymisee {
  questionId: string;
  /** Timeline events whose free texts were replaced. */
  evenements: number;
  /** Timeline events from before format 2, whose free texts had to stay (ADR 0023). */
  nonAnonymisables: number;
}

/**
 * Anonymises one question everywhere its usager's data can be (ADR 0023, docs/rgpd.md), in the
 * caller's transaction, the question row locked by the caller: the usager's name, organisation,
 * e-mail and phone; the question's objet, description, answer and issue; the timeline's free
 * texts (the chain still verifies); the outbox payloads; notification titles naming them; its
 * tracking links (and, per batch, purgerIdempotence for the stored answers). What counts (dates, states,
 * Maison, dispositif, thème, direction, SLA clocks) stays, so the dashboards do not move.
 * Idempotent.
 */
export async function anonymiserQuestion(m: EntityManager, questionId: string, at: Date): Promise<QuestionAnonymisee> {
  const [usager]: Array<{ nom: string | null; organisation: string | null; email: string | null; telephone: string | null }> = await m.query(
    `SELECT nom, organisation, email, telephone FROM question_usager WHERE question_id = $1`,
    [questionId],
  );
  const secrets = secretsOf(usager);

  await m.query(
    `UPDATE question_usager
        SET nom = CASE WHEN nom IS NULL THEN NULL ELSE $2::text END,
            organisation = CASE WHEN organisation IS NULL THEN NULL ELSE $2::text END,
            email = NULL, telephone = NULL, anonymise_le = COALESCE(anonymise_le, $3)
      WHERE question_id = $1`,
    [questionId, TEXTE_ANONYMISE, at],
  );
  await m.query(
    `UPDATE question
        SET objet = $2::text, description = $2::text,
            reponse = CASE WHEN reponse IS NULL THEN NULL ELSE $2::text END,
            issue = CASE WHEN issue IS NULL THEN NULL ELSE $2::text END,
            anonymisee_le = COALESCE(anonymisee_le, $3), version = version + 1
      WHERE id = $1`,
    [questionId, TEXTE_ANONYMISE, at],
  );
  const fil = await anonymiserFil(m, 'question', questionId);

  // The question's outbox rows are its timeline events' (same ids): found by primary key, as
  // are the notifications about them (uq_notification_evenement_destinataire). Webhook
  // deliveries are left: their payloads carry a whitelist of ids and codes (ADR 0011).
  const outbox: Array<{ id: string; payload: unknown }> = await m.query(
    `SELECT o.id, o.payload FROM outbox o WHERE o.id IN (SELECT e.id FROM timeline_event e WHERE e.ticket_type = 'question' AND e.ticket_id = $1)`,
    [questionId],
  );
  for (const row of outbox) {
    const payload = caviarder(row.payload, secrets);
    if (JSON.stringify(payload) !== JSON.stringify(row.payload)) await m.query(`UPDATE outbox SET payload = $2::jsonb WHERE id = $1`, [row.id, JSON.stringify(payload)]);
  }
  const notifications: Array<{ id: string; titre: string }> = await m.query(
    `SELECT n.id, n.titre FROM notification n WHERE n.evenement_id IN (SELECT e.id FROM timeline_event e WHERE e.ticket_type = 'question' AND e.ticket_id = $1)`,
    [questionId],
  );
  for (const row of notifications) {
    const titre = caviarder(row.titre, secrets) as string;
    if (titre !== row.titre) await m.query(`UPDATE notification SET titre = $2 WHERE id = $1`, [row.id, titre]);
  }
  // The usager's links: nothing to follow any more.
  await m.query(`DELETE FROM question_lien_suivi WHERE question_id = $1`, [questionId]);
  return { questionId, evenements: fil.evenements, nonAnonymisables: fil.nonAnonymisables };
}

/** The usager's identifying strings, lower-cased, as they may appear inside other texts (a phone also by its digits). */
function secretsOf(u: { nom: string | null; organisation: string | null; email: string | null; telephone: string | null } | undefined): string[] {
  if (!u) return [];
  const out = [u.nom, u.organisation, u.email, u.telephone].filter((s): s is string => !!s && s !== TEXTE_ANONYMISE && s.trim().length >= 3);
  if (u.telephone) {
    const digits = u.telephone.replace(/\D/g, '');
    if (digits.length >= 6) out.push(digits);
  }
  return out.map((s) => s.trim().toLowerCase());
}

/**
 * A stored idempotent answer replayed later would hand the data back: those about the questions
 * (their scope or answer names one) go. The table holds 24 hours of keys (hourly purge): one scan
 * per batch.
 */
export async function purgerIdempotence(m: EntityManager, questionIds: string[]): Promise<void> {
  if (questionIds.length === 0) return;
  await m.query(
    `DELETE FROM idempotency_key k
      WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS q(id) WHERE position(q.id in k.scope) > 0 OR position(q.id in k.response::text) > 0)`,
    [questionIds],
  );
}

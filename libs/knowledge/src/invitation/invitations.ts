import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { FTS_CONFIG } from '../persistence/capitalisation.entities';
import { racinesUtiles, seRessemblent } from './ressemblance';

/** The outbox event that prompts the référents (the notification rule keys on it). */
export const CAPITALISATION_SUGGEREE = 'capitalisation.suggeree';
/** The event on the latest question's fil (internal to the direction). */
export const QUESTION_CAPITALISATION_SUGGEREE = 'question.capitalisation_suggeree';

/** An escalation of the window, with its objet's stems and the invitation it belongs to, if any. */
interface Escalade {
  id: string;
  escaladeeAt: Date;
  racines: Set<string>;
  invitationId: string | null;
  ouverte: boolean;
}

interface Publiee {
  id: string;
  publieeLe: Date;
  questionSourceId: string | null;
  racines: Set<string>;
}

/** The dispositif, its direction and the stems of its name (noise for the similarity). */
export async function chargerDispositif(manager: EntityManager, dispositifId: string): Promise<{ id: string; nom: string; directionId: string; bruit: Set<string> } | null> {
  const [d] = await manager.query(
    `SELECT id, nom, direction_id, tsvector_to_array(to_tsvector('${FTS_CONFIG}', nom)) AS bruit FROM dispositif WHERE id = $1`,
    [dispositifId],
  );
  return d ? { id: d.id, nom: d.nom, directionId: d.direction_id, bruit: new Set(d.bruit) } : null;
}

/**
 * The escalations on a dispositif since `depuis`, oldest first (idx_question_dispositif_escaladee:
 * the dispositif's escalations of a few weeks, a few dozen rows), with the stems of their objet.
 */
export async function escaladesRecentes(manager: EntityManager, dispositifId: string, depuis: Date, bruit: ReadonlySet<string>): Promise<Escalade[]> {
  const rows: Array<{ id: string; escaladee_at: Date; lexemes: string[]; invitation_id: string | null; ouverte: boolean }> = await manager.query(
    `SELECT q.id, q.escaladee_at, tsvector_to_array(to_tsvector('${FTS_CONFIG}', q.objet)) AS lexemes,
            ciq.invitation_id, (ci.id IS NOT NULL AND ci.resolue_le IS NULL) AS ouverte
       FROM question q
       LEFT JOIN capitalisation_invitation_question ciq ON ciq.question_id = q.id
       LEFT JOIN capitalisation_invitation ci ON ci.id = ciq.invitation_id
      WHERE q.dispositif_id = $1 AND q.escaladee_at IS NOT NULL AND q.escaladee_at >= $2
      ORDER BY q.escaladee_at, q.id`,
    [dispositifId, depuis],
  );
  return rows.map((r) => ({
    id: r.id,
    escaladeeAt: new Date(r.escaladee_at),
    racines: racinesUtiles(r.lexemes, bruit),
    invitationId: r.invitation_id,
    ouverte: r.ouverte,
  }));
}

/** The published answers of a dispositif that are not withdrawn (idx_reponse_publiee_dispositif). */
async function reponsesPubliees(manager: EntityManager, dispositifId: string, bruit: ReadonlySet<string>): Promise<Publiee[]> {
  const rows: Array<{ id: string; publiee_le: Date; question_source_id: string | null; lexemes: string[] }> = await manager.query(
    `SELECT id, publiee_le, question_source_id, tsvector_to_array(to_tsvector('${FTS_CONFIG}', question)) AS lexemes
       FROM reponse_publiee WHERE dispositif_id = $1 AND retiree_le IS NULL ORDER BY publiee_le, id`,
    [dispositifId],
  );
  return rows.map((r) => ({ id: r.id, publieeLe: new Date(r.publiee_le), questionSourceId: r.question_source_id, racines: racinesUtiles(r.lexemes, bruit) }));
}

/** A published answer that covers these questions: published from one of them, or asking the same. */
function reponseQuiCouvre(publiees: Publiee[], questions: Array<{ id: string; racines: Set<string> }>): Publiee | undefined {
  const ids = new Set(questions.map((q) => q.id));
  return publiees.find((p) => (p.questionSourceId !== null && ids.has(p.questionSourceId)) || questions.some((q) => seRessemblent(p.racines, q.racines)));
}

/**
 * Closes the open invitations of a dispositif that a published answer now covers (`publiee`).
 * Publishing is another use case (its routes do not know about invitations): the invitations
 * catch up whenever they are read or a new escalation on the dispositif is handled.
 */
export async function resoudreParPublication(manager: EntityManager, dispositifId: string): Promise<number> {
  const ouvertes: Array<{ id: string }> = await manager.query(
    `SELECT id FROM capitalisation_invitation WHERE dispositif_id = $1 AND resolue_le IS NULL`,
    [dispositifId],
  );
  if (ouvertes.length === 0) return 0;
  const d = await chargerDispositif(manager, dispositifId);
  if (!d) return 0;
  const publiees = await reponsesPubliees(manager, dispositifId, d.bruit);
  if (publiees.length === 0) return 0;
  const membres: Array<{ invitation_id: string; id: string; lexemes: string[] }> = await manager.query(
    `SELECT ciq.invitation_id, q.id, tsvector_to_array(to_tsvector('${FTS_CONFIG}', q.objet)) AS lexemes
       FROM capitalisation_invitation_question ciq JOIN question q ON q.id = ciq.question_id
      WHERE ciq.invitation_id = ANY($1::uuid[])`,
    [ouvertes.map((o) => o.id)],
  );
  let resolues = 0;
  for (const o of ouvertes) {
    const questions = membres.filter((m) => m.invitation_id === o.id).map((m) => ({ id: m.id, racines: racinesUtiles(m.lexemes, d.bruit) }));
    const reponse = reponseQuiCouvre(publiees, questions);
    if (!reponse) continue;
    const r = await manager.query(
      `UPDATE capitalisation_invitation SET resolue_le = $2, resolution = 'publiee', reponse_publiee_id = $3, version = version + 1
        WHERE id = $1 AND resolue_le IS NULL RETURNING id`,
      [o.id, reponse.publieeLe, reponse.id],
    );
    resolues += r.length;
  }
  return resolues;
}

/** Serialises, to the end of the transaction, whoever creates or resolves the invitations of a dispositif. */
export async function verrouillerDispositif(manager: EntityManager, dispositifId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('capitalisation:' || $1::text, 0))`, [dispositifId]);
}

export type IssueInvitation =
  | { issue: 'sans_objet' }
  | { issue: 'deja_groupee'; invitationId: string }
  | { issue: 'rattachee'; invitationId: string }
  | { issue: 'trop_peu'; semblables: number }
  | { issue: 'deja_publiee'; reponsePublieeId: string }
  | { issue: 'creee'; invitationId: string; evenementId: string; questionIds: string[] };

/**
 * Handles one escalation (or rerouting) of `questionId`, in the caller's transaction: finds the
 * escalations of its dispositif in the window that look like it, and when they reach the
 * threshold and nothing covers them yet (an open invitation, a published answer), records the
 * invitation with its questions, the event on the latest question's fil and the outbox row that
 * notifies the direction's référents. Serialised per dispositif by an advisory lock held to the
 * end of the transaction; the key on the grouped questions refuses a duplicate group anyway.
 */
export async function inviterACapitaliser(
  manager: EntityManager,
  params: { questionId: string; dispositifId: string; now: Date; seuil: number; fenetreSemaines: number },
  appendEvent: (manager: EntityManager, e: { questionId: string; eventId: string; at: Date; directionId: string; data: Record<string, unknown>; payload: Record<string, unknown> }) => Promise<void>,
): Promise<IssueInvitation> {
  const { questionId, dispositifId, now, seuil, fenetreSemaines } = params;
  await verrouillerDispositif(manager, dispositifId);
  const d = await chargerDispositif(manager, dispositifId);
  if (!d) return { issue: 'sans_objet' };
  await resoudreParPublication(manager, dispositifId);

  const depuis = new Date(now.getTime() - fenetreSemaines * 7 * 86_400_000);
  const escalades = await escaladesRecentes(manager, dispositifId, depuis, d.bruit);
  const cible = escalades.find((e) => e.id === questionId);
  if (!cible) return { issue: 'sans_objet' };
  if (cible.invitationId) return { issue: 'deja_groupee', invitationId: cible.invitationId };

  const semblables = escalades.filter((e) => e.id !== cible.id && seRessemblent(cible.racines, e.racines));
  // An open invitation already asks for this answer: the question joins it, nobody is prompted twice.
  const ouverte = semblables.find((e) => e.ouverte);
  if (ouverte) {
    await manager.query(
      `INSERT INTO capitalisation_invitation_question (question_id, invitation_id, ajoutee_le) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [cible.id, ouverte.invitationId, now],
    );
    return { issue: 'rattachee', invitationId: ouverte.invitationId! };
  }
  // Questions of a dismissed (or answered) invitation were dealt with: they do not count again.
  const groupe = [...semblables.filter((e) => !e.invitationId), cible].sort((a, b) => a.escaladeeAt.getTime() - b.escaladeeAt.getTime() || a.id.localeCompare(b.id));
  if (groupe.length < seuil) return { issue: 'trop_peu', semblables: groupe.length };
  const publiee = reponseQuiCouvre(await reponsesPubliees(manager, dispositifId, d.bruit), groupe);
  if (publiee) return { issue: 'deja_publiee', reponsePublieeId: publiee.id };

  const invitationId = randomUUID();
  const evenementId = randomUUID();
  const derniere = groupe[groupe.length - 1];
  const questionIds = groupe.map((q) => q.id);
  await manager.query(
    `INSERT INTO capitalisation_invitation (id, dispositif_id, direction_id, question_id, evenement_id, creee_le) VALUES ($1, $2, $3, $4, $5, $6)`,
    [invitationId, dispositifId, d.directionId, derniere.id, evenementId, now],
  );
  await manager.query(
    `INSERT INTO capitalisation_invitation_question (question_id, invitation_id, ajoutee_le) SELECT unnest($1::uuid[]), $2, $3`,
    [questionIds, invitationId, now],
  );
  const data = { invitationId, dispositifId, questionIds, nombre: questionIds.length };
  await appendEvent(manager, {
    questionId: derniere.id,
    eventId: evenementId,
    at: now,
    directionId: d.directionId,
    data,
    payload: { ...data, directionId: d.directionId, dispositifNom: d.nom, questionId: derniere.id, acteurId: null, at: now.toISOString() },
  });
  return { issue: 'creee', invitationId, evenementId, questionIds };
}

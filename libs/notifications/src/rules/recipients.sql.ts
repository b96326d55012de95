import { EntityManager } from 'typeorm';

/**
 * A user a rule notifies, with what the link to the ticket depends on: an MdR user opens an
 * assignment on the Maison's side (/commandes-recues/{affectationId}), anyone else the
 * commande's page.
 */
export interface Destinataire {
  userId: string;
  perimetre: 'maison' | 'direction' | 'reseau';
  maisonId: string | null;
}

/** The columns every recipient query selects. Inactive users are never selected. */
const COLS = `u.id AS "userId", u.perimetre, u.maison_id AS "maisonId"`;

async function users(manager: EntityManager, where: string, params: unknown[]): Promise<Destinataire[]> {
  return manager.query(`SELECT ${COLS} FROM users u WHERE u.actif AND (${where})`, params);
}

/**
 * The référents of a direction (users with the référent role in it), and the one the question
 * is assigned to (named at escalation, or who claimed it). Without a direction, the question
 * sits in the network coordination queue, which the network managers hold.
 */
export function referentsDe(manager: EntityManager, directionId: string | null, referentId: string | null): Promise<Destinataire[]> {
  if (!directionId) return managersDuReseau(manager);
  return users(manager, `(u.role = 'referent' AND u.direction_id = $1) OR u.id = $2`, [directionId, referentId]);
}

/**
 * "The MdR" of a question: the agents of its Maison, and whoever recorded it (possibly the
 * responsable). A question belongs to the Maison, not to one agent: any agent may relay the
 * answer or provide information (agents are polyvalent, DESIGN.md).
 */
export function agentsDe(manager: EntityManager, maisonId: string, auteurId: string | null): Promise<Destinataire[]> {
  return users(manager, `(u.role = 'agent_mdr' AND u.maison_id = $1) OR u.id = $2`, [maisonId, auteurId]);
}

/**
 * The responsables of Maisons (who receive commandes); a Maison whose responsable is absent or
 * inactive falls back to its agents, so that a commande never reaches nobody.
 */
export function responsablesDe(manager: EntityManager, maisonIds: string[]): Promise<Destinataire[]> {
  return manager.query(
    `WITH r AS (SELECT ${COLS} FROM users u WHERE u.actif AND u.role = 'responsable_mdr' AND u.maison_id = ANY($1::uuid[]))
     SELECT * FROM r
     UNION ALL
     SELECT ${COLS} FROM users u
      WHERE u.actif AND u.role = 'agent_mdr' AND u.maison_id = ANY($1::uuid[])
        AND NOT EXISTS (SELECT 1 FROM r WHERE r."maisonId" = u.maison_id)`,
    [maisonIds],
  );
}

/**
 * The issuer of a commande: the user who wrote it; when that account is inactive, the issuing
 * unit (the Cabinet's users, or the issuing direction's managers), who may answer in its place.
 */
export async function emetteurDe(manager: EntityManager, commandeId: string): Promise<Destinataire[]> {
  return manager.query(
    `WITH c AS (SELECT emetteur_id, emetteur_unite_type, emetteur_unite_id FROM commande WHERE id = $1),
          e AS (SELECT ${COLS} FROM users u JOIN c ON u.id = c.emetteur_id WHERE u.actif)
     SELECT * FROM e
     UNION ALL
     SELECT ${COLS} FROM users u, c
      WHERE u.actif AND NOT EXISTS (SELECT 1 FROM e)
        AND ((c.emetteur_unite_type = 'cabinet' AND u.role = 'cabinet')
          OR (c.emetteur_unite_type = 'direction' AND u.role = 'manager' AND u.perimetre = 'direction' AND u.direction_id = c.emetteur_unite_id))`,
    [commandeId],
  );
}

export function managersDuReseau(manager: EntityManager): Promise<Destinataire[]> {
  return users(manager, `u.role = 'manager' AND u.perimetre = 'reseau'`, []);
}

/**
 * The managers of a unit: those whose scope is that direction or that Maison. A unit with no
 * active manager of its own goes up to the network managers, whose scope covers it too; the
 * network managers are not told of every breach of units that have their own.
 */
export function managersDe(manager: EntityManager, unite: { type: 'direction' | 'maison' | 'reseau'; id: string | null }): Promise<Destinataire[]> {
  if (unite.type === 'reseau' || !unite.id) return managersDuReseau(manager);
  const column = unite.type === 'direction' ? 'direction_id' : 'maison_id';
  return manager.query(
    `WITH m AS (SELECT ${COLS} FROM users u WHERE u.actif AND u.role = 'manager' AND u.perimetre = $2 AND u.${column} = $1)
     SELECT * FROM m
     UNION ALL
     SELECT ${COLS} FROM users u WHERE u.actif AND u.role = 'manager' AND u.perimetre = 'reseau' AND NOT EXISTS (SELECT 1 FROM m)`,
    [unite.id, unite.type],
  );
}

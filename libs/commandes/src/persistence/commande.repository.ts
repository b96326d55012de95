import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConcurrentUpdateError } from '@app/core';
import { recordTicketEvents } from '@app/timeline';
import type { Brief } from '../domain/brief';
import { AffectationProps, Commande, CommandeProps } from '../domain/commande.aggregate';
import { AffectationEvent, CommandeEvent } from '../domain/commande.events';
import { AffectationRow, CommandeRow } from './commande.entities';

/**
 * Loads and saves Commande aggregates, assignments included. A save writes, in the caller's
 * transaction: the commande row (versioned) or its lock, the new and changed assignment rows
 * (each versioned), the timeline events and the outbox rows — all from the aggregate's
 * uncommitted events.
 *
 * Lock order is always commande row first, then assignment rows: an MdR's report and the
 * issuer's cancellation can never deadlock, and the timeline's per-ticket `seq` continues under
 * that one lock whichever assignment moved.
 */
@Injectable()
export class CommandeRepository {
  /** C-<year>-<6+ digits>, from a sequence: gap-tolerant, never blocks. */
  async nextReference(manager: EntityManager, at: Date): Promise<string> {
    const [{ n }] = await manager.query(`SELECT nextval('commande_reference_seq')::text AS n`);
    const year = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric' }).format(at);
    return `C-${year}-${String(n).padStart(6, '0')}`;
  }

  /**
   * Loads the commande with its assignments. `verrou` takes the commande row's lock first
   * (`SELECT … FOR UPDATE`), so that what is read is what the save will change: the state
   * checks, If-Match and the "all assignments done" check all see the latest committed state.
   */
  async load(manager: EntityManager, id: string, verrou: boolean): Promise<Commande | null> {
    const rows: CommandeRow[] = verrou
      ? await manager.getRepository(CommandeRow).find({ where: { id }, lock: { mode: 'pessimistic_write' } })
      : await manager.getRepository(CommandeRow).findBy({ id });
    if (rows.length === 0) return null;
    const affectations = await manager.getRepository(AffectationRow).find({ where: { commandeId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return Commande.rehydrate(toProps(rows[0]), affectations.map(toAffectationProps));
  }

  /** The commande an assignment belongs to (never changes, so read without a lock). */
  async commandeIdOf(manager: EntityManager, affectationId: string): Promise<string | null> {
    const rows: Array<{ commande_id: string }> = await manager.query(`SELECT commande_id FROM affectation WHERE id = $1`, [affectationId]);
    return rows[0]?.commande_id ?? null;
  }

  async insert(manager: EntityManager, commande: Commande): Promise<void> {
    await manager.getRepository(CommandeRow).insert({ ...toRow(commande.snapshot), version: 1 });
    commande.markSaved(1);
    await this.writeEvents(manager, commande);
  }

  /**
   * Saves a loaded aggregate. A change of the brief or of the commande's state bumps its
   * version (`UPDATE … WHERE version = n`: of two concurrent writers exactly one wins); an
   * assignment's move bumps only that assignment's version and locks the commande row.
   */
  async save(manager: EntityManager, commande: Commande): Promise<void> {
    if (commande.getUncommittedEvents().length === 0) return;
    const p = commande.snapshot;
    const w = commande.aEcrire;
    if (w.commande) {
      const { id, version, ...changes } = toRow(p);
      const result = await manager.getRepository(CommandeRow).update({ id, version: p.version }, { ...changes, version: p.version + 1 });
      if (result.affected !== 1) throw new ConcurrentUpdateError();
      commande.markSaved(p.version + 1);
    } else {
      const locked = await manager.query(`SELECT id FROM commande WHERE id = $1 FOR UPDATE`, [p.id]);
      if (locked.length === 0) throw new ConcurrentUpdateError();
    }
    if (w.nouvelles.length > 0) {
      await manager.getRepository(AffectationRow).insert(w.nouvelles.map((a) => ({ ...toAffectationRow(a), version: 1 })));
      w.nouvelles.forEach((a) => commande.markAffectationSaved(a.id, 1));
    }
    for (const a of w.modifiees) {
      const { id, version, ...changes } = toAffectationRow(a);
      const result = await manager.getRepository(AffectationRow).update({ id, version: a.version }, { ...changes, version: a.version + 1 });
      if (result.affected !== 1) throw new ConcurrentUpdateError();
      commande.markAffectationSaved(a.id, a.version + 1);
    }
    await this.writeEvents(manager, commande);
  }

  private async writeEvents(manager: EntityManager, commande: Commande): Promise<void> {
    const events = commande.getUncommittedEvents();
    const p = commande.snapshot;
    await recordTicketEvents(manager, 'commande', p.id, events, (e) => outboxPayload(e, p, commande));
  }
}

/** What consumers (SLA clocks, notifications) need: the event, and where commande and assignment stand now. */
function outboxPayload(e: CommandeEvent, p: Readonly<CommandeProps>, commande: Commande): Record<string, unknown> {
  const affectation = e instanceof AffectationEvent ? commande.affectation(e.affectationId) : null;
  return {
    ...e.data,
    commandeId: p.id,
    reference: p.reference,
    statutCommande: p.statut,
    emetteurUnite: p.emetteurUnite,
    echeance: p.brief.echeance?.toISOString() ?? null,
    urgent: p.brief.urgent,
    ...(affectation ? { affectationId: affectation.id, maisonId: affectation.maisonId, statutAffectation: affectation.statut } : {}),
    acteurId: e.acteur?.id ?? null,
    visibilite: e.visibilite,
    at: e.at.toISOString(),
  };
}

function toRow(p: Readonly<CommandeProps>): Omit<CommandeRow, 'theme' | 'emetteur' | 'emetteurDirection' | 'filSeq' | 'filHash' | 'filMac' | 'filCle'> {
  const b = p.brief;
  return {
    id: p.id,
    reference: p.reference,
    statut: p.statut,
    titre: b.titre,
    objectif: b.objectif,
    contexte: b.contexte,
    echeance: b.echeance,
    livrables: b.livrables.map((l) => ({ id: l.id, libelle: l.libelle, echeance: l.echeance?.toISOString() ?? null })),
    materiel: b.materiel,
    contacts: b.contacts.map((c) => ({ nom: c.nom, role: c.role, email: c.email, telephone: c.telephone })),
    maisonIds: b.maisonIds,
    themeId: b.themeId,
    budget: b.budget === null ? null : b.budget.toFixed(2),
    urgent: b.urgent,
    justificationUrgence: b.justificationUrgence,
    emetteurId: p.emetteurId,
    emetteurUniteType: p.emetteurUnite.type,
    emetteurUniteId: p.emetteurUnite.id,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    emiseAt: p.emiseAt,
    closeAt: p.closeAt,
    annuleeAt: p.annuleeAt,
    motifAnnulation: p.motifAnnulation,
    version: p.version,
  };
}

export function briefOf(row: CommandeRow): Brief {
  return {
    titre: row.titre,
    objectif: row.objectif,
    contexte: row.contexte,
    echeance: row.echeance,
    livrables: row.livrables.map((l) => ({ id: l.id, libelle: l.libelle, echeance: l.echeance ? new Date(l.echeance) : null })),
    materiel: row.materiel,
    contacts: row.contacts.map((c) => ({ nom: c.nom, role: c.role, email: c.email, telephone: c.telephone })),
    maisonIds: row.maisonIds,
    themeId: row.themeId,
    budget: row.budget === null ? null : Number(row.budget),
    urgent: row.urgent,
    justificationUrgence: row.justificationUrgence,
  };
}

function toProps(row: CommandeRow): CommandeProps {
  return {
    id: row.id,
    reference: row.reference,
    statut: row.statut,
    brief: briefOf(row),
    emetteurId: row.emetteurId,
    emetteurUnite: row.emetteurUniteType === 'cabinet' ? { type: 'cabinet', id: null } : { type: 'direction', id: row.emetteurUniteId! },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    emiseAt: row.emiseAt,
    closeAt: row.closeAt,
    annuleeAt: row.annuleeAt,
    motifAnnulation: row.motifAnnulation,
    version: row.version,
  };
}

function toAffectationRow(a: AffectationProps): Omit<AffectationRow, 'commande' | 'maison'> {
  return { ...a, livrablesFaits: [...a.livrablesFaits], livraisonLiens: [...a.livraisonLiens] };
}

function toAffectationProps(row: AffectationRow): AffectationProps {
  return {
    id: row.id,
    commandeId: row.commandeId,
    maisonId: row.maisonId,
    statut: row.statut,
    statutAvantClarification: row.statutAvantClarification,
    pourcentage: row.pourcentage,
    livrablesFaits: row.livrablesFaits ?? [],
    livraisonNote: row.livraisonNote,
    livraisonLiens: row.livraisonLiens ?? [],
    motifRenvoi: row.motifRenvoi,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    accuseeAt: row.accuseeAt,
    livreeAt: row.livreeAt,
    valideeAt: row.valideeAt,
    annuleeAt: row.annuleeAt,
    version: row.version,
  };
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, FieldError } from '@app/core';
import type { Destination } from '../domain/question.aggregate';

function invalid(errors: FieldError[]): DomainError {
  return new DomainError('QUESTION_REFERENCE_INCONNUE', 'unprocessable', errors.map((e) => e.message).join(' '), { errors });
}

/** Reads the directory to check references and to route a question to the right direction. */
@Injectable()
export class RoutingReader {
  /** Checks dispositif and thème exist and agree; returns the thème implied by the dispositif. */
  async checkSubject(manager: EntityManager, dispositifId: string | null, themeId: string | null): Promise<{ themeId: string | null }> {
    if (dispositifId) {
      const [d] = await manager.query(`SELECT theme_id FROM dispositif WHERE id = $1`, [dispositifId]);
      if (!d) throw invalid([{ field: 'dispositifId', message: 'Ce dispositif n’existe pas dans l’annuaire.' }]);
      if (themeId && d.theme_id && d.theme_id !== themeId)
        throw invalid([{ field: 'themeId', message: 'Ce thème ne correspond pas à celui du dispositif.' }]);
      return { themeId: themeId ?? d.theme_id ?? null };
    }
    if (themeId) {
      const [t] = await manager.query(`SELECT id FROM theme WHERE id = $1`, [themeId]);
      if (!t) throw invalid([{ field: 'themeId', message: 'Ce thème n’existe pas dans l’annuaire.' }]);
    }
    return { themeId };
  }

  /**
   * Where an escalation goes: the direction (and référent) asked for; else the dispositif's
   * owning direction; else the thème's direction; else the network coordination queue.
   */
  async route(
    manager: EntityManager,
    subject: { dispositifId: string | null; themeId: string | null },
    asked: { directionId?: string | null; referentId?: string | null },
  ): Promise<Destination> {
    if (asked.directionId) {
      await this.checkDirection(manager, asked.directionId, 'directionId');
      const referentId = asked.referentId ? await this.checkReferent(manager, asked.referentId, asked.directionId) : null;
      return { directionId: asked.directionId, referentId, routage: 'explicite' };
    }
    if (asked.referentId) {
      const [r] = await manager.query(`SELECT user_id, direction_id FROM referent WHERE user_id = $1 OR id = $1`, [asked.referentId]);
      if (!r) throw invalid([{ field: 'referentId', message: 'Ce référent n’existe pas dans l’annuaire.' }]);
      return { directionId: r.direction_id, referentId: r.user_id, routage: 'explicite' };
    }
    if (subject.dispositifId) {
      const [d] = await manager.query(`SELECT direction_id FROM dispositif WHERE id = $1`, [subject.dispositifId]);
      if (d) return { directionId: d.direction_id, referentId: null, routage: 'dispositif' };
    }
    if (subject.themeId) {
      const [t] = await manager.query(`SELECT direction_id FROM theme WHERE id = $1`, [subject.themeId]);
      if (t?.direction_id) return { directionId: t.direction_id, referentId: null, routage: 'theme' };
    }
    return { directionId: null, referentId: null, routage: 'coordination' };
  }

  async checkDirection(manager: EntityManager, directionId: string, field: string): Promise<void> {
    const [d] = await manager.query(`SELECT id FROM direction WHERE id = $1`, [directionId]);
    if (!d) throw invalid([{ field, message: 'Cette direction n’existe pas dans l’annuaire.' }]);
  }

  /** A référent given by referent id or user id, who must belong to the direction; returns the user id. */
  private async checkReferent(manager: EntityManager, referentId: string, directionId: string): Promise<string> {
    const [r] = await manager.query(`SELECT user_id, direction_id FROM referent WHERE user_id = $1 OR id = $1`, [referentId]);
    if (!r) throw invalid([{ field: 'referentId', message: 'Ce référent n’existe pas dans l’annuaire.' }]);
    if (r.direction_id !== directionId) throw invalid([{ field: 'referentId', message: 'Ce référent n’appartient pas à la direction choisie.' }]);
    return r.user_id;
  }

  /** The référents (user ids) who answer for this dispositif or thème in that direction: who to notify. */
  async referentsFor(manager: EntityManager, directionId: string, dispositifId: string | null, themeId: string | null): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await manager.query(
      `SELECT DISTINCT r.user_id FROM referent r
         JOIN users u ON u.id = r.user_id AND u.actif
        WHERE r.direction_id = $1
          AND (($2::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM referent_dispositif rd WHERE rd.referent_id = r.id AND rd.dispositif_id = $2))
            OR ($3::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM referent_theme rt WHERE rt.referent_id = r.id AND rt.theme_id = $3)))
        ORDER BY r.user_id`,
      [directionId, dispositifId, themeId],
    );
    return rows.map((r) => r.user_id);
  }
}

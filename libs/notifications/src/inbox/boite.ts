import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, decodeCursor, DEFAULT_LIMIT, encodeCursor, NotFoundError, Page, ValidationFailedError } from '@app/core';
import type { NotificationType } from '../notification.types';

/** One inbox entry, as the API answers it. */
export interface NotificationView {
  id: string;
  type: NotificationType;
  titre: string;
  reference: string;
  lien: string;
  ticketType: 'question' | 'commande';
  ticketId: string;
  creeeA: string;
  lueA: string | null;
}

/**
 * The inbox's cursor: the section it stopped in (u: unread, l: read) then the keyset of its
 * last item, as every list's cursor. Each section is read newest first on its own partial
 * index, so a page costs at most two index range scans whatever the inbox's size.
 */
function encodeBoiteCursor(section: 'u' | 'l', k: string, id: string): string {
  return section + encodeCursor({ k, id });
}

function decodeBoiteCursor(raw: string | undefined): { section: 'u' | 'l'; k: string; id: string } | null {
  if (raw === undefined || raw === '') return null;
  const section = raw[0];
  const rest = decodeCursor(raw.slice(1) || '-');
  if ((section !== 'u' && section !== 'l') || !rest || rest.k === null) {
    throw new ValidationFailedError([{ field: 'cursor', message: 'Curseur invalide : reprenez la valeur nextCursor de la page précédente.' }]);
  }
  return { section, k: rest.k, id: rest.id };
}

const COLUMNS = `id, type, titre, reference, lien, ticket_type, ticket_id, creee_a, lue_a`;

function toView(r: any): NotificationView {
  return {
    id: r.id,
    type: r.type,
    titre: r.titre,
    reference: r.reference,
    lien: r.lien,
    ticketType: r.ticket_type,
    ticketId: r.ticket_id,
    creeeA: new Date(r.creee_a).toISOString(),
    lueA: r.lue_a ? new Date(r.lue_a).toISOString() : null,
  };
}

/** A user's inbox: every role has one, and each user reads and marks only their own rows. */
@Injectable()
export class BoiteNotifications {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Unread first, then read; newest first in each. `nonLues`: the unread ones only. */
  async lister(userId: string, options: { nonLues?: boolean; limit?: number; cursor?: string }): Promise<Page<NotificationView>> {
    const limit = options.limit ?? DEFAULT_LIMIT;
    const after = decodeBoiteCursor(options.cursor);
    const rows: Array<any & { section: 'u' | 'l' }> = [];
    const sections: Array<'u' | 'l'> = options.nonLues ? ['u'] : ['u', 'l'];
    for (const section of sections) {
      if (after && section === 'u' && after.section === 'l') continue;
      const keyset = after && after.section === section;
      const found = await this.dataSource.query(
        `SELECT ${COLUMNS} FROM notification
          WHERE destinataire_id = $1 AND lue_a IS ${section === 'u' ? '' : 'NOT '}NULL
            ${keyset ? `AND (creee_a, id) < ($3::timestamptz, $4::uuid)` : ''}
          ORDER BY creee_a DESC, id DESC LIMIT $2`,
        keyset ? [userId, limit + 1 - rows.length, after!.k, after!.id] : [userId, limit + 1 - rows.length],
      );
      rows.push(...found.map((r: any) => ({ ...r, section })));
      if (rows.length > limit) break;
    }
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toView),
      nextCursor: rows.length > limit ? encodeBoiteCursor(last.section, new Date(last.creee_a).toISOString(), last.id) : null,
    };
  }

  async compter(userId: string): Promise<number> {
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM notification WHERE destinataire_id = $1 AND lue_a IS NULL`, [userId]);
    return n;
  }

  /** Marks one of the caller's notifications read (again: unchanged). Another user's is 404: it does not exist for them. */
  async marquerLue(userId: string, id: string): Promise<NotificationView> {
    const [rows] = await this.dataSource.query(
      `UPDATE notification SET lue_a = COALESCE(lue_a, $3) WHERE id = $1 AND destinataire_id = $2 RETURNING ${COLUMNS}`,
      [id, userId, this.clock.now()],
    );
    if (!rows || rows.length === 0) throw new NotFoundError('Notification introuvable.', 'NOTIFICATION_INTROUVABLE');
    return toView(rows[0]);
  }

  /** Marks every unread notification of the caller read; returns how many. */
  async marquerToutesLues(userId: string): Promise<number> {
    const [, affected] = await this.dataSource.query(`UPDATE notification SET lue_a = $2 WHERE destinataire_id = $1 AND lue_a IS NULL`, [userId, this.clock.now()]);
    return affected ?? 0;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, FieldError, StaleVersionError } from '@app/core';
import { MODES_COURRIEL, ModeCourriel, NOTIFICATION_TYPES, NOTIFICATION_TYPES_NON_MUETS, NotificationType } from '../notification.types';
import { LIBELLES_TYPES } from '../rules/notification-rules';

export interface PreferencesView {
  typesMuets: NotificationType[];
  courriel: ModeCourriel;
  heureResume: number;
  /** 0 while the user kept the defaults (no row yet); the ETag of If-Match. */
  version: number;
  types: Array<{ type: NotificationType; libelle: string; muable: boolean }>;
}

export interface PreferencesInput {
  typesMuets: string[];
  courriel: ModeCourriel;
  heureResume: number;
}

const DEFAUTS = { typesMuets: [] as NotificationType[], courriel: 'immediat' as ModeCourriel, heureResume: 8, version: 0 };

const TYPES = NOTIFICATION_TYPES.map((type) => ({ type, libelle: LIBELLES_TYPES[type], muable: !NOTIFICATION_TYPES_NON_MUETS.includes(type) }));

/**
 * What the business rules refuse in preferences (422, naming the field): an unknown kind, a
 * kind that cannot be muted (a breach always reaches its holder and managers), an hour that is
 * not one of the day's. The shape (a list of strings, an integer) is the DTO's (400).
 */
export function verifierPreferences(input: PreferencesInput): FieldError[] {
  const errors: FieldError[] = [];
  input.typesMuets.forEach((t, k) => {
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(t)) errors.push({ field: `typesMuets[${k}]`, message: `Type de notification inconnu : ${t.slice(0, 40)}.` });
    else if (NOTIFICATION_TYPES_NON_MUETS.includes(t as NotificationType))
      errors.push({ field: `typesMuets[${k}]`, message: 'Les dépassements de délai ne peuvent pas être désactivés.' });
  });
  if (!MODES_COURRIEL.includes(input.courriel)) errors.push({ field: 'courriel', message: 'Le mode doit valoir immediat, resume ou aucun.' });
  if (!Number.isInteger(input.heureResume) || input.heureResume < 0 || input.heureResume > 23)
    errors.push({ field: 'heureResume', message: 'L’heure du résumé doit être comprise entre 0 et 23.' });
  return errors;
}

/** A user's notification preferences: defaults until the first change, then one versioned row. */
@Injectable()
export class PreferencesNotifications {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async lire(userId: string): Promise<PreferencesView> {
    const [row] = await this.dataSource.query(`SELECT types_muets, courriel, heure_resume, version FROM notification_preference WHERE user_id = $1`, [userId]);
    const v = row ? { typesMuets: row.types_muets, courriel: row.courriel, heureResume: row.heure_resume, version: row.version } : DEFAUTS;
    return { ...v, types: TYPES };
  }

  /** Replaces the preferences if the caller read the current version (412 otherwise). */
  async modifier(userId: string, input: PreferencesInput, version: number): Promise<PreferencesView> {
    const errors = verifierPreferences(input);
    if (errors.length > 0) throw new DomainError('PREFERENCES_INVALIDES', 'unprocessable', 'Ces préférences ne peuvent pas être enregistrées.', { errors });
    const typesMuets = [...new Set(input.typesMuets)];
    const params = [userId, typesMuets, input.courriel, input.heureResume, version];
    // Version 0: the defaults were read, no row exists yet; a concurrent first save wins the insert, the other gets 412.
    const rows: unknown[] =
      version === 0
        ? await this.dataSource.query(
            `INSERT INTO notification_preference (user_id, types_muets, courriel, heure_resume, version) VALUES ($1, $2, $3, $4, 1)
             ON CONFLICT (user_id) DO NOTHING RETURNING user_id`,
            params.slice(0, 4),
          )
        : (
            await this.dataSource.query(
              `UPDATE notification_preference SET types_muets = $2, courriel = $3, heure_resume = $4, version = version + 1
                WHERE user_id = $1 AND version = $5 RETURNING user_id`,
              params,
            )
          )[0];
    if (rows.length === 0) throw new StaleVersionError(version, (await this.lire(userId)).version);
    return this.lire(userId);
  }
}

import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/core';
import { BusinessCalendar, SIEGE_CALENDAR } from '@app/sla';
import type { JoursOuvres } from './domain/brief';
import type { PolitiqueBrief } from './domain/commande.aggregate';

/**
 * The commande policy of this deployment: lead times are counted in the siège's business days
 * (the issuer's calendar: it is the siège that plans its requests), minimum from the config.
 */
@Injectable()
export class PolitiqueCommandes implements PolitiqueBrief {
  readonly calendrier: JoursOuvres = new BusinessCalendar(SIEGE_CALENDAR);
  readonly delaiMinimumJoursOuvres: number;

  constructor(config: AppConfig) {
    this.delaiMinimumJoursOuvres = config.COMMANDE_DELAI_MINIMUM_JOURS_OUVRES;
  }
}

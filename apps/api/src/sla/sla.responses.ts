import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CLOCK_ETATS, HORLOGES } from '@app/sla';
import { PageOf } from '../common/page.responses';

const INSTANT = (description?: string) => ({ type: String, format: 'date-time', nullable: true, ...(description ? { description } : {}) });

/** Business time one holder kept the ticket while the clock ran. */
export class SlaDetenteurDto {
  @ApiProperty({ enum: ['maison', 'direction', 'coordination', 'cabinet'] }) type: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'La Maison ou la direction ; null pour la coordination et le Cabinet.' }) id: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Minutes ouvrées de cette détention ; null tant qu’elle dure.' }) minutesOuvrees: number | null;
  @ApiProperty({ format: 'date-time' }) depuis: string;
  @ApiProperty(INSTANT('Fin de la détention ; null tant qu’elle dure.')) jusquA: string | null;
}

/** One SLA clock of a ticket, as every ticket shows it in `sla`. */
export class SlaHorlogeDto {
  @ApiProperty({ enum: HORLOGES }) horloge: string;
  @ApiProperty({ type: 'integer', description: 'Cycle de l’horloge (une question rouverte recommence un cycle).' }) cycle: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'L’affectation que l’horloge mesure (commandes).' }) affectationId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Le livrable que mesure une horloge echeance_livrable.' }) livrableId: string | null;
  @ApiProperty({ enum: CLOCK_ETATS }) etat: string;
  @ApiProperty(INSTANT('Échéance ; null tant que l’horloge est suspendue.')) echeance: string | null;
  @ApiProperty(INSTANT('Quand le seuil d’alerte est (ou sera) atteint.')) avertissementA: string | null;
  @ApiProperty(INSTANT()) depasseeA: string | null;
  @ApiProperty(INSTANT()) atteinteA: string | null;
  @ApiProperty({ type: Number, description: 'Cible, en minutes ouvrées.' }) cibleMinutesOuvrees: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Minutes ouvrées restantes (négatives une fois en retard) ; null une fois atteinte ou annulée.' })
  restantMinutesOuvrees: number | null;
  @ApiProperty({ type: SlaDetenteurDto, isArray: true }) detenteurs: SlaDetenteurDto[];
}

export class PolitiqueDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() libelle: string;
  @ApiProperty({ enum: ['question', 'commande'] }) flux: string;
  @ApiProperty({ enum: HORLOGES }) horloge: string;
  @ApiProperty({ type: String, nullable: true, example: 'haute' }) priorite: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) directionId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) themeId: string | null;
  @ApiProperty({ type: Number, description: 'Cible en minutes ouvrées.' }) cibleMinutesOuvrees: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 99, description: 'Seuil d’alerte, en % de la cible.' }) seuilAvertissementPct: number;
  @ApiProperty() actif: boolean;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) modifieeLe: string;
}

export class PolitiquePageDto extends PageOf(PolitiqueDto) {}

export class PlageHoraireDto {
  @ApiProperty({ example: '09:00' }) start: string;
  @ApiProperty({ example: '12:30', description: '"24:00" permis en fin de journée.' }) end: string;
}

const JOURS = ['1', '2', '3', '4', '5', '6', '7'];

/** A named closure period of a calendar. */
export class FermetureDto {
  @ApiProperty({ example: '2026-12-28', description: 'Premier jour fermé (date locale).' }) du: string;
  @ApiProperty({ example: '2027-01-02', description: 'Dernier jour fermé, inclus.' }) au: string;
  @ApiProperty({ example: 'Fermeture de fin d’année', maxLength: 200 }) libelle: string;
}

export class CalendrierSpecDto {
  @ApiProperty({ example: 'siege' }) id: string;
  @ApiProperty({ example: 'Siège de la Région' }) libelle: string;
  @ApiProperty({ example: 'Europe/Paris' }) timeZone: string;
  @ApiProperty({
    type: 'object',
    description: 'Par jour ISO (1 = lundi … 7 = dimanche), les plages d’ouverture.',
    properties: Object.fromEntries(JOURS.map((j) => [j, { type: 'array', items: { $ref: '#/components/schemas/PlageHoraireDto' } }])),
    required: JOURS,
  })
  hours: Record<string, PlageHoraireDto[]>;
  @ApiProperty({ type: String, enum: ['FR'], nullable: true, description: 'FR : jours fériés français ; null : aucun.' }) holidays: 'FR' | null;
  @ApiProperty({ type: String, isArray: true, example: ['2026-12-24'], description: 'Jours de fermeture en plus, dates locales.' }) closures: string[];
  @ApiPropertyOptional({ type: FermetureDto, isArray: true, description: 'Périodes de fermeture nommées (du … au inclus).' }) fermetures?: FermetureDto[];
}

export class JourFermeDto {
  @ApiProperty({ example: '2026-12-25' }) date: string;
  @ApiProperty({ example: 'Noël' }) libelle: string;
}

export class CalendrierDto {
  @ApiProperty({ example: 'siege' }) id: string;
  @ApiProperty({ description: 'Une Maison sans calendrier propre suit celui du réseau (version 0).' }) herite: boolean;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ type: CalendrierSpecDto }) spec: CalendrierSpecDto;
  @ApiProperty({ type: JourFermeDto, isArray: true, description: 'Jours fériés et fermetures de cette année et de la suivante.' }) joursFermes: JourFermeDto[];
}

/** A calendar in the list: enough to choose one and know whether it is the MdR's own. */
export class CalendrierResumeDto {
  @ApiProperty({ example: 'siege', description: 'reseau, siege ou maison-<identifiant de la Maison>.' }) id: string;
  @ApiProperty({ example: 'Siège de la Région' }) libelle: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'La Maison que sert ce calendrier ; null pour le réseau et le siège.' }) maisonId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Le nom de cette Maison.' }) maisonNom: string | null;
  @ApiProperty({ description: 'Une Maison sans calendrier propre suit celui du réseau (version 0).' }) herite: boolean;
  @ApiProperty({ type: 'integer' }) version: number;
}

export class CalendrierPageDto extends PageOf(CalendrierResumeDto) {}

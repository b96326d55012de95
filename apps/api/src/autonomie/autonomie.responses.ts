import { ApiProperty } from '@nestjs/swagger';
import { DOMAINES_AUTONOMIE, GROUPES_AUTONOMIE } from '@app/barometre';
import { PerimetreTableauDto } from '../dashboards/dashboards.responses';

const COUNT = { type: 'integer', minimum: 0 } as const;
const TAUX = { type: Number, nullable: true, description: 'Répondues au guichet / (répondues au guichet + escaladées), en %, une décimale ; null sans question.' };
const MOIS = { example: '2026-11', description: 'AAAA-MM, heure de Paris.' };

export class ChiffresAutonomieDto {
  @ApiProperty({ ...COUNT, description: 'Questions reçues dans la période répondues au guichet (jamais escaladées).' }) reponduesLocalement: number;
  @ApiProperty({ ...COUNT, description: 'Questions reçues dans la période escaladées au siège.' }) escaladees: number;
  @ApiProperty({ ...COUNT, description: 'Dont escaladées alors qu’une réponse publiée (non retirée) du même dispositif existait déjà (ADR 0021).' })
  escaladeesAvecReponsePubliee: number;
  @ApiProperty(TAUX) tauxAutonomiePct: number | null;
}

export class ChiffresAutonomieTendanceDto extends ChiffresAutonomieDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Le taux sur la période précédente (le mois précédent pour un mois).' }) tauxAutonomiePrecedentPct: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Écart en points avec la période précédente, une décimale ; null si l’un des taux manque.' }) tendancePts: number | null;
}

export class LigneJaugeMoisDto extends ChiffresAutonomieTendanceDto {
  @ApiProperty(MOIS) mois: string;
}

export class LigneJaugeMaisonDto extends ChiffresAutonomieTendanceDto {
  @ApiProperty({ format: 'uuid' }) maisonId: string;
  @ApiProperty({ example: 'Maison de la Région de Carcassonne' }) libelle: string;
}

export class LigneJaugeDispositifDto extends ChiffresAutonomieTendanceDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null : questions sans dispositif.' }) dispositifId: string | null;
  @ApiProperty({ example: "Ec'Eau Tourisme" }) libelle: string;
}

export class DetailJaugeDto extends ChiffresAutonomieDto {
  @ApiProperty(MOIS) mois: string;
  @ApiProperty({ format: 'uuid' }) maisonId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) dispositifId: string | null;
}

export class PeriodeMoisDto {
  @ApiProperty(MOIS) du: string;
  @ApiProperty(MOIS) au: string;
}

export class JaugeAutonomieDto {
  @ApiProperty({ type: PerimetreTableauDto }) perimetre: PerimetreTableauDto;
  @ApiProperty(MOIS) du: string;
  @ApiProperty(MOIS) au: string;
  @ApiProperty({ type: PeriodeMoisDto, description: 'La période de comparaison : autant de mois, juste avant.' }) precedent: PeriodeMoisDto;
  @ApiProperty({ format: 'date-time' }) genereA: string;
  @ApiProperty({ type: ChiffresAutonomieTendanceDto }) total: ChiffresAutonomieTendanceDto;
  @ApiProperty({ type: [LigneJaugeMoisDto], description: 'Chaque mois de la période, avec sa tendance sur le mois précédent.' }) mois: LigneJaugeMoisDto[];
  @ApiProperty({ type: [LigneJaugeMaisonDto], description: 'Par Maison, par ordre alphabétique.' }) maisons: LigneJaugeMaisonDto[];
  @ApiProperty({ type: [LigneJaugeDispositifDto], description: 'Par dispositif, les plus escaladés d’abord.' }) dispositifs: LigneJaugeDispositifDto[];
  @ApiProperty({ type: [DetailJaugeDto], description: 'Par mois, Maison et dispositif.' }) details: DetailJaugeDto[];
}

export class EnqueteAutonomieDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Enquête autonomie 2026' }) libelle: string;
  @ApiProperty() ouverte: boolean;
  @ApiProperty({ format: 'date-time' }) ouverteLe: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) fermeeLe: string | null;
}

export class NoteAutonomieVueDto {
  @ApiProperty({ enum: DOMAINES_AUTONOMIE }) domaine: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) actuelle: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) souhaitee: number;
}

export class MaReponseAutonomieDto {
  @ApiProperty({ format: 'uuid' }) enqueteId: string;
  @ApiProperty({ enum: GROUPES_AUTONOMIE }) groupe: string;
  @ApiProperty({ type: [NoteAutonomieVueDto] }) notes: NoteAutonomieVueDto[];
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) misAJourLe: string;
}

export class StatNoteDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Moyenne, deux décimales ; null sans réponse.' }) moyenne: number | null;
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 5, maxItems: 5, description: 'Nombre de notes 1, 2, 3, 4 et 5.' }) distribution: number[];
}

export class StatGroupeDto {
  @ApiProperty(COUNT) repondants: number;
  @ApiProperty({ type: StatNoteDto }) actuelle: StatNoteDto;
  @ApiProperty({ type: StatNoteDto }) souhaitee: StatNoteDto;
  @ApiProperty({ type: Number, nullable: true, description: 'Moyenne souhaitée − moyenne actuelle.' }) ecart: number | null;
}

export class DomaineEnqueteDto {
  @ApiProperty({ enum: DOMAINES_AUTONOMIE }) domaine: string;
  @ApiProperty({ example: 'Réponse aux usagers' }) libelle: string;
  @ApiProperty({ type: StatGroupeDto, description: 'Responsables de Maison.' }) mdr: StatGroupeDto;
  @ApiProperty({ type: StatGroupeDto, description: 'Décideurs du siège (managers, Cabinet).' }) siege: StatGroupeDto;
}

export class RepondantsDto {
  @ApiProperty(COUNT) mdr: number;
  @ApiProperty(COUNT) siege: number;
}

export class JaugeReseauDto extends ChiffresAutonomieDto {
  @ApiProperty(MOIS) mois: string;
}

export class RepondantDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() displayName: string;
}

export class ReponseIndividuelleDto {
  @ApiProperty({ type: RepondantDto }) repondant: RepondantDto;
  @ApiProperty({ enum: GROUPES_AUTONOMIE }) groupe: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) maisonId: string | null;
  @ApiProperty({ type: [NoteAutonomieVueDto] }) notes: NoteAutonomieVueDto[];
  @ApiProperty({ format: 'date-time' }) misAJourLe: string;
}

export class ResultatEnqueteAutonomieDto {
  @ApiProperty({ type: EnqueteAutonomieDto }) enquete: EnqueteAutonomieDto;
  @ApiProperty({ type: RepondantsDto }) repondants: RepondantsDto;
  @ApiProperty({ type: [DomaineEnqueteDto], description: 'Actuelle et souhaitée par domaine, côte à côte pour les deux groupes.' }) domaines: DomaineEnqueteDto[];
  @ApiProperty({ type: JaugeReseauDto, description: 'La jauge calculée du réseau, dernier mois complet.' }) jaugeReseau: JaugeReseauDto;
  @ApiProperty({ type: MaReponseAutonomieDto, nullable: true, description: 'Votre réponse à cette enquête, si vous avez répondu.' }) maReponse: MaReponseAutonomieDto | null;
  @ApiProperty({ type: [ReponseIndividuelleDto], nullable: true, description: 'Chaque réponse : managers du réseau et administrateurs seulement ; null pour les autres.' })
  reponses: ReponseIndividuelleDto[] | null;
}

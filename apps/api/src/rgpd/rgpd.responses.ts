import { ApiProperty } from '@nestjs/swagger';
import { RefPersonneDto } from '../barometre/barometre.responses';

const ACTES = ['retention', 'effacement', 'acces'];

export class RgpdJournalEntreeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'date-time' })
  at: string;
  @ApiProperty({ enum: ACTES, description: 'retention : le travail de nuit ; effacement : sur demande ; acces : un export.' })
  acte: string;
  @ApiProperty({ type: RefPersonneDto, nullable: true, description: 'L’administrateur ; null pour le travail de rétention.' })
  acteur: RefPersonneDto | null;
  @ApiProperty({ type: String, nullable: true })
  motif: string | null;
  @ApiProperty({ type: String, format: 'uuid', isArray: true, description: 'Les questions concernées (identifiants).' })
  questions: string[];
  @ApiProperty({ description: 'Événements du fil dont les textes ont été anonymisés.' })
  evenements: number;
}

export class RgpdJournalPageDto {
  @ApiProperty({ type: RgpdJournalEntreeDto, isArray: true })
  items: RgpdJournalEntreeDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
  @ApiProperty({ description: 'La durée de conservation en vigueur (RGPD_RETENTION_MOIS) : les questions clôturées depuis plus longtemps sont anonymisées chaque nuit.' })
  retentionMois: number;
}

export class RefQuestionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  reference: string;
}

export class EffacementResultDto {
  @ApiProperty({ format: 'uuid', description: 'L’entrée du journal.' })
  journalId: string;
  @ApiProperty({ type: RefQuestionDto, isArray: true, description: 'Les questions anonymisées (aucune : rien n’était détenu).' })
  questions: RefQuestionDto[];
  @ApiProperty()
  evenements: number;
}

export class ExportRgpdDto {
  @ApiProperty({ format: 'date-time' })
  genereLe: string;
  @ApiProperty()
  responsableDuTraitement: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'L’identifiant cherché.' })
  recherche: Record<string, string>;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Chaque question de l’usager : ses textes, ses coordonnées, son fil complet (notes internes comprises), ses liens de suivi et les notifications à son sujet.',
  })
  questions: Array<Record<string, unknown>>;
}

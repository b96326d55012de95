import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../common/dto';

const JOUR = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class TableauQueryDto {
  @ApiPropertyOptional({ example: 'reseau', description: 'reseau, direction:{id} ou maison:{id} ; par défaut, votre périmètre.' })
  @IsOptional()
  @Matches(/^(reseau|(direction|maison):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'doit valoir reseau, direction:{identifiant} ou maison:{identifiant}.',
  })
  perimetre?: string;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'Premier jour de la période (inclus).' })
  @IsOptional()
  @Matches(JOUR, { message: 'doit être une date au format AAAA-MM-JJ.' })
  du?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Dernier jour de la période (inclus).' })
  @IsOptional()
  @Matches(JOUR, { message: 'doit être une date au format AAAA-MM-JJ.' })
  au?: string;
}

export class TableauSlaQueryDto extends TableauQueryDto {
  @ApiPropertyOptional({ enum: ['question', 'commande'], default: 'question' })
  @IsOptional()
  @IsIn(['question', 'commande'], { message: 'doit valoir question ou commande.' })
  flux?: 'question' | 'commande';
}

export class TableauCommandesQueryDto extends IntersectionType(TableauQueryDto, PageQueryDto) {}

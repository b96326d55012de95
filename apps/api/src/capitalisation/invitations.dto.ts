import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../common/dto';

export class InvitationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'La direction ; par défaut la vôtre (le réseau : toutes).' })
  @IsOptional()
  @IsUUID('all', { message: 'directionId doit être un UUID valide.' })
  directionId?: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class CreerLienDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Quand le lien cessera de fonctionner ; sans date, il vaut jusqu’à sa révocation.' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'expireLe doit être une date et heure ISO 8601 (2027-01-31T18:00:00Z).' })
  expireLe?: string;
}

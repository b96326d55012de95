import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export class PolitiqueIdDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'L’identifiant doit être un UUID valide.' })
  id: string;
}

export class UpdatePolitiqueDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'Le libellé ne peut pas être vide.' })
  @MaxLength(200)
  libelle?: string;

  @ApiPropertyOptional({ description: 'Cible en minutes ouvrées (une journée au siège : 480).', minimum: 0.01, maximum: 100000 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'La cible doit être un nombre (en minutes ouvrées).' })
  @Min(0.01, { message: 'La cible doit être positive.' })
  @Max(100000, { message: 'La cible ne doit pas dépasser 100 000 minutes ouvrées.' })
  cibleMinutesOuvrees?: number;

  @ApiPropertyOptional({ description: 'Seuil d’alerte, en % de la cible.', minimum: 1, maximum: 99 })
  @IsOptional()
  @IsNumber({}, { message: 'Le seuil d’alerte doit être un nombre (en % de la cible).' })
  @Min(1, { message: 'Le seuil d’alerte doit être d’au moins 1 %.' })
  @Max(99, { message: 'Le seuil d’alerte ne doit pas dépasser 99 %.' })
  seuilAvertissementPct?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'actif doit valoir true ou false.' })
  actif?: boolean;
}

export class CalendrierIdDto {
  @ApiProperty({ example: 'siege', description: 'reseau, siege ou maison-<identifiant de la Maison>.', pattern: '^(reseau|siege|maison-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$' })
  @Matches(/^(reseau|siege|maison-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, { message: 'Calendrier inconnu : reseau, siege ou maison-<identifiant>.' })
  id: string;
}

export class UpdateCalendrierDto {
  @ApiProperty({ example: 'Siège de la Région' })
  @IsString()
  @IsNotEmpty({ message: 'Le libellé est obligatoire.' })
  @MaxLength(200)
  libelle: string;

  @ApiProperty({ example: 'Europe/Paris' })
  @IsString()
  @IsNotEmpty()
  timeZone: string;

  @ApiProperty({
    type: 'object',
    description: 'Par jour ISO (1 = lundi … 7 = dimanche) : [{start: "09:00", end: "12:30"}, …]',
    additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/PlageHoraireDto' } },
    example: { '1': [{ start: '09:00', end: '12:30' }, { start: '13:30', end: '17:00' }] },
  })
  @IsObject({ message: 'hours doit être un objet (jour → plages horaires).' })
  hours: Record<string, Array<{ start: string; end: string }>>;

  @ApiProperty({ enum: ['FR', null], nullable: true })
  @IsOptional()
  @IsIn(['FR', null], { message: 'holidays doit valoir "FR" ou null.' })
  holidays: 'FR' | null;

  @ApiProperty({ type: [String], example: ['2026-12-24'] })
  @IsArray({ message: 'closures doit être une liste de dates.' })
  @Type(() => String)
  closures: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: { $ref: '#/components/schemas/FermetureDto' },
    description: 'Périodes de fermeture nommées (du … au inclus, au plus 366 jours), en plus des jours de closures.',
    example: [{ du: '2026-12-28', au: '2027-01-02', libelle: 'Fermeture de fin d’année' }],
  })
  @IsOptional()
  @IsArray({ message: 'fermetures doit être une liste de périodes { du, au, libelle }.' })
  fermetures?: Array<{ du: string; au: string; libelle: string }>;
}

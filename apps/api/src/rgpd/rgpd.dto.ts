import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, Matches, MaxLength } from 'class-validator';
import { Texte, trimOrNull } from '../common/dto';

export const MOTIF_EFFACEMENT_MAX = 500;

/** The usager searched for: their e-mail address or their phone number, exactly one. */
export class IdentifiantUsagerDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 254, example: 'bernard.casals@example.org', description: 'L’adresse e-mail de l’usager (ou telephone, l’un des deux).' })
  @Transform(trimOrNull)
  @IsOptional()
  @IsEmail({}, { message: 'Donnez une adresse e-mail valide.' })
  @MaxLength(254, { message: 'L’adresse e-mail ne doit pas dépasser 254 caractères.' })
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '04 68 11 22 33', description: 'Son numéro de téléphone, sous toute forme (espaces, points, +33).' })
  @Transform(trimOrNull)
  @IsOptional()
  @Matches(/^\+?[0-9 .()-]{6,25}$/, { message: 'Donnez un numéro de téléphone valide.' })
  telephone?: string | null;
}

export class EffacementDto extends IdentifiantUsagerDto {
  @ApiProperty({ maxLength: MOTIF_EFFACEMENT_MAX, example: 'Demande d’effacement reçue par courrier le 2 décembre (réf. courrier 2026-118).', description: 'Pourquoi : la demande reçue, sans donnée personnelle (il est gardé au journal).' })
  @Texte('Le motif', MOTIF_EFFACEMENT_MAX)
  motif: string;
}

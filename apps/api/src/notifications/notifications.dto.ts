import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { MODES_COURRIEL, NOTIFICATION_TYPES } from '@app/notifications';
import { PageQueryDto, toBool } from '../common/dto';

/** `GET /notifications?nonLues=true&limit=&cursor=`. */
export class NotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true : seulement les non lues.' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'nonLues doit valoir true ou false.' })
  nonLues?: boolean;
}

/**
 * The whole preferences (PUT replaces them). The shape is checked here (400); which kinds may be
 * muted and the hour's range are business rules, checked by the lib (422 naming the field).
 */
export class PreferencesNotificationsDto {
  @ApiProperty({ type: String, isArray: true, enum: NOTIFICATION_TYPES, description: 'Les types désactivés (sla_depassement ne peut pas l’être).' })
  @IsArray({ message: 'typesMuets doit être une liste de types de notification.' })
  @ArrayMaxSize(NOTIFICATION_TYPES.length * 2, { message: `typesMuets ne doit pas compter plus de ${NOTIFICATION_TYPES.length * 2} éléments.` })
  @IsString({ each: true, message: 'Chaque type de typesMuets doit être une chaîne de caractères.' })
  @MaxLength(40, { each: true, message: 'Type de notification inconnu.' })
  typesMuets: string[];

  @ApiProperty({ enum: MODES_COURRIEL, description: 'immediat : un courriel par notification ; resume : un résumé par jour ouvré ; aucun.' })
  @IsIn(MODES_COURRIEL, { message: 'courriel doit valoir immediat, resume ou aucun.' })
  courriel: (typeof MODES_COURRIEL)[number];

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 23, description: 'L’heure du résumé quotidien (heure de Paris).' })
  @Type(() => Number)
  @IsInt({ message: 'heureResume doit être un nombre entier (une heure de 0 à 23).' })
  heureResume: number;
}

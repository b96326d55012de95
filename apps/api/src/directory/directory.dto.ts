import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/dto';

const UUID = { message: 'doit être un identifiant (UUID) valide.' };

/** Query strings carry text: only the exact words true and false are booleans. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

// ---- Parameters -------------------------------------------------------------------------

export class IdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', UUID)
  id: string;
}

export class DispositifsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Mots cherchés dans le nom et les mots-clés, sans tenir compte des accents ni de la casse ; tous doivent y figurer.',
    example: 'eau tourisme',
    maxLength: 200,
  })
  @IsOptional()
  @IsString({ message: 'doit être une chaîne de caractères.' })
  @MaxLength(200, { message: 'ne doit pas dépasser 200 caractères.' })
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Seulement les dispositifs de ce thème.' })
  @IsOptional()
  @IsUUID('all', UUID)
  themeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Seulement les dispositifs de cette direction.' })
  @IsOptional()
  @IsUUID('all', UUID)
  directionId?: string;

  @ApiPropertyOptional({
    type: Boolean,
    default: true,
    description: 'Inclure les dispositifs clos (un usager en cite souvent un) ; false pour ne garder que les dispositifs en cours.',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'doit valoir true ou false.' })
  inclureHistoriques?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      'true : seulement les dispositifs en cours dont la direction n’a aucun référent actif ni aucune réponse depuis ORPHELIN_SEMAINES semaines (manager du réseau et administrateurs) ; se combine avec themeId et directionId, pas avec q.',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'doit valoir true ou false.' })
  orphelins?: boolean;
}

export class ReferentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Les référents de ce dispositif.' })
  @IsOptional()
  @IsUUID('all', UUID)
  dispositifId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Les référents de ce thème.' })
  @IsOptional()
  @IsUUID('all', UUID)
  themeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Les référents de cette direction.' })
  @IsOptional()
  @IsUUID('all', UUID)
  directionId?: string;
}

// ---- Responses --------------------------------------------------------------------------

const VERIFIE = 'false : donnée de démonstration non confirmée par une source publique, à ne pas présenter comme officielle.';

export class DirectionRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'tourisme' }) code: string;
  @ApiProperty({ type: String, nullable: true, example: 'DITM' }) sigle: string | null;
  @ApiProperty({ example: 'Direction du Tourisme' }) nom: string;
}

export class ThemeRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'TOURISME' }) code: string;
  @ApiProperty({ example: 'Tourisme et thermalisme' }) libelle: string;
}

export class DispositifRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'eceau-tourisme' }) code: string;
  @ApiProperty({ example: "Ec'Eau Tourisme" }) nom: string;
  @ApiProperty({ description: 'Dispositif clos' }) historique: boolean;
}

export class DepartementDto {
  @ApiProperty({ example: '11' }) code: string;
  @ApiProperty({ example: 'Aude' }) nom: string;
}

export class MaisonDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'carcassonne' }) code: string;
  @ApiProperty({ example: 'Maison de Ma Région – Carcassonne' }) nom: string;
  @ApiProperty({ example: 'Carcassonne' }) ville: string;
  @ApiProperty({ type: DepartementDto }) departement: DepartementDto;
  @ApiProperty({ enum: ['maison', 'bureau_territorial'] }) type: 'maison' | 'bureau_territorial';
  @ApiProperty({ type: String, nullable: true }) adresse: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'du lundi au vendredi de 9h à 12h et de 13h30 à 17h' }) horaires: string | null;
  @ApiProperty({ description: VERIFIE }) verifie: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Adresse de la source publique' }) source: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: ThemeRefDto, isArray: true, description: 'Thèmes que la Maison suit pour tout le réseau' })
  specialisations: ThemeRefDto[];
  @ApiProperty({ type: () => ResponsableDto, isArray: true, description: 'Responsables de la Maison (comptes actifs)' })
  responsables: ResponsableDto[];
}

export class ResponsableDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Sophie Martin' }) displayName: string;
  @ApiProperty({ example: 'responsable.carcassonne@relais.demo' }) email: string;
  @ApiProperty({ type: String, nullable: true }) telephone: string | null;
}

export class DirectionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ditm' }) code: string;
  @ApiProperty({ type: String, nullable: true, example: 'DITM' }) sigle: string | null;
  @ApiProperty({ example: 'Direction des Infrastructures, des Transports et des Mobilités' }) nom: string;
  @ApiProperty({ enum: ['direction', 'direction_generale', 'service', 'agence', 'fonds', 'groupement'] }) type: string;
  @ApiProperty({ description: 'Structure disparue ou fondue dans une autre' }) historique: boolean;
  @ApiProperty({ description: VERIFIE }) verifie: boolean;
  @ApiProperty({ type: String, nullable: true }) source: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}

export class DirectionDetailDto extends DirectionDto {
  @ApiProperty({ type: ThemeRefDto, isArray: true, description: 'Thèmes dont la direction est responsable' }) themes: ThemeRefDto[];
  @ApiProperty({ type: DispositifRefDto, isArray: true, description: 'Dispositifs portés par la direction' }) dispositifs: DispositifRefDto[];
}

export class MaisonRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'carcassonne' }) code: string;
  @ApiProperty({ example: 'Maison de la Région de Carcassonne' }) nom: string;
  @ApiProperty({ example: 'Carcassonne' }) ville: string;
}

const CORRESPONDANTS = 'Les Maisons correspondantes du thème (spécialisations) : elles suivent ses questions dans tout le réseau.';

export class ThemeDto extends ThemeRefDto {
  @ApiProperty({ type: DirectionRefDto, nullable: true, description: 'Direction responsable du thème' }) direction: DirectionRefDto | null;
  @ApiProperty({ type: MaisonRefDto, isArray: true, description: CORRESPONDANTS }) correspondants: MaisonRefDto[];
}

export class ReferentContactDto {
  @ApiProperty({ format: 'uuid', description: 'Identifiant du référent' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: 'Claire Vidal' }) displayName: string;
  @ApiProperty({ example: 'referent.tourisme@relais.demo' }) email: string;
  @ApiProperty({ type: String, nullable: true }) telephone: string | null;
}

export class DispositifDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'eceau-tourisme' }) code: string;
  @ApiProperty({ example: "Ec'Eau Tourisme" }) nom: string;
  @ApiProperty({ type: ThemeRefDto, nullable: true }) theme: ThemeRefDto | null;
  @ApiProperty({ type: DirectionRefDto, description: 'Direction qui porte le dispositif' }) direction: DirectionRefDto;
  @ApiProperty({ type: String, nullable: true }) publicVise: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, isArray: true, example: ['eau', 'camping'] }) motsCles: string[];
  @ApiProperty({ description: 'Dispositif clos' }) historique: boolean;
  @ApiProperty({ description: VERIFIE }) verifie: boolean;
  @ApiProperty({ type: String, nullable: true }) source: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: ReferentContactDto, isArray: true, description: 'Qui contacter au siège' }) referents: ReferentContactDto[];
  @ApiProperty({ type: MaisonRefDto, isArray: true, description: CORRESPONDANTS }) correspondants: MaisonRefDto[];
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Avec orphelins=true : la dernière réponse de la direction (null : jamais)' })
  derniereReponseDirection?: string | null;
}

export class ReferentDto extends ReferentContactDto {
  @ApiProperty({ type: String, nullable: true }) fonction: string | null;
  @ApiProperty({ type: DirectionRefDto }) direction: DirectionRefDto;
  @ApiProperty({ type: DispositifRefDto, isArray: true }) dispositifs: DispositifRefDto[];
  @ApiProperty({ type: ThemeRefDto, isArray: true }) themes: ThemeRefDto[];
}

const NEXT_CURSOR = { type: String, nullable: true, description: 'À passer en cursor pour la page suivante ; null sur la dernière page.' };

export class MaisonListDto {
  @ApiProperty({ type: MaisonDto, isArray: true }) items: MaisonDto[];
  @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
}

export class DirectionListDto {
  @ApiProperty({ type: DirectionDto, isArray: true }) items: DirectionDto[];
  @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
}

export class ThemeListDto {
  @ApiProperty({ type: ThemeDto, isArray: true }) items: ThemeDto[];
  @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
}

export class DispositifListDto {
  @ApiProperty({ type: DispositifDto, isArray: true }) items: DispositifDto[];
  @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
}

export class ReferentListDto {
  @ApiProperty({ type: ReferentDto, isArray: true }) items: ReferentDto[];
  @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
}

/** PUT /maisons/{id}/specialisations: the whole set of thèmes the Maison follows (empty: none). */
export class SpecialisationsDto {
  @ApiProperty({ type: String, format: 'uuid', isArray: true, maxItems: 50, description: 'Les thèmes que la Maison suit pour tout le réseau (la liste entière ; vide : aucun).' })
  @IsArray({ message: 'themeIds doit être une liste d’identifiants de thèmes.' })
  @ArrayMaxSize(50, { message: 'themeIds ne peut pas contenir plus de 50 thèmes.' })
  @ArrayUnique({ message: 'themeIds ne doit pas contenir deux fois le même thème.' })
  @IsUUID('all', { each: true, message: 'Chaque élément de themeIds doit être un identifiant (UUID) de thème.' })
  themeIds: string[];
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { AFFECTATION_STATUTS, COMMANDE_STATUTS, estEcheanceLisible, MATERIEL_AUCUN } from '@app/commandes';
import type { AffectationStatut, CommandeStatut } from '@app/commandes';
import { PageQueryDto, Texte, toBool, toList, trim, trimOrNull } from '../common/dto';

export { FilMessageDto as CommandeMessageDto, FilQueryDto, IdParamDto, MotifDto } from '../common/dto';

/** Limits users can see in the error messages. */
export const LIMITES = {
  titre: 200,
  texte: 5000,
  motif: 1000,
  libelle: 300,
  materiel: 500,
  nom: 200,
  livrables: 50,
  contacts: 20,
  maisons: 100,
  liens: 20,
  lien: 2000,
};

/** On an edit, `null` clears a list: it becomes the empty list. */
const nullToEmpty = ({ value }: { value: unknown }) => (value === null ? [] : value);

const uuid = (field: string) => ({ message: `${field} doit être un identifiant (UUID) valide.` });

const ECHEANCE_MESSAGE = 'doit être une date (2026-12-18, comprise jusqu’au soir) ou une date et heure avec fuseau (2026-12-18T17:00:00+01:00).';

/** An optional deadline: a calendar date or a date-time with its offset; malformed → 400. */
const Echeance = () =>
  applyDecorators(
    IsOptional(),
    ValidateBy({ name: 'isEcheance', validator: { validate: (v: unknown) => typeof v === 'string' && estEcheanceLisible(v) } }, { message: ECHEANCE_MESSAGE }),
  );

/** An optional free text: trimmed, blank means none, bounded. */
const TexteOptionnel = (label: string, max: number) =>
  applyDecorators(
    IsOptional(),
    Transform(trimOrNull),
    IsString({ message: 'doit être une chaîne de caractères.' }),
    MaxLength(max, { message: `${label} ne doit pas dépasser ${max} caractères.` }),
  );

export class LivrableDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Pour modifier un livrable existant ; sans identifiant, le livrable est ajouté.' })
  @IsOptional()
  @IsUUID('all', uuid('id'))
  id?: string;

  @ApiProperty({ example: 'Compte rendu de l’atelier', maxLength: LIMITES.libelle })
  @Texte('Le libellé du livrable', LIMITES.libelle)
  libelle: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2026-12-11', description: 'Sa propre échéance, au plus tard celle de la commande.' })
  @Echeance()
  echeance?: string | null;
}

export class ContactDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Claire Vidal', maxLength: LIMITES.nom })
  @TexteOptionnel('Le nom', LIMITES.nom)
  nom?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Chargée de mission formation – DEF', maxLength: LIMITES.nom })
  @TexteOptionnel('Le rôle', LIMITES.nom)
  role?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'claire.vidal@laregion.fr' })
  @IsOptional()
  @Transform(trimOrNull)
  @IsEmail({}, { message: 'doit être une adresse e-mail valide.' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '05 36 49 00 00' })
  @IsOptional()
  @Transform(trimOrNull)
  @Matches(/^\+?[0-9 .()-]{6,25}$/, { message: 'doit être un numéro de téléphone valide.' })
  telephone?: string | null;
}

/**
 * The brief. Every field is optional: a draft may be saved incomplete, and
 * GET /commandes/{id}/verification says what is missing. Malformed values are refused (400),
 * values no brief may hold (a past deadline, an unknown MdR) too (422).
 */
export class BriefDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Atelier de concertation sur les besoins en formation de la filière BTP', maxLength: LIMITES.titre })
  @TexteOptionnel('Le titre', LIMITES.titre)
  titre?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: LIMITES.texte, description: 'Ce que la commande doit produire, et pourquoi.' })
  @TexteOptionnel('L’objectif', LIMITES.texte)
  objectif?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: LIMITES.texte })
  @TexteOptionnel('Le contexte', LIMITES.texte)
  contexte?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2026-12-18', description: 'Une date (jusqu’au soir, heure de Paris) ou une date et heure avec fuseau.' })
  @Echeance()
  echeance?: string | null;

  @ApiPropertyOptional({ type: [LivrableDto], nullable: true, maxItems: LIMITES.livrables, description: 'null : aucun livrable.' })
  @IsOptional()
  @Transform(nullToEmpty)
  @IsArray({ message: 'doit être une liste.' })
  @ArrayMaxSize(LIMITES.livrables, { message: `Au plus ${LIMITES.livrables} livrables.` })
  @IsObject({ each: true, message: 'Chaque livrable doit être un objet (libellé, échéance).' })
  @ValidateNested({ each: true })
  @Type(() => LivrableDto)
  livrables?: LivrableDto[];

  @ApiPropertyOptional({
    oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string', enum: [MATERIEL_AUCUN], nullable: true }],
    example: ['Support de présentation', 'Questionnaire aux entreprises'],
    description: 'Le matériel fourni aux Maisons, ou « aucun ».',
  })
  @IsOptional()
  @ValidateBy(
    {
      name: 'isMateriel',
      validator: {
        validate: (v: unknown) =>
          v === MATERIEL_AUCUN ||
          (Array.isArray(v) &&
            v.length <= LIMITES.livrables &&
            v.every((m) => typeof m === 'string' && m.trim() !== '' && m.length <= LIMITES.materiel)),
      },
    },
    { message: `doit être une liste de textes (au plus ${LIMITES.livrables}, ${LIMITES.materiel} caractères chacun) ou « aucun ».` },
  )
  materiel?: string[] | 'aucun' | null;

  @ApiPropertyOptional({ type: [ContactDto], nullable: true, maxItems: LIMITES.contacts, description: 'null : aucun contact.' })
  @IsOptional()
  @Transform(nullToEmpty)
  @IsArray({ message: 'doit être une liste.' })
  @ArrayMaxSize(LIMITES.contacts, { message: `Au plus ${LIMITES.contacts} contacts.` })
  @IsObject({ each: true, message: 'Chaque contact doit être un objet (nom, rôle, e-mail, téléphone).' })
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts?: ContactDto[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', nullable: true, description: 'Les Maisons de la Région destinataires, chacune une fois ; null : aucune.' })
  @IsOptional()
  @Transform(nullToEmpty)
  @IsArray({ message: 'doit être une liste.' })
  @ArrayMaxSize(LIMITES.maisons, { message: `Au plus ${LIMITES.maisons} Maisons.` })
  @IsUUID('all', { each: true, message: 'Chaque Maison doit être un identifiant (UUID) valide.' })
  maisonIds?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('themeId'))
  themeId?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 1500, description: 'En euros.' })
  @IsOptional()
  // Not IsNumber's maxDecimalPlaces: it throws on 1e-7 (no '.' in its text), a 500.
  @ValidateBy(
    { name: 'isMontant', validator: { validate: (v: unknown) => typeof v === 'number' && /^-?\d+(\.\d{1,2})?$/.test(String(v)) } },
    { message: 'doit être un montant en euros (deux décimales au plus).' },
  )
  @Min(0, { message: 'doit être positif ou nul.' })
  @Max(999_999_999.99, { message: 'est trop élevé.' })
  budget?: number | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'Obligatoire (avec une justification) quand l’échéance est plus proche que le délai minimum ; null vaut false.' })
  @IsOptional()
  @Transform(({ value }) => (value === null ? false : value))
  @IsBoolean({ message: 'doit valoir true ou false.' })
  urgent?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: LIMITES.motif })
  @TexteOptionnel('La justification', LIMITES.motif)
  justificationUrgence?: string | null;
}

export class ClarificationDemandeeDto {
  @ApiProperty({ maxLength: LIMITES.texte, example: 'Le questionnaire doit-il être diffusé aux entreprises avant l’atelier ?' })
  @Texte('La question')
  question: string;
}

export class ClarificationDto {
  @ApiProperty({ maxLength: LIMITES.texte })
  @Texte('La réponse')
  reponse: string;
}

export class AvancementDto {
  @ApiProperty({ minimum: 0, maximum: 100, example: 40 })
  @IsInt({ message: 'doit être un nombre entier de 0 à 100.' })
  @Min(0, { message: 'doit être au moins 0.' })
  @Max(100, { message: 'ne doit pas dépasser 100.' })
  pourcentage: number;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: LIMITES.texte })
  @TexteOptionnel('La note', LIMITES.texte)
  note?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Tous les livrables faits (remplace la liste précédente).' })
  @IsOptional()
  @Transform(nullToEmpty)
  @IsArray({ message: 'doit être une liste.' })
  @ArrayMaxSize(LIMITES.livrables)
  @IsUUID('all', { each: true, message: 'Chaque livrable doit être un identifiant (UUID) valide.' })
  livrablesFaits?: string[];
}

export class LivraisonDto {
  @ApiProperty({ maxLength: LIMITES.texte, example: 'Compte rendu et liste des participants joints.' })
  @Texte('La note de livraison')
  note: string;

  @ApiPropertyOptional({ type: [String], example: ['https://partage.laregion.fr/atelier-btp-foix.pdf'] })
  @IsOptional()
  @Transform(nullToEmpty)
  @IsArray({ message: 'doit être une liste.' })
  @ArrayMaxSize(LIMITES.liens, { message: `Au plus ${LIMITES.liens} liens.` })
  @MaxLength(LIMITES.lien, { each: true, message: `Un lien ne doit pas dépasser ${LIMITES.lien} caractères.` })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { each: true, message: 'Chaque lien doit être une adresse web complète (https://…).' })
  liens?: string[];
}

export class ListCommandesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Les commandes reçues par votre Maison (la liste des comptes de Maison).' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'recues doit valoir true ou false.' })
  recues?: boolean;

  @ApiPropertyOptional({ description: 'Un ou plusieurs statuts séparés par des virgules.', example: 'emise' })
  @IsOptional()
  @Transform(toList)
  @IsIn(COMMANDE_STATUTS, { each: true, message: `statut doit valoir ${COMMANDE_STATUTS.join(', ')}.` })
  statut?: CommandeStatut[];

  @ApiPropertyOptional({
    description:
      'Un ou plusieurs états d’affectation séparés par des virgules : pour une Maison, l’état de la sienne ; pour une unité émettrice, les commandes dont au moins une affectation est dans l’un de ces états.',
    example: 'envoyee,renvoyee',
  })
  @IsOptional()
  @Transform(toList)
  @IsIn(AFFECTATION_STATUTS, { each: true, message: `statutAffectation doit valoir ${AFFECTATION_STATUTS.join(', ')}.` })
  statutAffectation?: AffectationStatut[];
}

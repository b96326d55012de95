import { ApiProperty } from '@nestjs/swagger';
import { AFFECTATION_ACTIONS, AFFECTATION_STATUTS, COMMANDE_ACTIONS, COMMANDE_STATUTS, MATERIEL_AUCUN } from '@app/commandes';
import { FieldErrorDto } from '../common/problem.responses';
import { PageOf } from '../common/page.responses';
import { PersonneDto, RefLibelleDto, RefNomDto } from '../common/refs.responses';
import { SlaHorlogeDto } from '../sla/sla.responses';

const INSTANT = { type: String, format: 'date-time', nullable: true };

/** Count of assignments per state: every state is present, 0 when none. */
export class ParStatutAffectationDto {}
for (const statut of AFFECTATION_STATUTS) ApiProperty({ type: 'integer', minimum: 0 })(ParStatutAffectationDto.prototype, statut);

export class CommandeLivrableDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() libelle: string;
  @ApiProperty({ ...INSTANT, description: 'Sa propre échéance ; null : celle de la commande.' }) echeance: string | null;
}

export class AffectationLivrableDto extends CommandeLivrableDto {
  @ApiProperty({ description: 'La Maison l’a déclaré fait.' }) fait: boolean;
  @ApiProperty({ description: 'Pas fait et son échéance est passée.' }) enRetard: boolean;
}

export class LivraisonVueDto {
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, isArray: true }) liens: string[];
}

/** One targeted MdR's share of a commande. */
export class AffectationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) commandeId: string;
  @ApiProperty({ type: RefNomDto }) maison: RefNomDto;
  @ApiProperty({ enum: AFFECTATION_STATUTS }) statut: string;
  @ApiProperty({ type: String, enum: AFFECTATION_STATUTS, nullable: true, description: 'Pendant une demande de clarification : l’état où l’affectation reviendra.' })
  statutAvantClarification: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 }) pourcentage: number;
  @ApiProperty({ type: String, format: 'uuid', isArray: true }) livrablesFaits: string[];
  @ApiProperty({ type: AffectationLivrableDto, isArray: true }) livrables: AffectationLivrableDto[];
  @ApiProperty({ description: 'Attendue et l’échéance de la commande est passée.' }) enRetard: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Jours ouvrés de retard (jusqu’à maintenant si ouverte, jusqu’à la livraison sinon).' }) joursDeRetard: number;
  @ApiProperty(INSTANT) accuseeAt: string | null;
  @ApiProperty(INSTANT) livreeAt: string | null;
  @ApiProperty(INSTANT) valideeAt: string | null;
  @ApiProperty(INSTANT) annuleeAt: string | null;
  @ApiProperty({ type: LivraisonVueDto, nullable: true }) livraison: LivraisonVueDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'Pourquoi la dernière livraison a été renvoyée, jusqu’à la suivante.' }) motifRenvoi: string | null;
  @ApiProperty({ type: 'integer', description: 'À renvoyer dans If-Match.' }) version: number;
  @ApiProperty({ enum: AFFECTATION_ACTIONS, isArray: true, description: 'Ce que vous pouvez faire de cette affectation maintenant.' }) actions: string[];
  @ApiProperty({ type: SlaHorlogeDto, isArray: true }) sla: SlaHorlogeDto[];
}

export class MaisonCibleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'null si la Maison n’existe plus dans l’annuaire.' }) nom: string | null;
}

export class CommandeContactVueDto {
  @ApiProperty({ type: String, nullable: true }) nom: string | null;
  @ApiProperty({ type: String, nullable: true }) role: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) telephone: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Quand le contact est un utilisateur de Relais (il suit alors la commande).' })
  utilisateurId: string | null;
}

export class UniteEmettriceDto {
  @ApiProperty({ enum: ['cabinet', 'direction'] }) type: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'La direction ; null pour le Cabinet.' }) id: string | null;
  @ApiProperty({ example: 'Cabinet' }) nom: string;
}

export class EmetteurDto extends PersonneDto {
  @ApiProperty({ type: UniteEmettriceDto }) unite: UniteEmettriceDto;
}

export class ResumeCommandeDto {
  @ApiProperty({ type: ParStatutAffectationDto, description: 'Nombre d’affectations par état.' }) parStatut: Record<string, number>;
  @ApiProperty({ type: 'integer', minimum: 0 }) enRetard: number;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, description: 'Avancement moyen des affectations non annulées, en % (0 sans affectation).' }) progressionMoyenne: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) livrablesFaits: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) livrablesTotal: number;
}

/** A commande as the caller may see it, with its assignments and their progress. */
export class CommandeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'C-2026-000042' }) reference: string;
  @ApiProperty({ enum: COMMANDE_STATUTS }) statut: string;
  @ApiProperty({ type: String, nullable: true }) titre: string | null;
  @ApiProperty({ type: String, nullable: true }) objectif: string | null;
  @ApiProperty({ type: String, nullable: true }) contexte: string | null;
  @ApiProperty(INSTANT) echeance: string | null;
  @ApiProperty({ type: CommandeLivrableDto, isArray: true }) livrables: CommandeLivrableDto[];
  @ApiProperty({
    // OpenAPI 3.0 puts `nullable` beside a `type`: on the string branch, so null is one more value.
    oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string', enum: [MATERIEL_AUCUN], nullable: true }],
    description: 'Le matériel fourni aux Maisons, « aucun », ou null tant que ce n’est pas dit.',
  })
  materiel: string[] | 'aucun' | null;
  @ApiProperty({ type: CommandeContactVueDto, isArray: true }) contacts: CommandeContactVueDto[];
  @ApiProperty({ type: MaisonCibleDto, isArray: true, description: 'Les Maisons destinataires.' }) maisons: MaisonCibleDto[];
  @ApiProperty({ type: RefLibelleDto, nullable: true }) theme: RefLibelleDto | null;
  @ApiProperty({ type: Number, nullable: true, description: 'En euros.' }) budget: number | null;
  @ApiProperty() urgent: boolean;
  @ApiProperty({ type: String, nullable: true }) justificationUrgence: string | null;
  @ApiProperty({ type: EmetteurDto }) emetteur: EmetteurDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty(INSTANT) emiseAt: string | null;
  @ApiProperty(INSTANT) closeAt: string | null;
  @ApiProperty(INSTANT) annuleeAt: string | null;
  @ApiProperty({ type: String, nullable: true }) motifAnnulation: string | null;
  @ApiProperty({ type: 'integer', description: 'À renvoyer dans If-Match (l’ETag la porte aussi).' }) version: number;
  @ApiProperty({ type: AffectationDto, isArray: true }) affectations: AffectationDto[];
  @ApiProperty({ type: ResumeCommandeDto }) resume: ResumeCommandeDto;
  @ApiProperty({ enum: COMMANDE_ACTIONS, isArray: true, description: 'Ce que vous pouvez faire de la commande maintenant.' }) actions: string[];
  @ApiProperty({ type: SlaHorlogeDto, isArray: true, description: 'Les horloges des affectations (accusé de réception, échéances), dernier cycle de chacune.' })
  sla: SlaHorlogeDto[];
}

export class CommandePageDto extends PageOf(CommandeDto) {}

export class CommandeResumeRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reference: string;
  @ApiProperty({ type: String, nullable: true }) titre: string | null;
  @ApiProperty({ enum: COMMANDE_STATUTS }) statut: string;
  @ApiProperty(INSTANT) echeance: string | null;
  @ApiProperty({ type: 'integer' }) version: number;
}

/** The answer of an assignment's read and transitions: the assignment and where its commande stands. */
export class AffectationAvecCommandeDto extends AffectationDto {
  @ApiProperty({ type: CommandeResumeRefDto }) commande: CommandeResumeRefDto;
}

export class VerificationBriefDto {
  @ApiProperty({ description: 'true : la commande peut être émise.' }) complet: boolean;
  @ApiProperty({ type: String, isArray: true, example: ['materiel', 'contacts[0].email'], description: 'Les champs à remplir ou corriger avant d’émettre.' }) manquants: string[];
  @ApiProperty({ type: String, isArray: true, description: 'Ce qui bloque, et ce qui mérite un second regard.' }) alertes: string[];
  @ApiProperty({ type: FieldErrorDto, isArray: true, description: 'Un message par champ manquant, comme le 422 d’émettre les donne.' }) erreurs: FieldErrorDto[];
}

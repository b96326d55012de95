import { ApiProperty } from '@nestjs/swagger';
import { COMMANDE_STATUTS } from '@app/commandes';
import { ParStatutAffectationDto } from '../commandes/commandes.responses';
import { TRANCHES_ANCIENNETE } from '@app/dashboards';
import { NEXT_CURSOR } from '../common/page.responses';

const COUNT = { type: 'integer', minimum: 0 } as const;
const TAUX = { type: Number, nullable: true, description: 'À temps / terminés, en %, une décimale ; null quand rien ne s’est terminé.' };
const MINUTES = (description: string) => ({ type: Number, nullable: true, description: `${description} En minutes ouvrées, estimé par classes de durée ; null sans donnée.` });

export class PerimetreTableauDto {
  @ApiProperty({ enum: ['reseau', 'direction', 'maison'] }) type: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'La direction ou la Maison ; null pour le réseau.' }) id: string | null;
  @ApiProperty({ example: 'Réseau des Maisons de la Région' }) libelle: string;
}

export class TrancheAncienneteDto {
  @ApiProperty({ enum: TRANCHES_ANCIENNETE.map((t) => t.code) }) tranche: string;
  @ApiProperty({ example: '1 à 3 jours ouvrés' }) libelle: string;
  @ApiProperty(COUNT) ouverts: number;
}

export class MaintenantDto {
  @ApiProperty(COUNT) ouverts: number;
  @ApiProperty(COUNT) aRisque: number;
  @ApiProperty(COUNT) depasses: number;
  @ApiProperty({ type: TrancheAncienneteDto, isArray: true, description: 'Les ouverts par ancienneté, en jours ouvrés.' }) anciennete: TrancheAncienneteDto[];
}

export class ConformiteDto {
  @ApiProperty({ example: 'reponse' }) horloge: string;
  @ApiProperty(COUNT) termines: number;
  @ApiProperty(COUNT) aTemps: number;
  @ApiProperty(TAUX) tauxPct: number | null;
}

export class DelaiDto {
  @ApiProperty({ example: 'prise_en_charge', description: 'L’horloge qui le mesure.' }) horloge: string;
  @ApiProperty(MINUTES('Médiane.')) medianeMinutesOuvrees: number | null;
  @ApiProperty(MINUTES('90e centile.')) p90MinutesOuvrees: number | null;
  @ApiProperty(COUNT) termines: number;
}

export class DelaisDto {
  @ApiProperty({ type: DelaiDto }) premiereReponse: DelaiDto;
  @ApiProperty({ type: DelaiDto }) resolution: DelaiDto;
}

export class TempsParDetenteurDto {
  @ApiProperty({ type: Number }) maison: number;
  @ApiProperty({ type: Number }) siege: number;
  @ApiProperty({ type: Number }) usager: number;
  @ApiProperty({ type: Number }) cabinet: number;
}

export class TendanceSemaineDto {
  @ApiProperty({ example: '2026-11-02', description: 'Le lundi de la semaine.' }) semaine: string;
  @ApiProperty(COUNT) termines: number;
  @ApiProperty(COUNT) aTemps: number;
  @ApiProperty(TAUX) tauxPct: number | null;
}

export class LigneRepartitionDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null : la ligne « sans direction », « sans Maison » ou « non prise en charge ».' }) id: string | null;
  @ApiProperty() libelle: string;
  @ApiProperty(COUNT) ouverts: number;
  @ApiProperty(COUNT) aRisque: number;
  @ApiProperty(COUNT) depasses: number;
  @ApiProperty(COUNT) termines: number;
  @ApiProperty(COUNT) aTemps: number;
  @ApiProperty(TAUX) tauxPct: number | null;
  @ApiProperty(MINUTES('Médiane du délai de résolution.')) medianeResolutionMinutesOuvrees: number | null;
}

export class RepartitionDto {
  @ApiProperty({ type: LigneRepartitionDto, isArray: true }) directions: LigneRepartitionDto[];
  @ApiProperty({ type: LigneRepartitionDto, isArray: true }) maisons: LigneRepartitionDto[];
  @ApiProperty({ type: LigneRepartitionDto, isArray: true }) referents: LigneRepartitionDto[];
}

export class TableauSlaDto {
  @ApiProperty({ type: PerimetreTableauDto }) perimetre: PerimetreTableauDto;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Pour un référent : ses seules questions.' }) referentId: string | null;
  @ApiProperty({ enum: ['question', 'commande'] }) flux: string;
  @ApiProperty({ example: '2026-11-01' }) du: string;
  @ApiProperty({ example: '2026-11-30' }) au: string;
  @ApiProperty({ format: 'date-time' }) genereA: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Dernier rafraîchissement des chiffres de la période (ceux de maintenant sont en direct).' })
  donneesPeriodeA: string | null;
  @ApiProperty({ type: MaintenantDto }) maintenant: MaintenantDto;
  @ApiProperty({ type: ConformiteDto, isArray: true }) conformite: ConformiteDto[];
  @ApiProperty({ type: DelaisDto }) delais: DelaisDto;
  @ApiProperty({ type: TempsParDetenteurDto, description: 'Minutes ouvrées des tickets terminés dans la période, par détenteur.' }) tempsParDetenteur: TempsParDetenteurDto;
  @ApiProperty({ type: TendanceSemaineDto, isArray: true }) tendance: TendanceSemaineDto[];
  @ApiProperty({ type: RepartitionDto }) repartition: RepartitionDto;
}

export class TenueDto {
  @ApiProperty({ ...COUNT, description: 'Affectations reçues (hors retirées).' }) recues: number;
  @ApiProperty({ ...COUNT, description: 'Livrées (ou validées) à l’échéance au plus tard.' }) aTemps: number;
  @ApiProperty({ ...COUNT, description: 'Livrées après l’échéance, ou pas livrées et l’échéance passée.' }) enRetard: number;
  @ApiProperty({ ...COUNT, description: 'Pas encore livrées, échéance à venir.' }) enCours: number;
}

export class TenueTotaleDto extends TenueDto {
  @ApiProperty(COUNT) commandes: number;
}

export class TenueMaisonDto extends TenueDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() libelle: string;
}

export class EmetteurTableauDto {
  @ApiProperty({ enum: ['cabinet', 'direction'] }) type: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) id: string | null;
  @ApiProperty() libelle: string;
}

export class LivrablesFaitsDto {
  @ApiProperty(COUNT) faits: number;
  @ApiProperty(COUNT) total: number;
}

export class LigneCommandeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reference: string;
  @ApiProperty({ type: String, nullable: true }) titre: string | null;
  @ApiProperty({ enum: COMMANDE_STATUTS }) statut: string;
  @ApiProperty({ type: EmetteurTableauDto }) emetteur: EmetteurTableauDto;
  @ApiProperty({ format: 'date-time' }) emiseLe: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) echeance: string | null;
  @ApiProperty(COUNT) affectations: number;
  @ApiProperty({ type: ParStatutAffectationDto, description: 'Affectations par état.' })
  parStatut: Record<string, number>;
  @ApiProperty(COUNT) enRetard: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Avancement moyen des affectations (hors retirées), en %.' }) avancementMoyenPct: number | null;
  @ApiProperty({ type: LivrablesFaitsDto }) livrables: LivrablesFaitsDto;
}

export class TableauCommandesDto {
  @ApiProperty({ type: PerimetreTableauDto }) perimetre: PerimetreTableauDto;
  @ApiProperty({ example: '2026-11-01' }) du: string;
  @ApiProperty({ example: '2026-11-30' }) au: string;
  @ApiProperty({ format: 'date-time' }) genereA: string;
  @ApiProperty({ type: TenueTotaleDto }) total: TenueTotaleDto;
  @ApiProperty({ type: TenueMaisonDto, isArray: true }) maisons: TenueMaisonDto[];
  @ApiProperty({ type: LigneCommandeDto, isArray: true, description: 'Une page de commandes (limit, cursor).' }) commandes: LigneCommandeDto[];
  @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
}

const TAUX_CAPI = (description: string) => ({ type: Number, nullable: true, description: `${description} En %, une décimale.` });

export class ChiffresCapitalisationDto {
  @ApiProperty({ ...COUNT, description: 'Questions reçues sur la période et escaladées au siège.' }) escalations: number;
  @ApiProperty({ ...COUNT, description: 'Réponses publiées (FAQ) sur la période, non retirées.' }) reponsesPubliees: number;
  @ApiProperty({ ...COUNT, description: 'Questions reçues sur la période et répondues au guichet, sans escalade.' }) reponsesLocales: number;
  @ApiProperty({ ...COUNT, description: 'Parmi les réponses au guichet, celles qui réutilisent une réponse publiée ou celle d’une question semblable.' }) reutilisations: number;
  @ApiProperty(TAUX_CAPI('Réponses publiées / escalades ; null sans escalade (peut dépasser 100).')) tauxCapitalisationPct: number | null;
  @ApiProperty(TAUX_CAPI('Réutilisations / (réponses au guichet + escalades) ; null sans question.')) tauxReutilisationPct: number | null;
}

export class LigneCapitalisationDto extends ChiffresCapitalisationDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null : questions et réponses sans dispositif.' }) dispositifId: string | null;
  @ApiProperty({ example: "Ec'Eau Tourisme" }) libelle: string;
}

export class TableauCapitalisationDto {
  @ApiProperty({ type: PerimetreTableauDto }) perimetre: PerimetreTableauDto;
  @ApiProperty({ example: '2026-09-01' }) du: string;
  @ApiProperty({ example: '2026-11-30' }) au: string;
  @ApiProperty({ format: 'date-time' }) genereA: string;
  @ApiProperty({ type: ChiffresCapitalisationDto, description: 'Le périmètre entier.' }) total: ChiffresCapitalisationDto;
  @ApiProperty({ type: LigneCapitalisationDto, isArray: true, description: 'Par dispositif, les plus escaladés d’abord.' }) dispositifs: LigneCapitalisationDto[];
}

import { ApiProperty } from '@nestjs/swagger';
import { METEOS } from '@app/barometre';
import { RefDispositifDto, RefThemeDto } from '../capitalisation/capitalisation.responses';

const TENDANCES = ['amelioration', 'stable', 'degradation'];

export class RefPersonneDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  displayName: string;
}

export class RefMaisonDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  nom: string;
}

export class ReleveDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  maisonId: string;
  @ApiProperty({ enum: METEOS })
  meteo: string;
  @ApiProperty()
  commentaire: string;
  @ApiProperty({ type: RefThemeDto, nullable: true })
  theme: RefThemeDto | null;
  @ApiProperty({ type: RefDispositifDto, nullable: true })
  dispositif: RefDispositifDto | null;
  @ApiProperty({ type: RefPersonneDto })
  auteur: RefPersonneDto;
  @ApiProperty({ format: 'date-time' })
  releveLe: string;
}

export class ComptesMeteoDto {
  @ApiProperty({ type: 'integer' })
  soleil: number;
  @ApiProperty({ type: 'integer' })
  soleil_voile: number;
  @ApiProperty({ type: 'integer' })
  nuageux: number;
  @ApiProperty({ type: 'integer' })
  pluie: number;
  @ApiProperty({ type: 'integer' })
  orage: number;
}

export class ThemeMauvaisTempsDto {
  @ApiProperty({ format: 'uuid' })
  themeId: string;
  @ApiProperty()
  libelle: string;
  @ApiProperty({ type: 'integer', description: 'Relevés pluie ou orage du mois sur ce thème.' })
  releves: number;
}

export class DispositifDemandeDto {
  @ApiProperty({ format: 'uuid' })
  dispositifId: string;
  @ApiProperty()
  libelle: string;
  @ApiProperty({ type: 'integer' })
  questions: number;
}

export class OperationsDuMoisDto {
  @ApiProperty({ type: 'integer', description: 'Questions reçues par la Maison dans le mois (heure de Paris).' })
  questions: number;
  @ApiProperty({ type: 'integer', description: 'Parmi elles, les questions escaladées au siège.' })
  escaladees: number;
  @ApiProperty({ type: 'integer', description: 'Délais SLA des questions de la Maison dépassés dans le mois.' })
  depassementsSla: number;
  @ApiProperty({ type: DispositifDemandeDto, isArray: true, description: 'Les trois dispositifs les plus demandés.' })
  dispositifs: DispositifDemandeDto[];
}

export class DetailTerritoireDto {
  @ApiProperty({ type: ThemeMauvaisTempsDto, isArray: true, description: 'Les trois thèmes les plus cités par les relevés pluie et orage.' })
  themesMauvaisTemps: ThemeMauvaisTempsDto[];
  @ApiProperty({ type: OperationsDuMoisDto })
  operations: OperationsDuMoisDto;
}

export class TerritoireBarometreDto {
  @ApiProperty({ format: 'uuid' })
  maisonId: string;
  @ApiProperty()
  nom: string;
  @ApiProperty()
  ville: string;
  @ApiProperty()
  departementCode: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Latitude approximative du centre de la ville (la carte).' })
  latitude: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Longitude approximative du centre de la ville (la carte).' })
  longitude: number | null;
  @ApiProperty({ type: ComptesMeteoDto })
  comptes: ComptesMeteoDto;
  @ApiProperty({ type: 'integer' })
  total: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Moyenne des relevés (soleil 1 … orage 5), deux décimales.' })
  scoreMoyen: number | null;
  @ApiProperty({ enum: METEOS, nullable: true, description: 'La moyenne arrondie à la météo la plus proche, à mi-chemin vers la pire (ADR 0020).' })
  meteoDuMois: string | null;
  @ApiProperty({ enum: METEOS, nullable: true })
  meteoMoisPrecedent: string | null;
  @ApiProperty({ enum: TENDANCES, nullable: true, description: 'Selon la moyenne, par rapport au mois précédent ; null si l’un des deux mois n’a aucun relevé.' })
  tendance: string | null;
  @ApiProperty({ type: DetailTerritoireDto, nullable: true, description: 'null dans le résumé du réseau qu’une Maison voit des autres Maisons.' })
  detail: DetailTerritoireDto | null;
}

export class PerimetreBarometreDto {
  @ApiProperty({ enum: ['reseau', 'direction', 'maison'] })
  type: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true })
  id: string | null;
  @ApiProperty()
  libelle: string;
}

export class TotalBarometreDto {
  @ApiProperty({ type: ComptesMeteoDto })
  comptes: ComptesMeteoDto;
  @ApiProperty({ type: 'integer' })
  total: number;
  @ApiProperty({ type: Number, nullable: true })
  scoreMoyen: number | null;
  @ApiProperty({ enum: METEOS, nullable: true })
  meteoDuMois: string | null;
  @ApiProperty({ enum: TENDANCES, nullable: true })
  tendance: string | null;
}

export class BarometreDto {
  @ApiProperty({ example: '2026-11' })
  mois: string;
  @ApiProperty({ example: '2026-10' })
  moisPrecedent: string;
  @ApiProperty({ type: PerimetreBarometreDto })
  perimetre: PerimetreBarometreDto;
  @ApiProperty({ format: 'date-time' })
  genereA: string;
  @ApiProperty({ type: TotalBarometreDto })
  total: TotalBarometreDto;
  @ApiProperty({ type: TerritoireBarometreDto, isArray: true })
  territoires: TerritoireBarometreDto[];
}

export class SyntheseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ type: RefMaisonDto })
  maison: RefMaisonDto;
  @ApiProperty({ example: '2026-11' })
  mois: string;
  @ApiProperty()
  texte: string;
  @ApiProperty({ type: RefPersonneDto })
  auteur: RefPersonneDto;
  @ApiProperty({ format: 'date-time' })
  publieeLe: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  modifieeLe: string | null;
  @ApiProperty({ type: 'integer' })
  version: number;
}

export class SynthesesDto {
  @ApiProperty({ example: '2026-11' })
  mois: string;
  @ApiProperty({ type: SyntheseDto, isArray: true })
  items: SyntheseDto[];
}

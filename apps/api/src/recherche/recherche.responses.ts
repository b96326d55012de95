import { ApiProperty } from '@nestjs/swagger';
import { TYPES_RESULTAT } from '@app/knowledge';

export class SegmentDto {
  @ApiProperty({ example: 'économies d’' })
  texte: string;
  @ApiProperty({ description: 'Un mot trouvé par la recherche (à surligner).' })
  surligne: boolean;
}

export class RechercheDispositifDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: "Ec'Eau Tourisme" })
  nom: string;
  @ApiProperty({ description: 'Dispositif clos : encore trouvé (les usagers en citent), la réponse étant souvent qu’il est clos.' })
  historique: boolean;
}

export class ResultatRechercheDto {
  @ApiProperty({ enum: TYPES_RESULTAT })
  type: string;
  @ApiProperty({ format: 'uuid', description: 'L’identifiant du dispositif, du document ou de la réponse publiée.' })
  id: string;
  @ApiProperty({ description: 'Nom du dispositif, titre du document, ou question de la réponse publiée.' })
  titre: string;
  @ApiProperty({ type: RechercheDispositifDto, nullable: true, description: 'Le dispositif concerné (une réponse publiée sur un thème seulement n’en a pas).' })
  dispositif: RechercheDispositifDto | null;
  @ApiProperty({ description: 'Pertinence (ts_rank_cd), entre 0 et 1 ; les résultats sont triés par pertinence décroissante.' })
  score: number;
  @ApiProperty({ description: 'false : le résultat ne contient qu’une partie des mots cherchés (aucun ou trop peu de résultats ne les contenaient tous).' })
  tousLesMots: boolean;
  @ApiProperty({ type: SegmentDto, isArray: true, description: 'Un extrait, en segments de texte brut : aucun balisage HTML.' })
  extrait: SegmentDto[];
}

export class RechercheDto {
  @ApiProperty({ type: ResultatRechercheDto, isArray: true })
  items: ResultatRechercheDto[];
}

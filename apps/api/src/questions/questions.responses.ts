import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CANAUX, PRIORITES, QUESTION_ACTIONS, QUESTION_STATUTS } from '@app/questions';
import { PageOf } from '../common/page.responses';
import { PersonneDto, RefLibelleDto, RefNomDto } from '../common/refs.responses';
import { SlaHorlogeDto } from '../sla/sla.responses';

export class QuestionDirectionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() nom: string;
  @ApiProperty({ type: String, nullable: true, example: 'DITM' }) sigle: string | null;
}

export class QuestionUsagerDto {
  @ApiProperty({ type: String, nullable: true }) nom: string | null;
  @ApiProperty({ type: String, nullable: true }) organisation: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) telephone: string | null;
  @ApiProperty() consentement: boolean;
}

/** A question as the caller may see it (GET /questions/{id}, every transition's answer, list items). */
export class QuestionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Q-2026-000123' }) reference: string;
  @ApiProperty({ enum: QUESTION_STATUTS }) statut: string;
  @ApiProperty() objet: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: CANAUX }) canal: string;
  @ApiProperty({ enum: PRIORITES }) priorite: string;
  @ApiProperty({ type: RefNomDto, description: 'La Maison qui a reçu la question.' }) maison: RefNomDto;
  @ApiProperty({ type: RefNomDto, nullable: true }) dispositif: RefNomDto | null;
  @ApiProperty({ type: RefLibelleDto, nullable: true }) theme: RefLibelleDto | null;
  @ApiProperty({ type: QuestionDirectionDto, nullable: true, description: 'La direction qui la détient au siège ; null avec enCoordination : la file de la coordination du réseau.' })
  direction: QuestionDirectionDto | null;
  @ApiProperty({ description: 'Au siège sans direction : dans la file de la coordination du réseau.' }) enCoordination: boolean;
  @ApiProperty({ type: PersonneDto, nullable: true, description: 'Le référent qui l’a prise en charge.' }) referent: PersonneDto | null;
  @ApiProperty({ type: String, nullable: true }) reponse: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'L’issue donnée à la clôture.' }) issue: string | null;
  @ApiProperty({ type: PersonneDto }) creePar: PersonneDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) escaladeeAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({ type: 'integer', description: 'À renvoyer dans If-Match (l’ETag la porte aussi).' }) version: number;
  @ApiProperty({ type: SlaHorlogeDto, isArray: true, description: 'Les horloges SLA, dernier cycle de chacune.' }) sla: SlaHorlogeDto[];
  @ApiPropertyOptional({ type: QuestionUsagerDto, description: 'Seulement pour la Maison qui l’a enregistrée et le référent qui la traite.' })
  usager?: QuestionUsagerDto;
  @ApiPropertyOptional({
    enum: QUESTION_ACTIONS,
    isArray: true,
    description: 'Ce que vous pouvez faire de la question maintenant (la question seule et les réponses de ses transitions ; pas dans les listes).',
  })
  actions?: string[];
  @ApiPropertyOptional({ description: 'Vous pouvez remettre à l’usager un lien de suivi maintenant (votre Maison ; question ouverte, ou close depuis moins de SUIVI_VALIDITE_MOIS mois).' })
  lienSuiviPossible?: boolean;
  @ApiPropertyOptional({
    description: 'Vue par votre Maison au titre d’une spécialisation (question d’une autre Maison sur un thème que vous suivez) : lecture seule, sans données de l’usager ni action ni message.',
  })
  lectureSeule?: boolean;
}

/** POST /questions/{id}/lien-suivi: shown once, never stored in clear. */
export class LienSuiviDto {
  @ApiProperty({ example: 'https://relais.laregion.fr/suivi/4kq2…', description: 'L’adresse de la page de suivi, à remettre à l’usager (QR code du reçu).' })
  url: string;
  @ApiProperty({ description: 'Le jeton (256 bits aléatoires, base64url) : Relais n’en garde que l’empreinte, il ne pourra plus être affiché.' })
  token: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Question close : la date à laquelle le lien cessera de fonctionner.' })
  expireLe?: string;
}

export class QuestionPageDto extends PageOf(QuestionDto) {}

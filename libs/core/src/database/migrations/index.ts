import { Initial1795640723913 } from './1795640723913-Initial';
import { Timeline1795641190805 } from './1795641190805-Timeline';
import { IdempotencyKey1795641190806 } from './1795641190806-IdempotencyKey';
import { Questions1795641748241 } from './1795641748241-Questions';
import { QuestionAccesDirection1795642209220 } from './1795642209220-QuestionAccesDirection';
import { Sla1795643295252 } from './1795643295252-Sla';
import { Commandes1795643416726 } from './1795643416726-Commandes';
import { OutboxQuietNotify1795644593491 } from './1795644593491-OutboxQuietNotify';
import { OutboxProcessedAt1795645579101 } from './1795645579101-OutboxProcessedAt';
import { SlaHorlogeObjet1795646000000 } from './1795646000000-SlaHorlogeObjet';
import { SlaHorlogeOpenIndex1795646600000 } from './1795646600000-SlaHorlogeOpenIndex';
import { TableauxDeBord1795647000000 } from './1795647000000-TableauxDeBord';
import { SlaRunningDueCovering1795648000000 } from './1795648000000-SlaRunningDueCovering';
import { FilScelle1795649000000 } from './1795649000000-FilScelle';
import { SlaLateWarningIndex1795649100000 } from './1795649100000-SlaLateWarningIndex';
import { Notifications1795650000000 } from './1795650000000-Notifications';
import { LienSuivi1795650300000 } from './1795650300000-LienSuivi';
import { Webhooks1795651300000 } from './1795651300000-Webhooks';
import { Documents1795652000000 } from './1795652000000-Documents';
import { Capitalisation1795653000000 } from './1795653000000-Capitalisation';
import { Recherche1795653100000 } from './1795653100000-Recherche';
import { QuestionSuggestions1795653200000 } from './1795653200000-QuestionSuggestions';
import { CapitalisationInvitation1795653300000 } from './1795653300000-CapitalisationInvitation';
import { SpecialisationQuestions1795653400000 } from './1795653400000-SpecialisationQuestions';
import { DirectoryHistoriqueIndexes1795653500000 } from './1795653500000-DirectoryHistoriqueIndexes';
import { Barometre1795654000000 } from './1795654000000-Barometre';
import { Autonomie1795654100000 } from './1795654100000-Autonomie';
import { Rgpd1795655000000 } from './1795655000000-Rgpd';
import { FilesAttentePostgres1795655200000 } from './1795655200000-FilesAttentePostgres';
import { TableauxDeBordMois1795655300000 } from './1795655300000-TableauxDeBordMois';
import { OutboxPurge1795655600000 } from './1795655600000-OutboxPurge';

/** Every migration, in order (one per line). Listed explicitly: a migration that is not here never runs. */
export const MIGRATIONS: Function[] = [
  Initial1795640723913,
  Timeline1795641190805,
  IdempotencyKey1795641190806,
  Questions1795641748241,
  QuestionAccesDirection1795642209220,
  Sla1795643295252,
  Commandes1795643416726,
  OutboxQuietNotify1795644593491,
  OutboxProcessedAt1795645579101,
  SlaHorlogeObjet1795646000000,
  SlaHorlogeOpenIndex1795646600000,
  TableauxDeBord1795647000000,
  SlaRunningDueCovering1795648000000,
  FilScelle1795649000000,
  SlaLateWarningIndex1795649100000,
  Notifications1795650000000,
  LienSuivi1795650300000,
  Webhooks1795651300000,
  Documents1795652000000,
  Capitalisation1795653000000,
  Recherche1795653100000,
  QuestionSuggestions1795653200000,
  CapitalisationInvitation1795653300000,
  SpecialisationQuestions1795653400000,
  DirectoryHistoriqueIndexes1795653500000,
  Barometre1795654000000,
  Autonomie1795654100000,
  Rgpd1795655000000,
  FilesAttentePostgres1795655200000,
  TableauxDeBordMois1795655300000,
  OutboxPurge1795655600000,
];

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SlaModule } from '@app/sla';
import { QuestionCommandRunner } from './commands/question-command.runner';
import { QUESTION_TRANSITION_HANDLERS } from './commands/question-transitions';
import { RecordQuestionHandler } from './commands/record-question';
import { RemettreLienSuiviHandler } from './commands/remettre-lien-suivi';
import { GetSuiviHandler } from './queries/suivi.query';
import { QUESTION_ENTITIES } from './persistence/question.entities';
import { QuestionRepository } from './persistence/question.repository';
import { RoutingReader } from './persistence/routing.reader';
import { RgpdService } from './rgpd/rgpd.service';
import { QUESTION_QUERY_HANDLERS } from './queries/question.queries';
import { QuestionViewReader } from './queries/question-view.reader';

@Module({
  imports: [TypeOrmModule.forFeature(QUESTION_ENTITIES), SlaModule],
  providers: [
    QuestionRepository,
    RoutingReader,
    QuestionViewReader,
    QuestionCommandRunner,
    RecordQuestionHandler,
    ...QUESTION_TRANSITION_HANDLERS,
    ...QUESTION_QUERY_HANDLERS,
    RemettreLienSuiviHandler,
    GetSuiviHandler,
    RgpdService,
  ],
  exports: [RgpdService],
})
export class QuestionsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SlaModule } from '@app/sla';
import { PolitiqueCommandes } from './commandes.policy';
import { CommandeCommandRunner } from './commands/commande-command.runner';
import { COMMANDE_TRANSITION_HANDLERS } from './commands/commande-transitions';
import { RedigerCommandeHandler } from './commands/rediger-commande';
import { COMMANDE_ENTITIES } from './persistence/commande.entities';
import { CommandeRepository } from './persistence/commande.repository';
import { ReferencesReader } from './persistence/references.reader';
import { COMMANDE_QUERY_HANDLERS } from './queries/commande.queries';
import { CommandeViewReader } from './queries/commande-view.reader';

@Module({
  imports: [TypeOrmModule.forFeature(COMMANDE_ENTITIES), SlaModule],
  providers: [
    PolitiqueCommandes,
    CommandeRepository,
    ReferencesReader,
    CommandeViewReader,
    CommandeCommandRunner,
    RedigerCommandeHandler,
    ...COMMANDE_TRANSITION_HANDLERS,
    ...COMMANDE_QUERY_HANDLERS,
  ],
})
export class CommandesModule {}

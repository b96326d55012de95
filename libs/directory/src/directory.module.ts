import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DIRECTORY_ENTITIES } from './persistence/directory.entities';
import { FindAuthUserHandler } from './queries/find-auth-user.query';
import { GetDirectionHandler } from './queries/get-direction.query';
import { GetDispositifHandler } from './queries/get-dispositif.query';
import { GetMaisonHandler } from './queries/get-maison.query';
import { ListDevUsersHandler } from './queries/list-dev-users.query';
import { ListDirectionsHandler } from './queries/list-directions.query';
import { ListDispositifsHandler } from './queries/list-dispositifs.query';
import { ListMaisonsHandler } from './queries/list-maisons.query';
import { ListReferentsHandler } from './queries/list-referents.query';
import { ListThemesHandler } from './queries/list-themes.query';
import { ListOrphelinsHandler } from './historique/list-orphelins.query';
import { ReferentsHistoriqueHandler } from './historique/referents-historique.query';
import { SuggestReferentHandler } from './historique/suggest-referent.query';
import { DefinirSpecialisationsHandler } from './specialisations/definir-specialisations.command';

const QUERY_HANDLERS = [
  FindAuthUserHandler,
  ListDevUsersHandler,
  ListMaisonsHandler,
  GetMaisonHandler,
  ListDirectionsHandler,
  GetDirectionHandler,
  ListThemesHandler,
  ListDispositifsHandler,
  GetDispositifHandler,
  ListReferentsHandler,
  ReferentsHistoriqueHandler,
  SuggestReferentHandler,
  ListOrphelinsHandler,
];

@Module({
  imports: [TypeOrmModule.forFeature(DIRECTORY_ENTITIES)],
  providers: [...QUERY_HANDLERS, DefinirSpecialisationsHandler],
})
export class DirectoryModule {}

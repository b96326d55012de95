import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SlaModule } from '@app/sla';
import { GetTableauCommandesHandler } from './commandes/commandes-dashboard';
import { GetTableauCapitalisationHandler } from './capitalisation/capitalisation-dashboard';
import { DASHBOARD_ENTITIES } from './persistence/tdb.entities';
import { GetTableauSlaHandler } from './sla/sla-dashboard';
import { SlaRollup } from './sla/rollup';

/** Read side only: dashboards and the roll-up the worker keeps fresh. */
@Module({
  imports: [TypeOrmModule.forFeature(DASHBOARD_ENTITIES), SlaModule],
  providers: [GetTableauSlaHandler, GetTableauCommandesHandler, GetTableauCapitalisationHandler, SlaRollup],
  exports: [SlaRollup],
})
export class DashboardsModule {}

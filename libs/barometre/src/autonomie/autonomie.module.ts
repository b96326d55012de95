import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SlaModule } from '@app/sla';
import { AUTONOMIE_ENTITIES } from './autonomie.entities';
import { GetEnqueteAutonomieHandler, ListerEnquetesAutonomieHandler, OuvrirEnqueteAutonomieHandler, RepondreEnqueteAutonomieHandler } from './enquete-autonomie';
import { GetJaugeAutonomieHandler } from './jauge-autonomie';

/** Autonomy (issue 15): the gauge computed from the questions, and the field study's survey. */
@Module({
  imports: [TypeOrmModule.forFeature(AUTONOMIE_ENTITIES), SlaModule],
  providers: [GetJaugeAutonomieHandler, OuvrirEnqueteAutonomieHandler, ListerEnquetesAutonomieHandler, RepondreEnqueteAutonomieHandler, GetEnqueteAutonomieHandler],
  exports: [],
})
export class AutonomieModule {}

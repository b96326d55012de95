import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUTONOMIE_ENTITIES } from './autonomie.entities';

/** Autonomy (issue 15): the gauge computed from the questions, and the field study's survey. */
@Module({
  imports: [TypeOrmModule.forFeature(AUTONOMIE_ENTITIES)],
  providers: [],
  exports: [],
})
export class AutonomieModule {}

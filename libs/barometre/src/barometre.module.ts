import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BAROMETRE_ENTITIES } from './persistence/barometre.entities';
import { BarometreService } from './releves/barometre.service';

/** The territory's pulse (issue 15): barometer entries, the month per territory, monthly summaries. */
@Module({
  imports: [TypeOrmModule.forFeature(BAROMETRE_ENTITIES)],
  providers: [BarometreService],
  exports: [BarometreService],
})
export class BarometreModule {}

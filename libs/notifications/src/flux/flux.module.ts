import { Module } from '@nestjs/common';
import { FluxConsumer } from './flux.consumer';

/**
 * The live stream's writer, for the worker (its consumer joins OUTBOX_CONSUMER_CLASSES). Apart
 * from NotificationsModule so that the API, which only reads the stream, does not build it.
 */
@Module({
  providers: [FluxConsumer],
  exports: [FluxConsumer],
})
export class FluxModule {}

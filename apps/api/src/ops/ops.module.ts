import { Module } from '@nestjs/common';
import { BoardQueues } from './board-queues';
import { GracefulShutdown } from './graceful-shutdown';

/** Operations plumbing of the API: the queue board's queues and graceful shutdown. */
@Module({
  providers: [BoardQueues, GracefulShutdown],
  exports: [BoardQueues],
})
export class OpsModule {}

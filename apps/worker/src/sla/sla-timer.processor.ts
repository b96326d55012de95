import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig, QueueName } from '@app/core';
import { FireOutcome, SlaFirer, SlaTimerJob } from '@app/sla';

/** SLA timers, on their own queue and worker: no other backlog can delay them. */
@Processor(QueueName.SlaTimers)
export class SlaTimerProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly firer: SlaFirer,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.SLA_TIMER_CONCURRENCY;
  }

  process(job: Job<SlaTimerJob>): Promise<FireOutcome> {
    return this.firer.fire(job.data.horlogeId, job.data.generation, job.data.type);
  }
}

import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig, QueueName, redisOutageLog } from '@app/core';
import { FireOutcome, SlaFirer, slaTimerBackoff, SlaTimerJob } from '@app/sla';
import { OutboxRelayService } from '../outbox/outbox-relay.service';
import { FireBatcher } from './fire-batcher';
import { FirePressure } from './fire-pressure';

/**
 * Fires per transaction at most: enough to share one commit among a burst (100,000 timers due
 * in 2 minutes come ~400 per second per worker), small enough to keep each transaction short.
 */
const MAX_BATCH = 100;
/**
 * Batches of one worker in flight at once. One: the fires that come while a batch is in flight
 * gather into the next (at ~800 fires/s, 3 a batch at the median instead of 1), so each fire
 * costs fewer round trips and less CPU; two in flight bought no lateness on 2 cores.
 */
const MAX_IN_FLIGHT = 1;

/**
 * SLA timers, on their own queue and worker: no other backlog can delay them. A fire takes
 * milliseconds, so a short lock is safe, and it bounds how late the timers a crashed worker had
 * in hand are taken over by another (BullMQ's default is 30 s).
 *
 * The timers that BullMQ hands over together are fired together (FireBatcher, group commit). A
 * job retried after a failure fires alone: a timer that keeps failing cannot take the ones
 * batched with it down through all their attempts.
 */
@Processor(QueueName.SlaTimers, { lockDuration: 10_000, stalledInterval: 10_000, settings: { backoffStrategy: slaTimerBackoff } })
export class SlaTimerProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(SlaTimerProcessor.name);
  private readonly redisLog = redisOutageLog(this.logger, 'worker:sla-timers');
  private readonly batcher: FireBatcher;

  constructor(
    private readonly firer: SlaFirer,
    private readonly config: AppConfig,
    private readonly pressure: FirePressure,
    @Optional() private readonly outbox?: OutboxRelayService,
  ) {
    super();
    this.batcher = new FireBatcher((requests) => this.pressure.during(requests.length, () => this.firer.fireBatch(requests)).then((outcomes) => this.relayed(outcomes)), {
      maxBatch: MAX_BATCH,
      maxInFlight: MAX_IN_FLIGHT,
    });
  }

  /** Once a fire committed, wakes this process's outbox relay (OutboxRelayService.afterFires). */
  private relayed<T extends FireOutcome | FireOutcome[]>(outcome: T): T {
    if ((Array.isArray(outcome) ? (outcome as FireOutcome[]) : [outcome as FireOutcome]).includes('fired')) this.outbox?.afterFires();
    return outcome;
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.SLA_TIMER_CONCURRENCY;
  }

  process(job: Job<SlaTimerJob>): Promise<FireOutcome> {
    const { horlogeId, generation, type } = job.data;
    if (job.attemptsMade > 0) return this.firer.fire(horlogeId, generation, type).then((outcome) => this.relayed(outcome));
    return this.batcher.fire({ horlogeId, generation, type });
  }

  /** Redis errors (a restart, a flush under a running job): logged once a minute; BullMQ reconnects and the reconciler repairs. */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.redisLog.failure(err, 'queue worker error');
  }
}

import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig, OutageLog, QueueName, redisOutageLog, safeError } from '@app/core';
import { CourrielJob, CourrielJobs, CourrielService, JOB_COURRIEL, JOB_RESUME, JOB_RESUMES, ResumeJob, SCHEDULER_RESUMES } from '@app/notifications';

/** How often each worker checks that the digests' scheduler is still in Redis (a flush removes it). */
const SCHEDULER_CHECK_MS = 5 * 60_000;

/**
 * The `notifications` queue: immediate e-mails, the hourly digest tick and each digest. Few at
 * once: a send holds a PostgreSQL connection (the rows' locks) for the SMTP exchange.
 *
 * The channel is on with SMTP_HOST; without it the worker says so once at start and removes the
 * digests' scheduler (nothing else produces e-mail jobs then).
 */
@Processor(QueueName.Notifications, { concurrency: 4 })
export class CourrielProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CourrielProcessor.name);
  private readonly redisLog = redisOutageLog(this.logger, 'worker:notifications');
  private readonly schedulerLog = new OutageLog(this.logger, 'courriel-scheduler');
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly courriel: CourrielService,
    private readonly jobs: CourrielJobs,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.courrielActif) {
      this.logger.log('e-mail channel off: SMTP_HOST is not set');
      // A scheduler left from a run with the channel on would tick for nothing.
      await this.jobs.retirer().catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'could not remove the e-mail digest scheduler'));
      return;
    }
    // Host and port only: never the user, the password or an address.
    this.logger.log({ smtp: { host: this.config.SMTP_HOST, port: this.config.smtpPort, secure: this.config.SMTP_SECURE, starttls: this.config.SMTP_STARTTLS } }, 'e-mail channel on');
    await this.jobs.planifier();
    this.armWatchdog();
  }

  private armWatchdog(): void {
    this.watchdog = setTimeout(() => void this.checkScheduler().finally(() => this.armWatchdog()), SCHEDULER_CHECK_MS);
    this.watchdog.unref();
  }

  private async checkScheduler(): Promise<void> {
    try {
      if (!(await this.jobs.queue.getJobScheduler(SCHEDULER_RESUMES))) {
        this.logger.warn('e-mail digest scheduler missing from Redis: restoring it');
        await this.jobs.planifier();
      }
      this.schedulerLog.recovered('e-mail digest scheduler check reaches Redis again');
    } catch (err) {
      this.schedulerLog.failure(err, 'e-mail digest scheduler check could not reach Redis');
    }
  }

  onApplicationShutdown(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === JOB_COURRIEL) return this.courriel.envoyerImmediat((job.data as CourrielJob).notificationId);
    if (job.name === JOB_RESUME) return this.courriel.envoyerResume(job.data as ResumeJob);
    if (job.name === JOB_RESUMES) {
      // The slot the scheduler planned (timestamp + delay), not the moment a busy worker got to it.
      const planned = new Date(job.timestamp + (job.delay ?? 0));
      return (await this.courriel.planifierResumes(planned)).length;
    }
    this.logger.warn({ name: job.name }, 'unknown notifications job');
    return undefined;
  }

  /** Each failed attempt, told by its sanitised error (EnvoiCourrielError: code and command, never an address; a database error through safeError). */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    this.logger.warn({ job: { name: job?.name, id: job?.id, attemptsMade: job?.attemptsMade }, err: safeError(err) }, 'notifications job failed');
  }

  /** Redis errors (a restart, a flush under a running job): logged once a minute; BullMQ reconnects. */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.redisLog.failure(err, 'queue worker error');
  }
}

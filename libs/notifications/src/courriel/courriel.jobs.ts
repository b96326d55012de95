import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '@app/core';

/** One notification to mail at once. */
export const JOB_COURRIEL = 'courriel';
/** The hourly tick that finds whose digest is due (a job scheduler, on the hour, Paris time). */
export const JOB_RESUMES = 'resumes';
/** One user's digest of one day. */
export const JOB_RESUME = 'resume';
export const SCHEDULER_RESUMES = 'courriel-resumes';

export interface CourrielJob {
  notificationId: string;
}

export interface ResumeJob {
  userId: string;
  jour: string;
  /** The slot's instant (ISO): the digest carries what was created up to it. */
  at: string;
}

/** Deterministic: a notification delivered twice by the outbox is one job (BullMQ ignores a known id). */
export function courrielJobId(notificationId: string): string {
  return `courriel-${notificationId}`;
}

/** One digest per user and day, whatever the number of ticks that plan it. */
export function resumeJobId(userId: string, jour: string): string {
  return `resume-${userId}-${jour}`;
}

/**
 * Retried on any SMTP failure (a 4xx, a 5xx, a refused connection): 8 attempts, 30 s doubling,
 * about an hour in all; what is still unmailed then goes in the next digest. Jobs are kept two
 * days once done, so that a repeated id is still recognised, then trimmed.
 */
export const NOTIFICATIONS_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { age: 2 * 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

@Injectable()
export class CourrielJobs {
  constructor(@InjectQueue(QueueName.Notifications) readonly queue: Queue) {}

  async immediats(notificationIds: string[]): Promise<void> {
    if (notificationIds.length === 0) return;
    await this.queue.addBulk(
      notificationIds.map((notificationId) => ({ name: JOB_COURRIEL, data: { notificationId } satisfies CourrielJob, opts: { jobId: courrielJobId(notificationId) } })),
    );
  }

  async resumes(jobs: ResumeJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs.map((data) => ({ name: JOB_RESUME, data, opts: { jobId: resumeJobId(data.userId, data.jour) } })));
  }

  /** Every hour on the hour, Paris time (the tz keeps "08:00" at 08:00 across clock changes). */
  planifier(): Promise<unknown> {
    return this.queue.upsertJobScheduler(SCHEDULER_RESUMES, { pattern: '0 * * * *', tz: 'Europe/Paris' }, { name: JOB_RESUMES });
  }

  retirer(): Promise<unknown> {
    return this.queue.removeJobScheduler(SCHEDULER_RESUMES);
  }
}

import type { FireOutcome, FireRequest } from '@app/sla';

interface Pending {
  request: FireRequest;
  resolve: (outcome: FireOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for SLA fires. The first fire of a quiet moment goes alone, at once; fires that
 * arrive while batches are in flight wait for one to finish and then go together, in one
 * transaction. Batches thus grow with the load by themselves, with no timer to tune and no
 * delay added when there is no queue. Each caller gets its own outcome after commit, or the
 * batch's error: the fire is idempotent, so every job of a failed batch can simply be retried.
 */
export class FireBatcher {
  private waiting: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly fireBatch: (requests: FireRequest[]) => Promise<FireOutcome[]>,
    private readonly options: { maxBatch: number; maxInFlight: number },
  ) {}

  fire(request: FireRequest): Promise<FireOutcome> {
    return new Promise<FireOutcome>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      this.fireBatch(batch.map((p) => p.request))
        .then(
          (outcomes) => batch.forEach((p, k) => p.resolve(outcomes[k])),
          (err) => batch.forEach((p) => p.reject(err)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}

import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { OutboxJob } from '@app/core';
import { loadConfig } from '@app/core';
import { FIRE_PRESSURE_BATCH, FIRE_QUIET_MS, FirePressure } from '../sla/fire-pressure';
import { OutboxProcessor } from './outbox.processor';
import { OutboxRelayService } from './outbox-relay.service';

/**
 * How the outbox backs off while the process fires a burst of SLA timers (ADR 0027 and its
 * addendum): each job waits OUTBOX_PAUSE_DURING_FIRES_MS, and fired batches stop waking the relay
 * unless OUTBOX_WAKE_DURING_FIRES is true. The delivery itself (PostgreSQL) is the e2e suites' part.
 */
describe('outbox yielding to a burst of fires', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Holds the pressure on: a burst batch that never ends. */
  function burst(pressure: FirePressure): () => void {
    let end!: () => void;
    void pressure.during(FIRE_PRESSURE_BATCH, () => new Promise<void>((r) => (end = r)));
    return () => end();
  }

  function processorWith(env: Record<string, string>, pressure: FirePressure) {
    const processor = new OutboxProcessor({} as DataSource, loadConfig({ NODE_ENV: 'test', ...env }), pressure, []);
    const delivered = jest.spyOn(processor as never as { firstDelivery: () => Promise<unknown> }, 'firstDelivery').mockResolvedValue({ afterCommit: [], failed: [] });
    const job = { data: { eventId: 'e1', type: 'sla.depassement', aggregateType: 'question', aggregateId: 'q1' }, attemptsMade: 0 } as Job<OutboxJob>;
    return { processor, delivered, job };
  }

  it('delivers at once outside a burst, and after OUTBOX_PAUSE_DURING_FIRES_MS during one', async () => {
    const pressure = new FirePressure();
    const { processor, delivered, job } = processorWith({ OUTBOX_PAUSE_DURING_FIRES_MS: '20' }, pressure);
    await processor.process(job);
    expect(delivered).toHaveBeenCalledTimes(1);

    const end = burst(pressure);
    const during = processor.process(job);
    await jest.advanceTimersByTimeAsync(19);
    expect(delivered).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    await during;
    expect(delivered).toHaveBeenCalledTimes(2);

    // 0 turns the pause off.
    const { processor: noPause, delivered: noPauseDelivered } = processorWith({ OUTBOX_PAUSE_DURING_FIRES_MS: '0' }, pressure);
    await noPause.process(job);
    expect(noPauseDelivered).toHaveBeenCalledTimes(1);
    end();
    await jest.advanceTimersByTimeAsync(FIRE_QUIET_MS);
  });

  it('fired batches wake the relay, except during a burst with OUTBOX_WAKE_DURING_FIRES=false', async () => {
    for (const [wakeSetting, wakesDuringBurst] of [
      ['false', false],
      ['true', true],
    ] as const) {
      const pressure = new FirePressure();
      const service = new OutboxRelayService({} as DataSource, {} as never, loadConfig({ NODE_ENV: 'test', OUTBOX_WAKE_DURING_FIRES: wakeSetting }), pressure, []);
      const wake = jest.spyOn(service.relay, 'wake').mockResolvedValue();
      service.afterFires();
      expect(wake).toHaveBeenCalledTimes(1);
      const end = burst(pressure);
      service.afterFires();
      expect(wake).toHaveBeenCalledTimes(wakesDuringBurst ? 2 : 1);
      end();
      await jest.advanceTimersByTimeAsync(FIRE_QUIET_MS);
      service.afterFires();
      expect(wake).toHaveBeenCalledTimes(wakesDuringBurst ? 3 : 2);
    }
  });
});

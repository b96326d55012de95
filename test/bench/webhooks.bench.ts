import '../setup/register-aliases';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';
import { WebhookReceiver } from '../webhooks/receiver';

/**
 * Webhook delivery benchmark (ADR 0011): BENCH_WEBHOOK_EVENTS (200) questions recorded through
 * the API at BENCH_WEBHOOK_RATE (20) a second, each event delivered by the in-process worker to a
 * receiver on loopback that answers at once; latency = receipt − the event's time (the payload's
 * `timestamp`). Run twice: alone, then beside an endpoint subscribed to the same events that
 * never answers (timeout 10 s): the prompt endpoint's latency must not follow the silent one's.
 * Prints a table; the e2e suites time nothing.
 */
const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 200);
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 20);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

describe('webhooks benchmark', () => {
  it('measures event → delivery latency, alone and beside a receiver that hangs', async () => {
    const rows: string[] = [];
    for (const withHanging of [false, true]) {
      const receiver = new WebhookReceiver();
      await receiver.start();
      const f = await SlaFixture.start(`relais_test_bench_webhooks_${withHanging ? 'h' : 'a'}`, 3, { WEBHOOK_HTTP_AUTORISE: 'true', WEBHOOK_TIMEOUT_MS: '10000' });
      try {
        const admin = await f.api.login(EMAILS.admin);
        const agent = await f.api.login(EMAILS.agentCarcassonne);
        const paths = withHanging ? ['/rapide', '/muet'] : ['/rapide'];
        for (const path of paths) {
          const res = await f.api.post('/api/v1/webhooks', { url: receiver.baseUrl + path, types: ['question.recue'] }, { token: admin });
          receiver.on(path, path === '/muet' ? 'hang' : 'ok', res.body.secret);
        }
        const started = Date.now();
        for (let i = 0; i < EVENTS; i++) {
          const wait = started + (i * 1000) / RATE - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const res = await f.api.post('/api/v1/questions', questionBody(), { token: agent });
          if (res.status !== 201) throw new Error(`POST /questions → ${res.status}`);
        }
        await f.waitFor(async () => receiver.at('/rapide').length >= EVENTS, 120_000, 'every delivery');
        const received = receiver.at('/rapide');
        const latencies = received.map((r) => r.receivedAt - Date.parse(JSON.parse(r.body).timestamp)).sort((a, b) => a - b);
        rows.push(
          `| ${withHanging ? 'beside a receiver that never answers' : 'alone'} | ${EVENTS} at ${RATE}/s | ${pct(latencies, 50)} | ${pct(latencies, 99)} | ${latencies[latencies.length - 1]} | ${received.every((r) => r.verified) ? 'all' : 'NOT all'} | ${withHanging ? receiver.maxOpen : '—'} |`,
        );
      } finally {
        receiver.releaseHanging();
        await receiver.close();
        await f.close();
      }
    }
    const table = ['| prompt endpoint | events | p50 ms | p99 ms | max ms | signatures verified | silent endpoint: most requests open at once |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
    console.log(`\nWebhook delivery latency (event committed → received on loopback)\n\n${table}\n`);
  }, 600_000);
});

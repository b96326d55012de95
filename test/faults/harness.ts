import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, QueueName, redisOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { ALWAYS_OPEN_CALENDAR, timerJobId } from '@app/sla';
import { API_MAIN, buildIfStale, CLI, freePort, processEnv, Spawned, spawnNode, waitForHttp, WORKER_MAIN } from '../ops/spawned';
import { OwnPostgres, OwnRedis } from '../setup/own-servers';
import { testConfig } from '../setup/test-env';
import { waitFor } from '../setup/wait-for';

/**
 * The fault suite's stack and its two instruments (issue #17, part 2):
 *
 * - `FaultStack`: a PostgreSQL and a Redis of the suite's own (own ports, own data folders, never
 *   the shared servers), the compiled API(s) and worker(s) on them, short SLA targets on an
 *   always-open calendar so that warnings and breaches fall due during a scenario;
 * - `SteadyLoad`: a few client loops that create and progress questions and commandes, retrying
 *   what failed with the same Idempotency-Key, recording every answer and every 201;
 * - `checkInvariants`: what must hold after any fault, by SQL, Redis and the API.
 */

/** SLA targets of the suite (minutes): warnings at 75 %, so every flow has fires within seconds. */
const SLA_MINUTES = { prise_en_charge: 0.1, reponse: 0.25, accuse_reception: 0.1 };
const RECONCILE_MS = 2000;
/** The reconciler checks every running clock at least once per 10 periods (FULL_PASS_EVERY_PERIODS). */
const RECONCILE_FULL_PASS_MS = 10 * RECONCILE_MS;

export const EMAILS = {
  agent: 'agent.carcassonne@relais.demo',
  referent: 'referent.tourisme@relais.demo',
  conseiller: 'cabinet.conseiller@relais.demo',
  responsableFoix: 'responsable.foix@relais.demo',
};

export interface Proc extends Spawned {
  name: string;
}

export interface ApiProc extends Proc {
  url: string;
}

export class FaultStack {
  readonly apis: ApiProc[] = [];
  readonly workers: Proc[] = [];
  /** Killed processes, whose output stays readable. */
  private readonly dead: Proc[] = [];
  private pool!: Pool;
  private counter = 0;
  /** Questions and commandes present before the load (none expected: the seed has none). */
  preexisting = new Set<string>();
  /** Every 201 of every load on this stack: what "every 201 exists and nothing else does" compares with. */
  readonly created = { questions: new Set<string>(), commandes: new Set<string>() };

  private constructor(
    readonly pg: OwnPostgres,
    readonly redis: OwnRedis,
    readonly databaseUrl: string,
    readonly prefix: string,
  ) {}

  /** Builds dist/ if stale (minutes on a loaded machine: call it in a hook of its own). */
  static build(): void {
    buildIfStale();
  }

  static async start(options: { pgPort: number; redisPort: number; name: string; apis: number; workers: number }): Promise<FaultStack> {
    const pg = await OwnPostgres.start(options.pgPort);
    let redis: OwnRedis | null = null;
    let stack: FaultStack | null = null;
    try {
      redis = await OwnRedis.start(options.redisPort);
      const url = await pg.createDatabase(`relais_test_${options.name}`);
      const dataSource = new DataSource({ ...dataSourceOptions(testConfig({ DATABASE_URL: url })), logging: false } as never);
      await dataSource.initialize();
      try {
        await seedDemoData(dataSource);
        for (const id of ['reseau', 'siege']) await dataSource.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = $2`, [JSON.stringify({ ...ALWAYS_OPEN_CALENDAR, id }), id]);
        for (const [horloge, minutes] of Object.entries(SLA_MINUTES)) {
          await dataSource.query(`UPDATE sla_politique SET cible_minutes = $1, version = version + 1 WHERE horloge = $2`, [minutes, horloge]);
        }
      } finally {
        await dataSource.destroy();
      }
      stack = new FaultStack(pg, redis, url, `relais-faults-${options.name}`);
      stack.pool = new Pool({ connectionString: url, max: 3 });
      // The pool outlives PostgreSQL restarts: its idle clients' errors are expected then.
      stack.pool.on('error', () => undefined);
      stack.preexisting = new Set((await stack.query<{ id: string }>(`SELECT id FROM question UNION ALL SELECT id FROM commande`)).map((r) => r.id));
      const boots: Promise<unknown>[] = [];
      for (let i = 0; i < options.workers; i++) boots.push(stack.startWorker());
      for (let i = 0; i < options.apis; i++) boots.push(stack.startApi());
      await Promise.all(boots);
      return stack;
    } catch (err) {
      // A failed start leaves no server nor process behind (the suite's afterAll has no stack to close).
      if (stack) await stack.close();
      else {
        await redis?.destroy();
        await pg.destroy();
      }
      throw err;
    }
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...processEnv(this.databaseUrl, this.redis.url, this.prefix),
      LOG_LEVEL: 'warn',
      LOGIN_RATE_LIMIT: '1000',
      DATABASE_POOL_MAX: '8',
      OUTBOX_POLL_MS: '200',
      SLA_RECONCILE_MS: String(RECONCILE_MS),
    };
  }

  async startApi(): Promise<ApiProc> {
    const port = await freePort();
    const api: ApiProc = { ...spawnNode([API_MAIN], { ...this.env(), PORT: String(port) }), name: `api-${this.counter++}`, url: `http://127.0.0.1:${port}` };
    this.apis.push(api);
    await waitForHttp(`${api.url}/health/live`, api, 90_000);
    return api;
  }

  async startWorker(): Promise<Proc> {
    const worker: Proc = { ...spawnNode([WORKER_MAIN], this.env()), name: `worker-${this.counter++}` };
    this.workers.push(worker);
    const queue = new Queue(QueueName.Outbox, { connection: redisOptions(this.redis.url, 'producer') as never, prefix: this.prefix });
    try {
      const before = this.workers.length;
      await waitFor(
        async () => {
          if (worker.child.exitCode !== null) throw new Error(`${worker.name} exited:\n${worker.stdout()}${worker.stderr()}`);
          return (await queue.getWorkersCount()) >= before;
        },
        `${worker.name} taking jobs`,
        { timeoutMs: 90_000, intervalMs: 200, context: () => this.output() },
      );
    } finally {
      await queue.close();
    }
    return worker;
  }

  /**
   * SIGKILL of a worker while it holds a job: `other` (every other worker) is frozen (SIGSTOP)
   * for that moment, so that a job that turns active after the freeze can only be `proc`'s; the
   * freeze lasts far less than the queues' locks. Returns the job it died with (queue and id),
   * or null if none came within the time-out (then it is killed all the same).
   */
  async killWorkerWithJob(proc: Proc, timeoutMs = 15_000): Promise<{ queue: string; id: string } | null> {
    const others = this.workers.filter((w) => w !== proc);
    const queues = [QueueName.Outbox, QueueName.SlaTimers].map(
      (name) => new Queue(name, { connection: redisOptions(this.redis.url, 'producer') as never, prefix: this.prefix }),
    );
    const activeIds = async () => (await Promise.all(queues.map(async (q) => (await q.getActive()).map((j) => ({ queue: q.name, id: j.id! }))))).flat();
    let inHand: { queue: string; id: string } | null = null;
    try {
      for (const w of others) w.child.kill('SIGSTOP');
      const frozen = new Set((await activeIds()).map((j) => `${j.queue}/${j.id}`));
      const deadline = Date.now() + timeoutMs;
      while (!inHand && Date.now() < deadline) {
        inHand = (await activeIds()).find((j) => !frozen.has(`${j.queue}/${j.id}`)) ?? null;
      }
      await this.kill(proc);
    } finally {
      for (const w of others) w.child.kill('SIGCONT');
      await Promise.all(queues.map((q) => q.close()));
    }
    return inHand;
  }

  /** SIGKILL: no shutdown hook, jobs and requests left in hand. */
  async kill(proc: Proc): Promise<void> {
    proc.child.kill('SIGKILL');
    await proc.exited;
    const list: Proc[] = this.apis.includes(proc as ApiProc) ? this.apis : this.workers;
    list.splice(list.indexOf(proc), 1);
    this.dead.push(proc);
  }

  /** Whether every process still runs (none exited on its own during a fault). */
  alive(): string[] {
    return [...this.apis, ...this.workers].filter((p) => p.child.exitCode !== null || p.child.signalCode !== null).map((p) => p.name);
  }

  output(): string {
    return [...this.apis, ...this.workers, ...this.dead].map((p) => `--- ${p.name} ---\n${p.stdout()}${p.stderr()}`).join('\n');
  }

  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows;
  }

  async close(): Promise<void> {
    // FAULTS_LOG=<file>: the processes' output, to read after a failure.
    if (process.env.FAULTS_LOG) require('node:fs').writeFileSync(process.env.FAULTS_LOG, this.output());
    const running = [...this.apis, ...this.workers].filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of running) p.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running.map((p) => p.exited)), new Promise((r) => (timer = setTimeout(r, 15_000)))]);
    clearTimeout(timer);
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await this.pool?.end().catch(() => undefined);
    await this.redis.destroy();
    await this.pg.destroy();
  }
}

/** What the client saw: every answer by status, every 201, and what should never happen. */
export interface LoadRecord {
  statuses: Record<string, number>;
  questions: Set<string>;
  commandes: Set<string>;
  /** A 5xx other than a clean 503 problem+json, or an unexpected 4xx. */
  violations: string[];
  /** Time of every answer (ms) by status, to say when a fault started and ended for the client. */
  timeline: Array<{ at: number; status: string }>;
}

interface Answer {
  status: number;
  body: any;
  retried: boolean;
}

/**
 * A small steady load: two question lanes and one commande lane, each a loop of requests with
 * a short pause. Every request that fails (connection refused or reset, 503, a 5xx) is sent
 * again — a creation with the same Idempotency-Key — until it gets a definitive answer, so that
 * "every 201 exists and nothing else does" is exact even when a process dies mid-request.
 * Questions: a third is left unclaimed (prise en charge breaches), a third claimed and left
 * (réponse breaches), a third carried to the end; commandes: issued to two Maisons, one of
 * which acknowledges (the other's acknowledgement breaches).
 */
export class SteadyLoad {
  readonly record: LoadRecord = { statuses: {}, questions: new Set(), commandes: new Set(), violations: [], timeline: [] };
  private running = false;
  /** Requests waiting for an answer, per API (by name): to kill an API with requests in flight. */
  readonly inFlight = new Map<string, number>();
  private lanes: Promise<void>[] = [];
  private next = 0;
  private tokens: Record<string, string> = {};
  private ids: Record<string, string> = {};

  constructor(
    private readonly stack: FaultStack,
    private readonly options: { pauseMs?: number; retryForMs?: number } = {},
  ) {}

  async start(): Promise<void> {
    for (const [who, email] of Object.entries(EMAILS)) {
      const res = await this.send('POST', '/auth/dev-login', { body: { email } });
      if (res.status !== 200) throw new Error(`dev-login ${email} → ${res.status}`);
      this.tokens[who] = res.body.accessToken;
    }
    const id = async (sql: string, code: string) => (await this.stack.query(sql, [code]))[0].id as string;
    this.ids = {
      eceau: await id(`SELECT id FROM dispositif WHERE code = $1`, 'eceau-tourisme'),
      foix: await id(`SELECT id FROM maison WHERE code = $1`, 'foix'),
      limoux: await id(`SELECT id FROM maison WHERE code = $1`, 'limoux'),
      theme: await id(`SELECT id FROM theme WHERE code = $1`, 'FORMATION_EMPLOI'),
    };
    this.running = true;
    this.lanes = [this.questionLane(0), this.questionLane(1), this.commandeLane()];
  }

  /** Stops after the requests in flight (and their retries) end. */
  async stop(): Promise<LoadRecord> {
    this.running = false;
    await Promise.all(this.lanes);
    return this.record;
  }

  /** Resolves after `count` more 201s: the load goes through. */
  async created(count: number, timeoutMs = 60_000): Promise<void> {
    const total = () => this.record.questions.size + this.record.commandes.size;
    const target = total() + count;
    await waitFor(() => total() >= target, `${count} more creations`, { timeoutMs, context: () => `${JSON.stringify(this.record.statuses)}\n${this.stack.output()}` });
  }

  private async questionLane(lane: number): Promise<void> {
    for (let i = lane; this.running; i += 2) {
      const q = await this.send('POST', '/questions', {
        token: this.tokens.agent,
        key: randomUUID(),
        body: {
          objet: `Question ${i} sous charge`,
          description: 'Le directeur du camping souhaite financer un système de récupération des eaux de pluie.',
          canal: 'guichet',
          dispositifId: this.ids.eceau,
          usager: { nom: 'Bernard Casals', consentement: true },
        },
      });
      if (q.status !== 201) continue;
      this.record.questions.add(q.body.id);
      this.stack.created.questions.add(q.body.id);
      const path = `/questions/${q.body.id}`;
      if (!(await this.transition(path + '/escalader', this.tokens.agent, { message: 'Pour la direction du Tourisme.' }))) continue;
      if (i % 3 !== 0 && (await this.transition(path + '/prendre-en-charge', this.tokens.referent, {})) && i % 3 === 2) {
        (await this.transition(path + '/repondre', this.tokens.referent, { reponse: 'Le dispositif Ec’Eau finance ce type d’équipement.' })) &&
          (await this.transition(path + '/clore', this.tokens.agent, {}));
      }
      await this.pause();
    }
  }

  private async commandeLane(): Promise<void> {
    const dayIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; this.running; i++) {
      const c = await this.send('POST', '/commandes', {
        token: this.tokens.conseiller,
        key: randomUUID(),
        body: {
          titre: `Atelier de concertation ${i}`,
          objectif: 'Recueillir sur chaque territoire les besoins en formation des entreprises du BTP.',
          contexte: 'Le Cabinet prépare la révision du plan régional de formation.',
          echeance: dayIn(30),
          livrables: [{ libelle: 'Compte rendu de l’atelier' }],
          maisonIds: [this.ids.foix, this.ids.limoux],
          themeId: this.ids.theme,
          materiel: ['Support de présentation de la filière'],
          contacts: [{ nom: 'Accueil du Cabinet', role: 'Secrétariat du conseiller technique', telephone: '05 36 49 00 01' }],
        },
      });
      if (c.status !== 201) continue;
      this.record.commandes.add(c.body.id);
      this.stack.created.commandes.add(c.body.id);
      const issued = await this.send('POST', `/commandes/${c.body.id}/emettre`, { token: this.tokens.conseiller, body: {} });
      if (issued.status === 200) {
        const foix = issued.body.affectations.find((a: any) => a.maison.id === this.ids.foix);
        await this.transition(`/affectations/${foix.id}/accuser-reception`, this.tokens.responsableFoix, {});
      } else if (!(issued.retried && issued.status === 409)) {
        this.violation(`emettre → ${issued.status} ${JSON.stringify(issued.body)}`);
      }
      await this.pause(3);
    }
  }

  /** A transition; a 409 after a retry means the first attempt went through before its answer was lost. */
  private async transition(path: string, token: string, body: unknown): Promise<boolean> {
    const res = await this.send('POST', path, { token, body });
    if (res.status === 200) return true;
    if (res.retried && res.status === 409) return true;
    this.violation(`${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return false;
  }

  private violation(what: string): void {
    this.record.violations.push(`${new Date().toISOString()} ${what}`);
  }

  private pause(factor = 1): Promise<void> {
    return new Promise((r) => setTimeout(r, (this.options.pauseMs ?? 100) * factor));
  }

  private tally(status: string): void {
    this.record.statuses[status] = (this.record.statuses[status] ?? 0) + 1;
    this.record.timeline.push({ at: Date.now(), status });
  }

  /** One request, to the next API in turn, sent again until it gets a definitive answer. */
  async send(method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}): Promise<Answer> {
    const deadline = Date.now() + (this.options.retryForMs ?? 120_000);
    for (let attempt = 0; ; attempt++) {
      const apis = this.stack.apis;
      const api = apis[this.next++ % apis.length];
      const headers: Record<string, string> = {};
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.key) headers['idempotency-key'] = options.key;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      let text: string;
      this.inFlight.set(api.name, (this.inFlight.get(api.name) ?? 0) + 1);
      try {
        res = await fetch(`${api.url}/api/v1${path}`, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(20_000),
        });
        text = await res.text();
      } catch (err) {
        // Refused or reset (a killed API), or no answer in time: the request may have committed.
        this.inFlight.set(api.name, this.inFlight.get(api.name)! - 1);
        this.tally('network');
        if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer for ${this.options.retryForMs ?? 120_000} ms (${(err as Error).message})`);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      this.inFlight.set(api.name, this.inFlight.get(api.name)! - 1);
      const type = res.headers.get('content-type') ?? '';
      const body = text && type.includes('json') ? JSON.parse(text) : text;
      this.tally(String(res.status));
      if (res.status >= 500) {
        const clean = res.status === 503 && type.includes('application/problem+json') && body?.code === 'SERVICE_INDISPONIBLE' && res.headers.get('retry-after') !== null;
        if (!clean) this.violation(`${method} ${path} → ${res.status} ${type} ${text.slice(0, 300)}`);
        if (Date.now() > deadline) throw new Error(`${method} ${path}: still ${res.status} after ${this.options.retryForMs ?? 120_000} ms`);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      return { status: res.status, body, retried: attempt > 0 };
    }
  }
}

export interface InvariantReport {
  questions: number;
  commandes: number;
  clocks: Record<string, number>;
  fires: Record<string, number>;
  outboxRows: number;
  drainMs: number;
  /** How long some running clock's timer was missing from Redis before the reconciler re-armed it (0: none). */
  timersMissingMs: number;
}

/**
 * What must hold after any fault, once the load has stopped:
 * 1. the outbox drains to empty (every row published and processed);
 * 2. every due breach fires: no running clock stays past its due time;
 * 3. no duplicate SLA event: one timeline event per fire, one fire per (clock, generation, kind)
 *    (the table's key) and one breach per clock and cycle on the timeline;
 * 4. every running clock has its timers in Redis (due, and warning until given), live;
 * 5. every 201 the client saw exists, and nothing else does (by SQL and through the API, which
 *    also verifies each timeline); no ticket without its creation event;
 * 6. every timeline verifies (`cli.js fil:verifier`, chains, MACs and heads).
 */
export async function checkInvariants(stack: FaultStack, seen: LoadRecord, options: { drainTimeoutMs?: number } = {}): Promise<InvariantReport> {
  const context = () => stack.output();
  const started = Date.now();
  // 1. The outbox drains (a job lost with Redis is sent again after 60 s by the redelivery).
  await waitFor(
    async () => (await stack.query(`SELECT count(*)::int n FROM outbox WHERE processed_at IS NULL`))[0].n === 0,
    'the outbox to drain',
    { timeoutMs: options.drainTimeoutMs ?? 90_000, intervalMs: 250 },
  ).catch(async (err) => {
    const left = await stack.query(`SELECT type, published_at IS NOT NULL AS published, attempts, count(*)::int n FROM outbox WHERE processed_at IS NULL GROUP BY 1, 2, 3`);
    throw new Error(`${(err as Error).message}: ${JSON.stringify(left)}\n${context()}`);
  });
  const drainMs = Date.now() - started;

  // 2. Every due breach fires (lateness bound: a timer's lock expiry after a killed worker, 20 s).
  await waitFor(
    async () => (await stack.query(`SELECT count(*)::int n FROM sla_horloge WHERE etat = 'running' AND echeance < now() - interval '1 second'`))[0].n === 0,
    'every due breach fired',
    { timeoutMs: 40_000, intervalMs: 250, context },
  );
  // And the outbox rows of those fires (notifications) drained too.
  await waitFor(async () => (await stack.query(`SELECT count(*)::int n FROM outbox WHERE processed_at IS NULL`))[0].n === 0, 'the fires’ outbox rows', {
    timeoutMs: 90_000,
    intervalMs: 250,
    context,
  });

  // 3. No duplicate SLA event.
  const duplicates = await stack.query(
    `SELECT data->>'horlogeId' AS horloge, type, data->>'cycle' AS cycle, count(*)::int n FROM timeline_event
      WHERE type IN ('sla.depassement', 'sla.avertissement') GROUP BY 1, 2, 3 HAVING count(*) > 1`,
  );
  expect(duplicates).toEqual([]);
  const clocks = Object.fromEntries((await stack.query(`SELECT etat, count(*)::int n FROM sla_horloge GROUP BY 1`)).map((r) => [r.etat, r.n]));
  const [fires] = await stack.query(
    `SELECT (SELECT count(*)::int FROM sla_declenchement WHERE type = 'depassement') AS depassements,
            (SELECT count(*)::int FROM sla_declenchement WHERE type = 'avertissement') AS avertissements,
            (SELECT count(*)::int FROM timeline_event WHERE type = 'sla.depassement') AS fil_depassements,
            (SELECT count(*)::int FROM timeline_event WHERE type = 'sla.avertissement') AS fil_avertissements`,
  );
  expect(fires.fil_depassements).toBe(fires.depassements);
  expect(fires.fil_avertissements).toBe(fires.avertissements);
  // Every breached clock has its one fire.
  const [{ unfired }] = await stack.query(
    `SELECT count(*)::int unfired FROM sla_horloge h WHERE etat = 'breached'
        AND NOT EXISTS (SELECT 1 FROM sla_declenchement d WHERE d.horloge_id = h.id AND d.type = 'depassement')`,
  );
  expect(unfired).toBe(0);

  // 4. Every running clock has its timers, live in Redis (a failed or missing job is a lost
  // timer). A timer missing for a moment is re-armed by the reconciler: at once when Redis holds
  // fewer timer jobs than the clocks need, else by its full pass, one period in ten (a dead
  // worker's jobs still count as active until taken over, and can hide a missing one from the
  // counts). So a timer is lost only if still missing after that bound.
  const queue = new Queue(QueueName.SlaTimers, { connection: redisOptions(stack.redis.url, 'producer') as never, prefix: stack.prefix });
  let timersMissingMs = 0;
  try {
    const lostTimers = async () => {
      const running = await stack.query<{ id: string; generation: number; warns: boolean }>(
        `SELECT id, generation, (avertissement_a IS NOT NULL AND avertie_a IS NULL) AS warns FROM sla_horloge WHERE etat = 'running' AND echeance IS NOT NULL`,
      );
      const wanted = running.flatMap((c) => [timerJobId(c.id, 'depassement', c.generation), ...(c.warns ? [timerJobId(c.id, 'avertissement', c.generation)] : [])]);
      const states = await Promise.all(wanted.map((id) => queue.getJobState(id)));
      const lost = wanted.filter((_, k) => !['delayed', 'waiting', 'wait', 'active', 'prioritized'].includes(states[k]));
      if (lost.length === 0) return [];
      // A timer that fired between the two reads is gone because its clock moved on: re-read.
      const still = await stack.query(`SELECT id, generation, (avertissement_a IS NOT NULL AND avertie_a IS NULL) AS warns FROM sla_horloge WHERE etat = 'running' AND id = ANY($1::uuid[])`, [
        running.map((c) => c.id),
      ]);
      const current = new Set(still.flatMap((c) => [timerJobId(c.id, 'depassement', c.generation), ...(c.warns ? [timerJobId(c.id, 'avertissement', c.generation)] : [])]));
      return lost.filter((id) => current.has(id));
    };
    const since = Date.now();
    const bound = RECONCILE_FULL_PASS_MS + 5_000;
    let lost = await lostTimers();
    const missingAtFirst = lost.length > 0;
    while (lost.length > 0 && Date.now() - since < bound) {
      await new Promise((r) => setTimeout(r, 250));
      lost = await lostTimers();
    }
    timersMissingMs = missingAtFirst ? Date.now() - since : 0;
    const detail = await Promise.all(
      lost.map(async (id) => {
        const clock = (await stack.query(`SELECT etat, generation, echeance, avertissement_a, avertie_a FROM sla_horloge WHERE id = $1`, [id.slice(4, 40)]))[0];
        return { id, state: await queue.getJobState(id), clock, now: new Date() };
      }),
    );
    expect(detail).toEqual([]);
  } finally {
    await queue.close();
  }

  // 5. Every 201 exists and nothing else does (every load on this stack so far).
  seen = { ...seen, ...stack.created };
  const inDb = async (table: 'question' | 'commande') =>
    new Set((await stack.query<{ id: string }>(`SELECT id FROM ${table}`)).map((r) => r.id).filter((id) => !stack.preexisting.has(id)));
  const questions = await inDb('question');
  const commandes = await inDb('commande');
  expect([...questions].filter((id) => !seen.questions.has(id))).toEqual([]);
  expect([...seen.questions].filter((id) => !questions.has(id))).toEqual([]);
  expect([...commandes].filter((id) => !seen.commandes.has(id))).toEqual([]);
  expect([...seen.commandes].filter((id) => !commandes.has(id))).toEqual([]);
  // No half-written ticket: each has its creation event, and its head matches its timeline.
  const halfWritten = await stack.query(
    `SELECT t.id FROM (SELECT id, fil_seq FROM question UNION ALL SELECT id, fil_seq FROM commande) t
      WHERE t.fil_seq <> (SELECT count(*) FROM timeline_event e WHERE e.ticket_id = t.id) OR t.fil_seq = 0`,
  );
  expect(halfWritten).toEqual([]);
  // Through the API: each ticket the client was told of answers, and its timeline verifies.
  const client = new SteadyLoad(stack, { retryForMs: 30_000 });
  const login = async (email: string) => (await client.send('POST', '/auth/dev-login', { body: { email } })).body.accessToken as string;
  const agent = await login(EMAILS.agent);
  const conseiller = await login(EMAILS.conseiller);
  const invalid: string[] = [];
  const verify = async (path: string, token: string) => {
    const res = await client.send('GET', `${path}/fil/verification`, { token });
    if (res.status !== 200 || res.body.valide !== true) invalid.push(`${path} → ${res.status} ${JSON.stringify(res.body)}`);
  };
  const all = [...[...seen.questions].map((id) => [`/questions/${id}`, agent]), ...[...seen.commandes].map((id) => [`/commandes/${id}`, conseiller])];
  for (let i = 0; i < all.length; i += 8) await Promise.all(all.slice(i, i + 8).map(([path, token]) => verify(path, token)));
  expect(invalid).toEqual([]);

  // 6. Every timeline and seal, by the operator's command.
  const verifier = spawnNode([CLI, 'fil:verifier'], stack.env());
  const exit = await verifier.exited;
  if (exit.code !== 0) throw new Error(`fil:verifier exited ${exit.code}:\n${verifier.stdout()}${verifier.stderr()}`);
  expect(verifier.stdout()).toContain('aucune anomalie');

  const [{ n: outboxRows }] = await stack.query(`SELECT count(*)::int n FROM outbox`);
  return {
    questions: questions.size,
    commandes: commandes.size,
    clocks,
    fires: { depassement: fires.depassements, avertissement: fires.avertissements },
    outboxRows,
    drainMs,
    timersMissingMs,
  };
}

/** The statuses the client got between two instants. */
export function statusesBetween(seen: LoadRecord, from: number, to: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of seen.timeline) if (e.at >= from && e.at <= to) out[e.status] = (out[e.status] ?? 0) + 1;
  return out;
}

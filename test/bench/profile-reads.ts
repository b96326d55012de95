import '../setup/register-aliases';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import globalSetup from '../setup/global-setup';
import { TestApi } from '../setup/e2e-app';
import { EMAILS, questionBody } from '../questions/fixtures';

/**
 * Where the API's reads spend their CPU (issue #17), in-process: the test database recreated as
 * for the e2e suites, 50 questions escalated to the tourism direction, the API booted as the e2e
 * suites do; then, for each read of the load mix, PROFILE_REQUESTS (100) sequential requests after
 * a warm-up, timed with process.cpuUsage() (the whole process: the API and the fetch client,
 * the same in every run), and a CPU profile (node:inspector) of one read (PROFILE_READ, the index
 * in `reads`: 0, the référent's queue, by default) summed by function and by file (self time). Run: `node test/bench/profile-reads.cjs` (PROFILE_REQUESTS=200 for steadier figures), with
 * TEST_DATABASE_URL / TEST_REDIS_URL as for the e2e suites; PROFILE_OUT=file.cpuprofile keeps the
 * profile for Chrome DevTools. Not part of `npm run bench`: it asserts nothing.
 */
const N = Number(process.env.PROFILE_REQUESTS ?? 100);
const QUESTIONS = 50;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time by function and by file, from a V8 CPU profile's samples. */
function summarise(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, requests: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    // Waiting, and the inspector's own call that stops the profiler: not the API's work.
    if (functionName === '(idle)' || (functionName === 'dispatch' && !url)) return;
    const us = profile.timeDeltas[i] ?? 0;
    const where = url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'nm:').replace(/.*\/(apps|libs|test)\//, '$1/') || '(native)';
    const f = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    fn.set(f, (fn.get(f) ?? 0) + us);
    const g = where.startsWith('nm:') ? where.split('/').slice(0, where.startsWith('nm:@') ? 2 : 1).join('/') : where;
    file.set(g, (file.get(g) ?? 0) + us);
  });
  const total = [...fn.values()].reduce((a, b) => a + b, 0);
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000 / requests).toFixed(2).padStart(6)} ms/req  ${k}`)
      .join('\n');
  return `busy ${(total / 1000 / requests).toFixed(2)} ms/req in the profile; self time, top functions:\n${top(fn, 30)}\nself time by file (node_modules by package):\n${top(file, 25)}`;
}

async function main(): Promise<void> {
  await globalSetup();
  const api = await TestApi.start();
  try {
    const agent = await api.login(EMAILS.agentCarcassonne);
    const referent = await api.login(EMAILS.referentTourisme);
    const eceau = (await api.get('/api/v1/dispositifs?q=eau', { token: agent })).body.items.find((d: { nom: string }) => /Ec'Eau Tourisme/.test(d.nom));
    let id = '';
    for (let i = 1; i <= QUESTIONS; i++) {
      const created = await api.post('/api/v1/questions', questionBody({ objet: `Question ${i}`, dispositifId: eceau.id }), { token: agent });
      if (created.status !== 201) throw new Error(`POST /questions → ${created.status} ${created.text}`);
      id = created.body.id;
      const escalated = await api.post(`/api/v1/questions/${id}/escalader`, {}, { token: agent });
      if (escalated.status !== 200) throw new Error(`escalader → ${escalated.status} ${escalated.text}`);
    }
    const reads: Array<[string, string, string, (body: any) => boolean]> = [
      ['GET /file-referent (50)', '/api/v1/file-referent?limit=50', referent, (b) => b.items.length === QUESTIONS],
      ['GET /questions (agent, 50)', '/api/v1/questions?limit=50', agent, (b) => b.items.length === QUESTIONS],
      ['GET /questions/{id}', `/api/v1/questions/${id}`, referent, (b) => b.id === id],
      ['GET /questions/{id}/fil', `/api/v1/questions/${id}/fil`, referent, (b) => Array.isArray(b) && b.length > 0],
    ];
    const run = async (url: string, token: string, check: (body: any) => boolean, times: number) => {
      for (let i = 0; i < times; i++) {
        const res = await api.get(url, { token });
        if (res.status !== 200 || !check(res.body)) throw new Error(`${url} → ${res.status} ${res.text.slice(0, 200)}`);
      }
    };
    console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    for (const [name, url, token, check] of reads) {
      await run(url, token, check, 30); // warm-up: JIT, pools, caches
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await run(url, token, check, N);
      const used = process.cpuUsage(cpu);
      const wall = performance.now() - t0;
      console.log(`${name.padEnd(28)} CPU ${((used.user + used.system) / 1000 / N).toFixed(2)} ms/req (user ${(used.user / 1000 / N).toFixed(2)}), wall ${(wall / N).toFixed(2)} ms/req`);
    }
    const [profiled, url, token, check] = reads[Number(process.env.PROFILE_READ ?? 0)];
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await run(url, token, check, N);
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
    console.log(`\n${profiled}, ${N} requests:\n${summarise(profile as any, N)}`);
    console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await api.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

import '../setup/register-aliases';
import { EMAILS, questionBody } from '../questions/fixtures';
import { cpuPerRequest, loadAverage, printProfile, profileWithApi } from './cpu-profile';

/**
 * Where the API spends its CPU recording a question (issue #17), in-process as profile-reads.ts:
 * the test database recreated, the API booted as the e2e suites do, then PROFILE_REQUESTS (100)
 * sequential POST /questions of the load mix (a dispositif, no Idempotency-Key) after a warm-up,
 * timed with process.cpuUsage() (the API and the fetch client), and a CPU profile of as many more.
 * Run: `node test/bench/profile-reads.cjs profile-create.ts`, with TEST_DATABASE_URL /
 * TEST_REDIS_URL as for the e2e suites. Not part of `npm run bench`: it asserts nothing.
 */
const N = Number(process.env.PROFILE_REQUESTS ?? 100);

profileWithApi(async (api) => {
  const agent = await api.login(EMAILS.agentCarcassonne);
  const eceau = (await api.get('/api/v1/dispositifs?q=eau', { token: agent })).body.items.find((d: { nom: string }) => /Ec'Eau Tourisme/.test(d.nom));
  let n = 0;
  const run = async (times: number) => {
    for (let i = 0; i < times; i++) {
      const res = await api.post('/api/v1/questions', questionBody({ objet: `Question ${++n}`, dispositifId: eceau.id }), { token: agent });
      if (res.status !== 201 || res.body.statut !== 'recue') throw new Error(`POST /questions → ${res.status} ${res.text.slice(0, 200)}`);
    }
  };
  console.log(`load average at start: ${loadAverage()}`);
  await run(50); // warm-up: JIT, pools, caches
  await cpuPerRequest('POST /questions', N, () => run(N));
  await printProfile('POST /questions', N, () => run(N));
});

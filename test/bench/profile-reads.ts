import '../setup/register-aliases';
import { EMAILS, questionBody } from '../questions/fixtures';
import { cpuPerRequest, loadAverage, printProfile, profileWithApi } from './cpu-profile';

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

profileWithApi(async (api) => {
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
  console.log(`load average at start: ${loadAverage()}`);
  for (const [name, url, token, check] of reads) {
    await run(url, token, check, 30); // warm-up: JIT, pools, caches
    await cpuPerRequest(name, N, () => run(url, token, check, N));
  }
  const [profiled, url, token, check] = reads[Number(process.env.PROFILE_READ ?? 0)];
  await printProfile(profiled, N, () => run(url, token, check, N));
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestApi } from '../setup/e2e-app';

const ROOT = path.resolve(__dirname, '../..');
const COMMITTED = path.join(ROOT, 'apps/web/src/api/schema.d.ts');

describe('web app API client: the generated types match the OpenAPI document', () => {
  let api: TestApi;
  let dir: string;
  beforeAll(async () => {
    api = await TestApi.start();
    dir = mkdtempSync(path.join(tmpdir(), 'relais-api-types-'));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('regenerates apps/web/src/api/schema.d.ts identically (otherwise: npm run api:generate)', async () => {
    const res = await api.get('/api/docs-json');
    expect(res.status).toBe(200);
    const documentFile = path.join(dir, 'openapi.json');
    const out = path.join(dir, 'schema.d.ts');
    writeFileSync(documentFile, JSON.stringify(res.body));
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'apps/web/scripts/api-generate.mjs'), '--from', documentFile, '--out', out], { cwd: ROOT });
    const fresh = readFileSync(out, 'utf8');
    const committed = readFileSync(COMMITTED, 'utf8');
    // A readable failure: the first differing line, not a 7000-line diff.
    const freshLines = fresh.split('\n');
    const committedLines = committed.split('\n');
    const first = freshLines.findIndex((line, i) => line !== committedLines[i]);
    expect({
      stale: fresh !== committed,
      firstDifference: first < 0 ? null : { line: first + 1, committed: committedLines[first] ?? '(fin du fichier)', generated: freshLines[first] },
    }).toEqual({ stale: false, firstDifference: null });
  }, 60_000);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The web app's component tests (Vitest + Testing Library, apps/web/src/**\/*.test.tsx) run
 * here, once, and each of them becomes a Jest test: `npm test` and CI's "N passed, N failed"
 * count them, and a failing one fails with Vitest's own message.
 */
const ROOT = path.resolve(__dirname, '../..');

interface VitestAssertion {
  ancestorTitles: string[];
  title: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
  failureMessages: string[];
}
interface VitestReport {
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: VitestAssertion[] }>;
}

function runVitest(): { report: VitestReport | null; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'relais-vitest-'));
  const file = path.join(dir, 'report.json');
  try {
    const run = spawnSync(
      path.join(ROOT, 'node_modules/.bin/vitest'),
      ['run', '--config', 'apps/web/vitest.config.ts', '--reporter=json', `--outputFile=${file}`],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'test', TZ: 'Europe/Paris' }, timeout: 300_000 },
    );
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
    try {
      return { report: JSON.parse(readFileSync(file, 'utf8')) as VitestReport, output };
    } catch {
      return { report: null, output };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { report, output } = runVitest();

describe('web components (Vitest + Testing Library)', () => {
  if (!report) {
    it('Vitest ran and wrote its report', () => {
      throw new Error(`Vitest n’a pas produit de rapport :\n${output.slice(-4000)}`);
    });
    return;
  }

  it('found component tests', () => {
    expect(report.testResults.flatMap((f) => f.assertionResults).length).toBeGreaterThan(0);
  });

  for (const file of report.testResults) {
    describe(path.relative(path.join(ROOT, 'apps/web'), file.name), () => {
      if (file.assertionResults.length === 0) {
        it('loads', () => {
          if (file.status !== 'passed') throw new Error(file.message ?? `le fichier n’a pas pu être exécuté (${file.status})`);
        });
      }
      for (const test of file.assertionResults) {
        it([...test.ancestorTitles, test.title].join(' › '), () => {
          // Skipped component tests are not allowed either: a test is run or it is removed.
          if (test.status !== 'passed') throw new Error(`${test.status}\n${test.failureMessages.join('\n')}`);
        });
      }
    });
  }
});

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');

/** The root `tsc` excludes apps/web (DOM, JSX) and Vite does not typecheck: this does, in `npm test`. */
describe('web app types', () => {
  it('typechecks (npm run typecheck:web) against the generated API types', async () => {
    const run = await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'apps/web/tsconfig.json'], { cwd: ROOT }).catch(
      (error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? '', code: error.code }),
    );
    expect(run.stdout).toBe('');
  }, 120_000);
});

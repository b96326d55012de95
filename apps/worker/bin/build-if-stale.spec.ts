import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildIsCurrent, STAMP } = require('./build-if-stale.mjs') as { buildIsCurrent(root: string, outputs: string[]): boolean; STAMP: string };

describe('npm start’s build check', () => {
  let root: string;
  const at = (file: string, seconds: number) => utimesSync(path.join(root, file), seconds, seconds);
  const write = (file: string, seconds: number) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), 'x');
    at(file, seconds);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'relais-build-'));
    for (const file of ['apps/api/src/main.ts', 'libs/core/src/index.ts', 'tsconfig.json', 'nest-cli.json', 'package.json', 'package-lock.json']) write(file, 1000);
    for (const dir of ['apps/api/src', 'apps/api', 'apps', 'libs/core/src', 'libs/core', 'libs']) at(dir, 1000);
    write('dist/main.js', 2000);
    write(STAMP, 2000);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('skips the build when nothing changed since the stamp', () => {
    expect(buildIsCurrent(root, ['dist/main.js'])).toBe(true);
  });

  it.each(['libs/core/src/index.ts', 'apps/api/src/main.ts', 'tsconfig.json', 'package-lock.json', 'package.json', 'nest-cli.json'])('builds when %s is newer', (file) => {
    at(file, 3000);
    expect(buildIsCurrent(root, ['dist/main.js'])).toBe(false);
  });

  it('builds when a source was added or deleted (the directory changes)', () => {
    unlinkSync(path.join(root, 'libs/core/src/index.ts'));
    at('libs/core/src', 3000);
    expect(buildIsCurrent(root, ['dist/main.js'])).toBe(false);
  });

  it('builds without a stamp (never built, or the last build failed) or without an output', () => {
    expect(buildIsCurrent(root, ['dist/main.js', 'dist/cli.js'])).toBe(false);
    unlinkSync(path.join(root, STAMP));
    expect(buildIsCurrent(root, ['dist/main.js'])).toBe(false);
  });
});

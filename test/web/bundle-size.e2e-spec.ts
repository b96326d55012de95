import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as web from './browser';

interface Chunk {
  file: string;
  raw: number;
  gzip: number;
  name?: string;
}
interface Report {
  first: { chunks: Chunk[]; jsGzip: number };
  perRoute: Array<{ route: string; chunks: Chunk[]; gzip: number }>;
  unmapped: Chunk[];
  budget: number;
}

/** Issue 12: "JavaScript loaded for the first screen ≤ 200 KB gzip (route-level code splitting)". A size, not a time. */
describe('web app bundle (apps/web/scripts/bundle-report.mjs on the production build)', () => {
  let report: Report;
  beforeAll(() => {
    web.ensureWebBuild();
    const out = execFileSync(process.execPath, [path.join(web.ROOT, 'apps/web/scripts/bundle-report.mjs'), '--no-build', '--json'], { cwd: web.ROOT, encoding: 'utf8' });
    report = JSON.parse(out) as Report;
  }, 180_000);

  it('loads at most 200 KB gzip of JavaScript for the first screen (the entry and its static imports)', () => {
    expect(report.budget).toBe(200_000);
    expect(report.first.chunks.length).toBeGreaterThan(0);
    expect(report.first.jsGzip).toBeGreaterThan(10_000); // React at least: the report measures real files
    expect(report.first.jsGzip).toBeLessThanOrEqual(report.budget);
  });

  it('index.html references exactly the first screen’s scripts (nothing else is preloaded)', () => {
    const html = readFileSync(path.join(web.ROOT, 'dist/web/index.html'), 'utf8');
    const referenced = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]).sort();
    expect(referenced).toEqual(report.first.chunks.map((c) => c.file).sort());
  });

  it('splits by route: each lazy screen is its own chunk, outside the entry', () => {
    const lazyRoutes = report.perRoute.filter((r) => r.chunks.length > 0).map((r) => r.route);
    expect(lazyRoutes).toEqual(expect.arrayContaining(['/questions', '/questions/nouvelle', '/questions/:id', '/file-referent']));
    const entryFiles = new Set(report.first.chunks.map((c) => c.file));
    for (const r of report.perRoute) for (const c of r.chunks) expect(entryFiles.has(c.file)).toBe(false);
  });
});

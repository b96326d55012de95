import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import globalSetup from '../setup/global-setup';
import { TestApi } from '../setup/e2e-app';

/** The bench profilers' shared tools (profile-reads, profile-create): a CPU profile and its summary. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function and by file, from a V8 CPU profile's samples. */
export function summarise(profile: CpuProfile, requests: number): string {
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

/**
 * A V8 CPU profile (node:inspector, sampled every 100 µs) of `work`; PROFILE_OUT=file.cpuprofile
 * keeps it for Chrome DevTools.
 */
export async function profileCpu(work: () => Promise<void>): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
    return profile as unknown as CpuProfile;
  } finally {
    session.disconnect();
  }
}

/** Runs `requests` requests and prints this process's CPU and the wall time per request under `label`. */
export async function cpuPerRequest(label: string, requests: number, work: () => Promise<void>): Promise<void> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - t0;
  console.log(`${label.padEnd(28)} CPU ${((used.user + used.system) / 1000 / requests).toFixed(2)} ms/req (user ${(used.user / 1000 / requests).toFixed(2)}), wall ${(wall / requests).toFixed(2)} ms/req`);
}

/** The 1, 5 and 15 minute load averages, for the profilers' start and end lines. */
export function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** A CPU profile of `work` (`requests` requests), summarised under `label`. */
export async function printProfile(label: string, requests: number, work: () => Promise<void>): Promise<void> {
  const profile = await profileCpu(work);
  console.log(`\n${label}, ${requests} requests:\n${summarise(profile, requests)}`);
}

/**
 * Runs a profiler script: the test database recreated as for the e2e suites, the API booted as
 * they do, `work` on it, the load average at the end; the process exits 0, or 1 with the error.
 */
export function profileWithApi(work: (api: TestApi) => Promise<void>): void {
  (async () => {
    await globalSetup();
    const api = await TestApi.start();
    try {
      await work(api);
      console.log(`load average at end: ${loadAverage()}`);
    } finally {
      await api.close();
    }
  })().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

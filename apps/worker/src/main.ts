import 'reflect-metadata';
import { loadConfigOrExit, preflightOrExit, safeError } from '@app/core';
import { createWorkerApp } from './worker.factory';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await preflightOrExit(config, ['postgres', 'redis']);
  await createWorkerApp(config);
}

// One JSON line, like every other log line, and never a raw error (its fields may hold personal data).
main().catch((err) => {
  console.error(JSON.stringify({ level: 60, time: Date.now(), service: 'relais', err: safeError(err), msg: 'worker start failed' }));
  process.exit(1);
});

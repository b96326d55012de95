import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/core';
import { createWorkerApp } from './worker.factory';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  await createWorkerApp(config);
}

void main();

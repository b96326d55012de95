import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/core';
import { createApiApp } from './app.factory';

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
  const app = await createApiApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
}

void main();

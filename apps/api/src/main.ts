import 'reflect-metadata';
import { loadConfigOrExit } from '@app/core';
import { createApiApp } from './app.factory';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
}

void main();

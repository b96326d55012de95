import 'reflect-metadata';
import { ConfigError, loadConfigOrExit } from '@app/core';
import { createApiApp } from './app.factory';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err: unknown) => {
  // A setting found wrong at boot (e.g. OIDC_ISSUER against the provider's discovery document): one line, exit 1.
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
});

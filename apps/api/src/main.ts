import 'reflect-metadata';
import { ConfigError, loadConfigOrExit, preflightOrExit, safeError, warnIfRedisUnreachable } from '@app/core';
import { createApiApp } from './app.factory';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await preflightOrExit(config, ['postgres']);
  await warnIfRedisUnreachable(config);
  const app = await createApiApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err: unknown) => {
  // A setting found wrong at boot (e.g. OIDC_ISSUER against the provider's discovery document): one line.
  if (err instanceof ConfigError) console.error(err.message);
  // Otherwise one JSON line, like every other log line, and never a raw error (its fields may hold personal data).
  else console.error(JSON.stringify({ level: 60, time: Date.now(), service: 'relais', err: safeError(err), msg: 'API start failed' }));
  process.exit(1);
});

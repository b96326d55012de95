import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '@app/core';

/**
 * Who may read /metrics (queue sizes, backlog, SLA counts: operational data). With METRICS_TOKEN,
 * only a caller sending it as a bearer token. Without it, anyone outside production, and nobody
 * in production, where the route answers 404 like an unknown path: a production deployment must
 * choose a token (or keep the route closed) rather than expose it by default.
 */
export type MetricsAccess = 'allowed' | 'hidden' | 'token_missing' | 'token_invalid';

export function metricsAccess(config: Pick<AppConfig, 'METRICS_TOKEN' | 'NODE_ENV'>, authorization: string | undefined): MetricsAccess {
  if (!config.METRICS_TOKEN) return config.NODE_ENV === 'production' ? 'hidden' : 'allowed';
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return 'token_missing';
  return sameSecret(match[1], config.METRICS_TOKEN) ? 'allowed' : 'token_invalid';
}

/** Constant-time comparison (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

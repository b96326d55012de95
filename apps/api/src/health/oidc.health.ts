import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { OidcKeyStore } from '@app/core';

/**
 * The identity provider as readiness sees it: always "up" once the boot found its keys, since
 * tokens are verified with the last known keys while the provider is unreachable; taking the API
 * out of the balancer would log everyone out for nothing. The details say which keys are in use.
 */
@Injectable()
export class OidcHealth {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly keys: OidcKeyStore,
  ) {}

  check() {
    const status = this.keys.status();
    const details = {
      jwksUri: status.jwksUri,
      keyIds: status.keyIds,
      keysFetchedAt: status.keysFetchedAt?.toISOString() ?? null,
      ...(status.unreachableSince
        ? {
            provider: 'unreachable',
            keys: `last known, provider unreachable since ${status.unreachableSince.toISOString()}`,
            unreachableSince: status.unreachableSince.toISOString(),
            lastError: status.lastError,
          }
        : { provider: 'reachable', keys: 'current' }),
    };
    return this.health.check('oidc').up(details);
  }
}

import { Injectable } from '@nestjs/common';
import { AppConfig, AuthContext, TokenSubject } from '@app/core';

/** Past this many callers, the oldest entry goes: memory stays bounded whatever the token traffic. */
const MAX_ENTRIES = 10_000;

/**
 * The directory user behind each token subject, kept AUTH_USER_CACHE_MS by this API process:
 * every authenticated request used to read it (one round trip and a TypeORM query built each
 * time). Users change outside the API (directory import, seed, SQL), so no write here can
 * invalidate the entry: a deactivation or a role change takes effect within AUTH_USER_CACHE_MS,
 * in every process. Only active users are kept: an unknown or deactivated account is read
 * again at every request, and a new one is let in at once.
 */
@Injectable()
export class AuthUserCache {
  private readonly entries = new Map<string, { auth: AuthContext; until: number }>();
  private readonly ttlMs: number;

  constructor(config: AppConfig) {
    this.ttlMs = config.AUTH_USER_CACHE_MS;
  }

  async get(subject: TokenSubject, load: () => Promise<AuthContext | null>): Promise<AuthContext | null> {
    if (this.ttlMs === 0) return load();
    const key = subject.kind === 'userId' ? `id:${subject.userId}` : `email:${subject.email.toLowerCase()}`;
    const now = performance.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.auth;
    this.entries.delete(key);
    const auth = await load();
    if (auth) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { auth, until: now + this.ttlMs });
    }
    return auth;
  }
}

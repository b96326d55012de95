import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createLocalJWKSet, FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters } from 'jose';
import { AppConfig, ConfigError } from '../config/app-config';

/**
 * Timings of the provider's key cache. A request never waits for the provider unless its token
 * names a key we do not hold, and then at most FETCH_TIMEOUT_MS, once per cooldown.
 */
export const OIDC_KEY_TIMINGS = {
  /** Boot: discovery and the first key fetch (a provider that cannot answer in this time stops the boot). */
  bootTimeoutMs: 5000,
  /** Any later fetch, in the background or for an unknown `kid`. */
  fetchTimeoutMs: 2000,
  /** Keys older than this are refreshed in the background (the request goes on with the held keys). */
  refreshAfterMs: 10 * 60_000,
  /** While the provider is unreachable, how often a fetch is tried again. */
  retryAfterFailureMs: 30_000,
  /** A token naming an unknown `kid` refreshes the keys at once, at most this often (forged kids cannot flood the provider). */
  unknownKidCooldownMs: 2000,
  /** An outage is logged when it starts, when it ends, and at most this often in between. */
  outageLogEveryMs: 10 * 60_000,
};

export interface OidcKeysStatus {
  jwksUri: string | null;
  keyIds: string[];
  keysFetchedAt: Date | null;
  /** Set while the last fetch failed: the keys in use are the last known ones. */
  unreachableSince: Date | null;
  lastError: string | null;
}

type LocalSet = ReturnType<typeof createLocalJWKSet>;

/**
 * The identity provider's signing keys, held in memory. Unlike jose's remote JWKS (which drops
 * its keys after cacheMaxAge and then makes every request wait on the provider), the last keys
 * fetched stay in use for as long as the provider is unreachable: an outage of the provider
 * does not log anyone out, it is logged and shown by /health/ready. A key the provider removed
 * is dropped at the next successful fetch.
 *
 * Each API process holds its own copy (issue #16): a new key is accepted by each at its first
 * token signed with it (an unknown key refreshes at once); a withdrawn key stays accepted by a
 * process until its next refresh, 10 minutes at most while the provider answers.
 */
@Injectable()
export class OidcKeyStore implements OnModuleInit {
  private readonly logger = new Logger('Oidc');
  private jwksUri: string | null = null;
  private local: LocalSet | null = null;
  private keyIds: string[] = [];
  private keysFetchedAt: number | null = null;
  private lastAttemptAt = 0;
  private unreachableSince: number | null = null;
  private lastError: string | null = null;
  private lastOutageLogAt = 0;
  private inFlight: Promise<void> | null = null;
  /** Origins of the endpoints the web app calls from the browser, other than the issuer's (from discovery). */
  private endpointOrigins: string[] = [];

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    if (this.config.oidcEnabled) await this.start();
  }

  /**
   * Boot: find the keys (OIDC_JWKS_URL, else the discovery document of OIDC_ISSUER) and fetch
   * them once. Any problem is a ConfigError naming the variable: better a refused boot than
   * every request answered 401 for a reason nobody sees.
   */
  async start(): Promise<void> {
    const issuer = this.config.OIDC_ISSUER!;
    this.jwksUri = this.config.OIDC_JWKS_URL ?? (await this.discover(issuer));
    try {
      await this.fetchKeys(OIDC_KEY_TIMINGS.bootTimeoutMs);
    } catch (err) {
      const variable = this.config.OIDC_JWKS_URL ? 'OIDC_JWKS_URL' : 'OIDC_ISSUER';
      throw new ConfigError(variable, `ne donne pas accès aux clés du fournisseur : ${this.jwksUri} n’a pas pu être lu (${describe(err)})`);
    }
    this.logger.log({ jwksUri: this.jwksUri, keyIds: this.keyIds }, 'OIDC provider keys loaded');
  }

  /** jose's key resolver: the held keys; an unknown `kid` refreshes them once (bounded) before giving up. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (!this.local) throw Object.assign(new Error('no provider keys'), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    this.refreshInBackgroundIfDue();
    try {
      return await this.local(header, token);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
      // Provider known to be down: its keys cannot be had now (a background retry is under way
      // or due), and the request must not wait on it.
      if (this.unreachableSince) throw err;
      if (!this.inFlight && Date.now() - this.lastAttemptAt < OIDC_KEY_TIMINGS.unknownKidCooldownMs) throw err;
      await this.refresh();
      return this.local(header, token);
    }
  };

  /**
   * The origins the web app's browser code calls (discovery, token, userinfo, revocation): the
   * issuer's, and those the discovery document names. The Content-Security-Policy's
   * `connect-src` lists them.
   */
  browserOrigins(): string[] {
    if (!this.config.OIDC_ISSUER) return [];
    return [...new Set([new URL(this.config.OIDC_ISSUER).origin, ...this.endpointOrigins])];
  }

  status(): OidcKeysStatus {
    this.refreshInBackgroundIfDue();
    return {
      jwksUri: this.jwksUri,
      keyIds: this.keyIds,
      keysFetchedAt: this.keysFetchedAt ? new Date(this.keysFetchedAt) : null,
      unreachableSince: this.unreachableSince ? new Date(this.unreachableSince) : null,
      lastError: this.lastError,
    };
  }

  /** One fetch at a time, whoever asks; never rejects (a failure keeps the last known keys). */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys(OIDC_KEY_TIMINGS.fetchTimeoutMs)
      .then(() => this.recovered(), (err) => this.failed(err))
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private refreshInBackgroundIfDue(): void {
    if (!this.jwksUri || this.inFlight) return;
    const now = Date.now();
    const due = this.unreachableSince
      ? now - this.lastAttemptAt >= OIDC_KEY_TIMINGS.retryAfterFailureMs
      : now - (this.keysFetchedAt ?? 0) >= OIDC_KEY_TIMINGS.refreshAfterMs;
    if (due) void this.refresh();
  }

  private async discover(issuer: string): Promise<string> {
    // OpenID Connect Discovery 1.0 §4: the issuer without its trailing slash, then the well-known path.
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let doc: { issuer?: unknown; jwks_uri?: unknown; token_endpoint?: unknown; userinfo_endpoint?: unknown; revocation_endpoint?: unknown };
    try {
      doc = (await getJson(url, OIDC_KEY_TIMINGS.bootTimeoutMs)) as typeof doc;
    } catch (err) {
      throw new ConfigError('OIDC_ISSUER', `ne répond pas : le document de découverte ${url} n’a pas pu être lu (${describe(err)})`);
    }
    if (doc.issuer !== issuer) {
      // §4.3: the issuer must be identical, trailing slash included, or every token's `iss` would be refused.
      throw new ConfigError(
        'OIDC_ISSUER',
        `(${issuer}) ne correspond pas à l’issuer annoncé par le fournisseur (${String(doc.issuer)}) : donnez exactement cette valeur, barre oblique finale comprise`,
      );
    }
    if (typeof doc.jwks_uri !== 'string' || !/^https?:\/\//.test(doc.jwks_uri)) {
      throw new ConfigError('OIDC_ISSUER', `annonce un document de découverte sans jwks_uri (${url}) : donnez OIDC_JWKS_URL`);
    }
    this.endpointOrigins = [doc.token_endpoint, doc.userinfo_endpoint, doc.revocation_endpoint]
      .filter((endpoint): endpoint is string => typeof endpoint === 'string' && /^https?:\/\//.test(endpoint))
      .map((endpoint) => new URL(endpoint).origin);
    return doc.jwks_uri;
  }

  private async fetchKeys(timeoutMs: number): Promise<void> {
    this.lastAttemptAt = Date.now();
    const jwks = (await getJson(this.jwksUri!, timeoutMs)) as JSONWebKeySet;
    if (!jwks || !Array.isArray(jwks.keys)) throw new Error('the document has no "keys" array');
    const local = createLocalJWKSet(jwks);
    const keyIds = jwks.keys.map((k) => k.kid ?? '(no kid)');
    if (this.local && keyIds.join() !== this.keyIds.join()) {
      this.logger.log({ before: this.keyIds, after: keyIds }, 'OIDC provider keys changed');
    }
    this.local = local;
    this.keyIds = keyIds;
    this.keysFetchedAt = Date.now();
  }

  private recovered(): void {
    if (this.unreachableSince) {
      this.logger.log({ jwksUri: this.jwksUri, unreachableSince: new Date(this.unreachableSince) }, 'OIDC provider reachable again; keys refreshed');
    }
    this.unreachableSince = null;
    this.lastError = null;
  }

  private failed(err: unknown): void {
    const now = Date.now();
    this.lastError = describe(err);
    const context = {
      jwksUri: this.jwksUri,
      error: this.lastError,
      keysFetchedAt: this.keysFetchedAt ? new Date(this.keysFetchedAt) : null,
    };
    if (!this.unreachableSince) {
      this.unreachableSince = now;
      this.lastOutageLogAt = now;
      this.logger.warn(context, 'OIDC provider unreachable: serving with the last known keys');
    } else if (now - this.lastOutageLogAt >= OIDC_KEY_TIMINGS.outageLogEveryMs) {
      this.lastOutageLogAt = now;
      this.logger.warn({ ...context, unreachableSince: new Date(this.unreachableSince) }, 'OIDC provider still unreachable: serving with the last known keys');
    }
  }
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

/** A short, loggable cause: no stack, no response body. */
function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'délai dépassé (timeout)';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

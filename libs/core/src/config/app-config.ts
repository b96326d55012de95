import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { IsConnectionUrl } from './is-connection-url';
import { DEV_TIMELINE_KEY_ID, DEV_TIMELINE_KEYS, parseTimelineKeys, TimelineKeyring } from './timeline-keyring';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['true', '1', 'yes', 'on'].includes(String(value).toLowerCase())
    ? true
    : ['false', '0', 'no', 'off'].includes(String(value).toLowerCase())
      ? false
      : value;

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;

/**
 * The whole process configuration, validated once at boot. Nothing else reads process.env:
 * inject AppConfig (or receive it from loadConfig in a script).
 */
export class AppConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  /** The application's connection: a role that owns nothing (`cli setup` creates it in development, ADR 0002). */
  @IsConnectionUrl(['postgres:', 'postgresql:'])
  DATABASE_URL = 'postgres://relais_app@127.0.0.1:5432/relais';

  /**
   * The connection that owns the schema: migrations, `setup` and the grants to the application's
   * role (DATABASE_URL's user, which may not alter tables nor rewrite the timeline). Unset: in
   * development and test, DATABASE_URL's server and database as the `postgres` superuser; in
   * production, DATABASE_URL itself (run migrations with a separate environment).
   */
  @IsOptional()
  @IsConnectionUrl(['postgres:', 'postgresql:'])
  DATABASE_OWNER_URL?: string;

  /**
   * Keys of the timeline's MAC chain, `kid:base64key[,kid:base64key…]` (each at least 32 bytes):
   * keep the old ones after a rotation, their events verify with them (ADR 0002). Required in
   * production; development and test use a fixed, public key.
   */
  @IsOptional()
  @IsString()
  TIMELINE_HMAC_KEYS?: string;

  /** Which of TIMELINE_HMAC_KEYS signs new events (optional when there is only one). */
  @IsOptional()
  @IsString()
  TIMELINE_HMAC_KEY_ID?: string;

  /** PostgreSQL connections per process (the worker fires SLA timers in parallel on them). */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(200)
  DATABASE_POOL_MAX = 10;

  /**
   * Named prepared statements kept per PostgreSQL connection (parsed and planned once, ADR 0029);
   * 0 turns them off, behind a pooler in transaction mode that does not track them (PgBouncer
   * before 1.21).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000)
  DATABASE_STATEMENT_CACHE = 200;

  @IsConnectionUrl(['redis:', 'rediss:'])
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * Where the job queues (SLA timers, outbox relay, mails, webhooks, live stream) run: on Redis
   * (default) or on PostgreSQL (BullMQ's PostgreSQL backend), the embedded default when no Redis
   * answers (issue #16). Set by `npm start` when it falls back; never silently in production.
   */
  @IsIn(['redis', 'postgres'])
  FILES_ATTENTE: 'redis' | 'postgres' = 'redis';

  /** Prefix of every BullMQ key, so that several deployments (or test runs) can share one Redis. */
  @IsString()
  @MinLength(1)
  QUEUE_PREFIX = 'relais';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Public base URL used in links (tracking pages, share links). */
  @IsOptional()
  @IsString()
  PUBLIC_URL?: string;

  @Transform(toBool)
  @IsBoolean()
  AUTH_DEV_LOGIN = false;

  /** Trust X-Forwarded-* (client address for rate limits and logs): only behind a reverse proxy. */
  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  /** HS256 secret of the development token issuer. Required in production unless OIDC is set. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET doit contenir au moins 32 caractères' })
  JWT_SECRET?: string;

  /**
   * The identity provider, exactly as its discovery document names it (trailing slash included).
   * Alone it is enough: the keys are found through `/.well-known/openid-configuration`.
   */
  @IsOptional()
  @IsConnectionUrl(['https:', 'http:'])
  OIDC_ISSUER?: string;

  /** The `aud` Relais's access tokens carry (the API's identifier at the provider). Required with OIDC_ISSUER. */
  @IsOptional()
  @IsString()
  OIDC_AUDIENCE?: string;

  /** Overrides the discovery document's `jwks_uri` (then the discovery document is not read). */
  @IsOptional()
  @IsConnectionUrl(['https:', 'http:'])
  OIDC_JWKS_URL?: string;

  /**
   * The web app's client id at the provider: a public client (no secret) allowed the
   * authorization code flow with PKCE, its redirect URI `<Relais>/connexion/retour`. Required with
   * OIDC_ISSUER, and never equal to OIDC_AUDIENCE (the API's identifier).
   */
  @IsOptional()
  @IsString()
  OIDC_WEB_CLIENT_ID?: string;

  /** The scopes the web app asks for (space-separated, `openid` among them): add the API's scope where the provider needs one for the access token to name OIDC_AUDIENCE. */
  @IsString()
  OIDC_WEB_SCOPES = 'openid profile email';

  /** Claim of an OIDC token that carries the user's e-mail (matched against the directory). */
  @IsString()
  OIDC_EMAIL_CLAIM = 'email';

  @Transform(toInt)
  @IsInt()
  @Min(60)
  JWT_TTL_SECONDS = 8 * 3600;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  OUTBOX_POLL_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT = 10;

  /**
   * How long an API process reuses the directory user a token names (role, scope, active)
   * before reading it again: the bound on how late a deactivation or a role change made in the
   * directory takes effect. 0 reads it at every request.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  AUTH_USER_CACHE_MS = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 10000;

  /** Period of the SLA reconciler, which re-arms timers Redis lost (bounds lateness after a flush). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SLA_RECONCILE_MS = 30000;

  /** How often the worker refreshes the dashboards' period figures (yesterday and today, ADR 0007). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  DASHBOARD_REFRESH_MS = 60000;

  /** SLA timer jobs processed at once per worker process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SLA_TIMER_CONCURRENCY = 50;

  /**
   * Outbox jobs processed at once per worker process while it fires a burst of SLA timers (FirePressure;
   * 8 otherwise): the breaches' consumers wait for a burst of fires to end instead of delaying it.
   * 8 turns the yielding off.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(8)
  OUTBOX_CONCURRENCY_DURING_FIRES = 1;

  /**
   * Pause before each outbox job while the worker process fires a burst of SLA timers
   * (FirePressure), in ms; 0 (default): none. At OUTBOX_CONCURRENCY_DURING_FIRES 1 alone, the
   * consumers still run back to back: a core's worth of work beside the fires on two cores.
   * 20 with OUTBOX_WAKE_DURING_FIRES=false puts the fires first for deployments whose load is bursts
   * of breaches (ADR 0027's addendum: measured better for bursts, worse for a steady mix).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  OUTBOX_PAUSE_DURING_FIRES_MS = 0;

  /**
   * Whether each fired batch wakes the outbox relay while the process is under pressure (true,
   * default), or leaves the breaches' rows to the relay's next poll (false): one claim per
   * OUTBOX_POLL_MS instead of one per batch of a few fires.
   */
  @Transform(toBool)
  @IsBoolean()
  OUTBOX_WAKE_DURING_FIRES = true;

  /** Minimum lead time of a commande, in siège business days; a shorter deadline must be marked urgent and justified. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60)
  COMMANDE_DELAI_MINIMUM_JOURS_OUVRES = 5;

  /** A dispositif is orphan when its direction has had no active référent and no answer for this many weeks (ADR 0014). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(104)
  ORPHELIN_SEMAINES = 4;

  /** Similar escalations on one dispositif that prompt its référents to publish a FAQ entry (ADR 0017). */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(50)
  CAPITALISATION_SEUIL = 3;

  /** How far back, in weeks, escalations count towards a prompt to publish (ADR 0017). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(104)
  CAPITALISATION_FENETRE_SEMAINES = 12;

  /**
   * Bearer token that GET /metrics requires when set. Unset: /metrics is open outside production
   * and absent (404) in production, so that a production deployment has to choose.
   */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN doit contenir au moins 16 caractères' })
  METRICS_TOKEN?: string;

  /** How long a /metrics scrape reuses the PostgreSQL and Redis readings (0: read at every scrape). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  METRICS_CACHE_MS = 5000;

  /**
   * The SMTP relay of the e-mail channel (host name or address). Unset: the channel is off, no
   * e-mail is sent, and the worker says so once at start. With it, SMTP_FROM and PUBLIC_URL
   * (the links in the mails) are required.
   */
  @IsOptional()
  @IsString()
  SMTP_HOST?: string;

  /** Unset: 465 with SMTP_SECURE, else 587 (submission). */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  SMTP_PORT?: number;

  /** Implicit TLS from the first byte (port 465). Otherwise the connection starts in clear and SMTP_STARTTLS applies. */
  @Transform(toBool)
  @IsBoolean()
  SMTP_SECURE = false;

  /**
   * Without SMTP_SECURE: `required` refuses to send unless the server upgrades to TLS
   * (STARTTLS); `opportunistic` upgrades when offered and sends in clear otherwise; `off` never
   * upgrades (a relay on the same host or network only). Certificates are verified: add an
   * internal CA with NODE_EXTRA_CA_CERTS.
   */
  @IsIn(['required', 'opportunistic', 'off'])
  SMTP_STARTTLS: 'required' | 'opportunistic' | 'off' = 'required';

  /** SMTP authentication (both or neither). */
  @IsOptional()
  @IsString()
  SMTP_USER?: string;

  @IsOptional()
  @IsString()
  SMTP_PASSWORD?: string;

  /** The sender, `Relais <relais@laregion.fr>` or a bare address; its domain names the mails' Message-IDs. */
  @IsOptional()
  @IsString()
  SMTP_FROM?: string;

  /** Is the e-mail channel on (SMTP_HOST set)? */
  get courrielActif(): boolean {
    return Boolean(this.SMTP_HOST);
  }

  get smtpPort(): number {
    return this.SMTP_PORT ?? (this.SMTP_SECURE ? 465 : 587);
  }

  /**
   * How many months after a question is closed its usager's tracking link (/suivi/{token})
   * keeps working; a reopened question's link works again until it is closed anew.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(120)
  SUIVI_VALIDITE_MOIS = 6;

  /** How far back (months) GET /questions/suggestions looks for similar answered questions. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60)
  SUGGESTIONS_MOIS = 6;

  /**
   * Months after a question's closing when the retention job anonymises its usager's data and
   * free texts (ADR 0023, docs/rgpd.md). At least the tracking link's validity: an usager must
   * not lose a page that still works.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(120)
  RGPD_RETENTION_MOIS = 12;

  /**
   * Days an outbox event, and each consumer's record of having handled it, are kept once handled;
   * the worker's hourly `purge-outbox` job deletes them after that. Redeliveries happen within
   * minutes (the relay's retries, BullMQ's attempts), so a day is the least allowed.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  OUTBOX_RETENTION_JOURS = 7;

  /** Tracking pages (/suivi/{token}) one client address may open per minute: tokens cannot be tried in bulk. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SUIVI_RATE_LIMIT = 60;

  /** The largest document a direction may upload, in MiB (POST /dispositifs/{id}/documents answers 413 beyond). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  DOCUMENT_TAILLE_MAX_MO = 20;

  /** Where documents are stored: `local` (a folder, DOCUMENTS_DIR) or `s3` (a bucket of an S3-compatible store, the S3_* settings; docs/operations.md, ADR 0019). */
  @IsIn(['local', 's3'], { message: 'doit valoir « local » (un dossier, DOCUMENTS_DIR) ou « s3 » (un compartiment S3 compatible, variables S3_*)' })
  DOCUMENT_STOCKAGE: 'local' | 's3' = 'local';

  /** The folder of the local document store; relative paths start at the working directory (the checkout in development, ignored by git). */
  @IsString()
  DOCUMENTS_DIR = 'var/documents';

  /**
   * The S3-compatible store's address (`https://s3.fr-par.scw.cloud`, `https://s3.gra.io.cloud.ovh.net`,
   * `http://minio:9000`). Unset: AWS S3 itself, found from S3_REGION.
   */
  @IsOptional()
  @IsConnectionUrl(['https:', 'http:'])
  S3_ENDPOINT?: string;

  /** The store's region (`fr-par`, `gra`, `eu-west-3`; MinIO accepts `us-east-1`): it is part of every request's signature. Required with DOCUMENT_STOCKAGE=s3. */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'doit être un nom de région en minuscules, par exemple « fr-par », « gra » ou « eu-west-3 »' })
  S3_REGION?: string;

  /** The bucket holding the documents (created beforehand, private). Required with DOCUMENT_STOCKAGE=s3. */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'doit être un nom de compartiment S3 : 3 à 63 caractères, minuscules, chiffres, points et tirets' })
  S3_BUCKET?: string;

  /** The access key of the store's account (both keys or neither: with DOCUMENT_STOCKAGE=s3, both). */
  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  /** Its secret: a secret like JWT_SECRET, never logged nor echoed in an error message. */
  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /**
   * Addresses the bucket as `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>`:
   * MinIO and most self-hosted stores need it; AWS, Scaleway and OVH work either way.
   */
  @Transform(toBool)
  @IsBoolean()
  S3_FORCE_PATH_STYLE = false;

  /** Shared documents (/public/documents/{token}) one client address may open per minute: tokens cannot be tried in bulk. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  DOCUMENT_LIEN_RATE_LIMIT = 60;

  /** Webhooks (ADR 0011): how long a receiver may take to answer one delivery before it counts as failed. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120000)
  WEBHOOK_TIMEOUT_MS = 10000;

  /**
   * Waits between a webhook delivery's attempts, comma-separated, each `<n>ms|s|m|h`: after the
   * last one fails the delivery is marked echouee. The default spans ~24 h (ADR 0011).
   */
  @IsString()
  @Matches(/^\s*\d+\s*(ms|s|m|h)\s*(,\s*\d+\s*(ms|s|m|h)\s*)*$/, { message: 'doit être une liste de durées séparées par des virgules, par exemple « 5s,5m,30m,2h,5h,10h »' })
  WEBHOOK_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,6h';

  /** Deliveries in flight at once to one endpoint: a slow or hanging receiver holds no more than this many worker slots. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOK_CONCURRENCY_PER_ENDPOINT = 2;

  /** Webhook deliveries in flight at once per worker process, all endpoints together. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  WEBHOOK_WORKER_CONCURRENCY = 16;

  /** Allows http:// webhook URLs (development and tests, a receiver on loopback); otherwise https is required. */
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_HTTP_AUTORISE = false;

  /** Live streams (GET /flux) one user may hold open at once on one API process (tabs); one more answers 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  FLUX_MAX_STREAMS_PER_USER = 5;

  /** Period of the live stream's heartbeat comment (keeps proxies from closing an idle stream). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(120000)
  FLUX_HEARTBEAT_MS = 20000;

  get devSecret(): string {
    return this.JWT_SECRET ?? 'relais-dev-secret-not-for-production-use-0000';
  }

  /** DATABASE_OWNER_URL, or its default (see there). */
  get databaseOwnerUrl(): string {
    if (this.DATABASE_OWNER_URL) return this.DATABASE_OWNER_URL;
    if (this.NODE_ENV === 'production') return this.DATABASE_URL;
    return Object.assign(new URL(this.DATABASE_URL), { username: 'postgres', password: '' }).toString();
  }

  /** The timeline's keys (validated by loadConfig, so this never fails on a loaded config). */
  get timelineKeyring(): TimelineKeyring {
    const parsed = parseTimelineKeys(this.TIMELINE_HMAC_KEYS ?? DEV_TIMELINE_KEYS, this.TIMELINE_HMAC_KEY_ID);
    if (typeof parsed === 'string') throw new ConfigError('TIMELINE_HMAC_KEYS', parsed);
    return parsed;
  }

  get oidcEnabled(): boolean {
    return Boolean(this.OIDC_ISSUER);
  }

  /** The S3 store's settings (DOCUMENT_STOCKAGE=s3: loadConfig made sure they are all there). */
  get s3(): S3Settings {
    if (this.DOCUMENT_STOCKAGE !== 's3' || !this.S3_REGION || !this.S3_BUCKET || !this.S3_ACCESS_KEY_ID || !this.S3_SECRET_ACCESS_KEY) {
      throw new ConfigError('DOCUMENT_STOCKAGE', 'ne vaut pas « s3 » : aucun stockage S3 configuré');
    }
    return {
      endpoint: this.S3_ENDPOINT,
      region: this.S3_REGION,
      bucket: this.S3_BUCKET,
      accessKeyId: this.S3_ACCESS_KEY_ID,
      secretAccessKey: this.S3_SECRET_ACCESS_KEY,
      forcePathStyle: this.S3_FORCE_PATH_STYLE,
    };
  }
}

export interface S3Settings {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly reason: string) {
    super(`Configuration invalide : ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

/** The settings without a default, which loadConfig reads beside the class's own. */
const OPTIONAL_KEYS = ['JWT_SECRET', 'OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'OIDC_WEB_CLIENT_ID', 'PUBLIC_URL', 'METRICS_TOKEN', 'DATABASE_OWNER_URL', 'TIMELINE_HMAC_KEYS', 'TIMELINE_HMAC_KEY_ID'];

/**
 * Every environment variable the configuration reads (the deployment files are checked against
 * it: test/ops/compose.e2e-spec.ts).
 */
export function configKeys(): string[] {
  return [...new Set([...Object.keys(new AppConfig()), ...OPTIONAL_KEYS, ...SMTP_OPTIONAL_KEYS, ...S3_OPTIONAL_KEYS])];
}

/**
 * Validates the environment and returns the configuration, or throws a ConfigError naming the
 * first bad variable. An empty value counts as missing (it is never silently defaulted).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of configKeys()) {
    const value = env[key];
    if (value === undefined) continue;
    if (value.trim() === '') throw new ConfigError(key, 'est vide : donnez une valeur ou retirez la variable');
    raw[key] = value.trim();
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const first = errors[0];
    const reason = Object.values(first.constraints ?? {})[0] ?? 'est invalide';
    throw new ConfigError(first.property, reason.replace(new RegExp(`^${first.property}\\s*`), ''));
  }
  const keyring = parseTimelineKeys(config.TIMELINE_HMAC_KEYS ?? DEV_TIMELINE_KEYS, config.TIMELINE_HMAC_KEY_ID);
  if (typeof keyring === 'string') {
    throw new ConfigError(keyring.startsWith(': TIMELINE_HMAC_KEY_ID') ? 'TIMELINE_HMAC_KEY_ID' : 'TIMELINE_HMAC_KEYS', keyring.replace(/^: TIMELINE_HMAC_KEY_ID /, '').replace(/^: /, ''));
  }
  if (config.NODE_ENV === 'production') {
    if (config.AUTH_DEV_LOGIN)
      throw new ConfigError('AUTH_DEV_LOGIN', 'est interdit en production : n’importe quel visiteur pourrait s’y connecter comme administrateur');
    if (env.DATABASE_URL === undefined) throw new ConfigError('DATABASE_URL', 'est obligatoire en production');
    // Queues on PostgreSQL must be chosen explicitly (FILES_ATTENTE=postgres); without it, Redis is required.
    if (env.REDIS_URL === undefined && config.FILES_ATTENTE !== 'postgres')
      throw new ConfigError('REDIS_URL', 'est obligatoire en production (ou FILES_ATTENTE=postgres pour les files d’attente sur PostgreSQL)');
    if (!config.JWT_SECRET && !config.oidcEnabled)
      throw new ConfigError('JWT_SECRET', 'ou OIDC_ISSUER (avec OIDC_AUDIENCE) est obligatoire en production');
    if (!config.TIMELINE_HMAC_KEYS) throw new ConfigError('TIMELINE_HMAC_KEYS', 'est obligatoire en production (openssl rand -base64 32, précédé d’un identifiant : « k1:… »)');
    const devKey = Buffer.from(DEV_TIMELINE_KEYS.slice(DEV_TIMELINE_KEY_ID.length + 1), 'base64');
    if ([...keyring.keys.values()].some((k) => k.equals(devKey))) {
      throw new ConfigError('TIMELINE_HMAC_KEYS', 'ne doit pas contenir la clé de développement en production');
    }
  }
  // The nightly anonymisation deletes the tracking links: an usager would lose a page that still works.
  if (config.RGPD_RETENTION_MOIS < config.SUIVI_VALIDITE_MOIS) {
    throw new ConfigError('RGPD_RETENTION_MOIS', `doit être au moins SUIVI_VALIDITE_MOIS (${config.SUIVI_VALIDITE_MOIS}) : l’anonymisation supprime les liens de suivi encore valides`);
  }
  assertOidcSettings(config);
  assertSmtpSettings(config);
  assertS3Settings(config);
  return config;
}

/** The S3 settings without a default (loadConfig reads them beside the class's own). */
const S3_OPTIONAL_KEYS = ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/**
 * The S3 store is all or nothing, like the e-mail channel: an S3_BUCKET beside the local store
 * is a forgotten DOCUMENT_STOCKAGE=s3 (documents would quietly land on the API's disk), and a
 * missing key would only show at the first upload. Messages name variables, never a value.
 */
function assertS3Settings(config: AppConfig): void {
  if (config.DOCUMENT_STOCKAGE !== 's3') {
    const stray = S3_OPTIONAL_KEYS.find((key) => config[key] !== undefined);
    if (stray) throw new ConfigError('DOCUMENT_STOCKAGE', `doit valoir « s3 » avec ${stray} (sinon les documents sont écrits dans DOCUMENTS_DIR)`);
    return;
  }
  for (const key of ['S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
    if (!config[key]) throw new ConfigError(key, 'est obligatoire avec DOCUMENT_STOCKAGE=s3 (docs/operations.md, « Stockage S3 compatible »)');
  }
}

/** The SMTP settings without a default (loadConfig reads them beside the class's own). */
const SMTP_OPTIONAL_KEYS = ['SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_FROM'];

/** `Name <local@domain>` or `local@domain`: the address part of SMTP_FROM, or null. */
export function smtpFromAddress(from: string): string | null {
  const match = /^(?:[^<>]*<([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>|([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+))$/.exec(from.trim());
  return match ? (match[1] ?? match[2]) : null;
}

/**
 * The e-mail channel is all or nothing: a half-configured relay (a user without its password,
 * a sender without a host) is a typing error, refused at boot rather than discovered when the
 * first mail bounces. The links in the mails need the public address of the web app.
 */
function assertSmtpSettings(config: AppConfig): void {
  if (!config.SMTP_HOST) {
    const stray = (['SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_FROM'] as const).find((key) => config[key] !== undefined);
    if (stray) throw new ConfigError('SMTP_HOST', `est obligatoire avec ${stray} (sans SMTP_HOST, aucun courriel n’est envoyé)`);
    return;
  }
  if (Boolean(config.SMTP_USER) !== Boolean(config.SMTP_PASSWORD))
    throw new ConfigError(config.SMTP_USER ? 'SMTP_PASSWORD' : 'SMTP_USER', 'va de pair avec son homologue : donnez SMTP_USER et SMTP_PASSWORD, ou aucun des deux');
  if (!config.SMTP_FROM) throw new ConfigError('SMTP_FROM', 'est obligatoire avec SMTP_HOST (par exemple « Relais <relais@laregion.fr> »)');
  if (!smtpFromAddress(config.SMTP_FROM))
    throw new ConfigError('SMTP_FROM', 'doit être une adresse, seule ou sous la forme « Relais <relais@laregion.fr> »');
  if (config.SMTP_USER && !config.SMTP_SECURE && config.SMTP_STARTTLS !== 'required')
    throw new ConfigError('SMTP_STARTTLS', 'doit valoir « required » (ou SMTP_SECURE=true) avec SMTP_USER : le mot de passe circulerait en clair');
  let url: URL | null = null;
  try {
    url = config.PUBLIC_URL ? new URL(config.PUBLIC_URL) : null;
  } catch {
    url = null;
  }
  if (!url || !['https:', 'http:'].includes(url.protocol))
    throw new ConfigError('PUBLIC_URL', 'est obligatoire avec SMTP_HOST : l’adresse publique de l’application (https://…), pour les liens des courriels');
}

/**
 * OIDC fails safe: without an audience, tokens the provider issued for any other application
 * (or ID tokens) would be accepted, so OIDC_AUDIENCE is required in every environment. The
 * development login is refused beside OIDC: its tokens are not accepted there, and it would only
 * publish the directory.
 */
function assertOidcSettings(config: AppConfig): void {
  if (config.OIDC_JWKS_URL && !config.OIDC_ISSUER) throw new ConfigError('OIDC_ISSUER', 'est obligatoire avec OIDC_JWKS_URL');
  if (config.OIDC_WEB_CLIENT_ID && !config.OIDC_ISSUER) throw new ConfigError('OIDC_ISSUER', 'est obligatoire avec OIDC_WEB_CLIENT_ID');
  if (!config.OIDC_ISSUER) return;
  if (!config.OIDC_AUDIENCE)
    throw new ConfigError('OIDC_AUDIENCE', 'est obligatoire avec OIDC_ISSUER : sans elle, les jetons émis pour d’autres applications du fournisseur seraient acceptés');
  if (!config.OIDC_WEB_CLIENT_ID)
    throw new ConfigError('OIDC_WEB_CLIENT_ID', 'est obligatoire avec OIDC_ISSUER : l’identifiant du client public de l’application web chez le fournisseur (sans lui, personne ne peut se connecter à l’application)');
  if (config.OIDC_WEB_CLIENT_ID === config.OIDC_AUDIENCE)
    throw new ConfigError('OIDC_WEB_CLIENT_ID', 'ne doit pas être égal à OIDC_AUDIENCE : l’audience est l’identifiant de l’API, pas celui de l’application web (ses jetons pour elle-même seraient refusés)');
  if (!config.OIDC_WEB_SCOPES.split(/\s+/).includes('openid'))
    throw new ConfigError('OIDC_WEB_SCOPES', `doit contenir « openid » (reçu : « ${config.OIDC_WEB_SCOPES} »)`);
  if (config.AUTH_DEV_LOGIN)
    throw new ConfigError('AUTH_DEV_LOGIN', 'est incompatible avec OIDC_ISSUER : retirez-la (les jetons de démonstration n’y sont pas acceptés)');
}

/** For a process entry point: the config, or one line on stderr naming the bad variable and exit 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

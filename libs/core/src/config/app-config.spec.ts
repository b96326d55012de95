import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('works with no environment at all: defaults fit the local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgres://relais_app@127.0.0.1:5432/relais');
    expect(config.databaseOwnerUrl).toBe('postgres://postgres@127.0.0.1:5432/relais');
    expect(config.timelineKeyring.currentKeyId).toBe('dev');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.PORT).toBe(3000);
    expect(config.AUTH_DEV_LOGIN).toBe(false);
    expect(config.oidcEnabled).toBe(false);
  });

  it('converts numbers and booleans', () => {
    const config = loadConfig({ PORT: '8080', AUTH_DEV_LOGIN: 'true', LOG_LEVEL: 'debug' });
    expect(config.PORT).toBe(8080);
    expect(config.AUTH_DEV_LOGIN).toBe(true);
    expect(config.LOG_LEVEL).toBe('debug');
  });

  it.each([
    ['DATABASE_URL', 'notaurl', /DATABASE_URL doit être une URL postgres:\/\//],
    ['DATABASE_URL', 'mysql://root@localhost/relais', /DATABASE_URL/],
    ['DATABASE_URL', '', /DATABASE_URL est vide/],
    ['DATABASE_URL', '   ', /DATABASE_URL est vide/],
    ['REDIS_URL', 'http://localhost:6379', /REDIS_URL doit être une URL redis:\/\//],
    ['PORT', 'abc', /PORT/],
    ['PORT', '70000', /PORT/],
    ['AUTH_DEV_LOGIN', 'peut-être', /AUTH_DEV_LOGIN/],
    ['LOG_LEVEL', 'verbose', /LOG_LEVEL/],
    ['JWT_SECRET', 'court', /JWT_SECRET doit contenir au moins 32 caractères/],
    ['METRICS_TOKEN', 'court', /METRICS_TOKEN doit contenir au moins 16 caractères/],
    ['METRICS_CACHE_MS', '-1', /METRICS_CACHE_MS/],
  ])('refuses %s=%j with one message naming it', (name, value, pattern) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      expect((err as ConfigError).variable).toBe(name);
      expect((err as Error).message).toMatch(pattern);
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
  });

  it('requires explicit connections and a token issuer in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL est obligatoire en production/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/relais', REDIS_URL: 'redis://redis:6379' }),
    ).toThrow(/JWT_SECRET/);
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/relais',
      REDIS_URL: 'redis://redis:6379',
      OIDC_ISSUER: 'https://sso.example.org/realms/region',
      OIDC_AUDIENCE: 'relais-api',
      OIDC_WEB_CLIENT_ID: 'relais-web',
      TIMELINE_HMAC_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    expect(config.oidcEnabled).toBe(true);
    expect(config.OIDC_JWKS_URL).toBeUndefined();
  });

  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/relais', REDIS_URL: 'redis://redis:6379', JWT_SECRET: 'x'.repeat(32), TIMELINE_HMAC_KEYS: `k1:${Buffer.alloc(32, 2).toString('base64')}` };

  it('requires REDIS_URL in production unless the queues are explicitly on PostgreSQL (FILES_ATTENTE=postgres)', () => {
    const { REDIS_URL: _, ...withoutRedis } = production;
    expect(() => loadConfig(withoutRedis)).toThrow(/^Configuration invalide : REDIS_URL est obligatoire en production/);
    expect(loadConfig({ ...withoutRedis, FILES_ATTENTE: 'postgres' }).FILES_ATTENTE).toBe('postgres');
    expect(() => loadConfig({ ...withoutRedis, FILES_ATTENTE: 'redis' })).toThrow(/REDIS_URL est obligatoire/);
  });

  it('refuses the development login in production, with one line naming AUTH_DEV_LOGIN', () => {
    for (const value of ['true', '1', 'on']) {
      try {
        loadConfig({ ...production, AUTH_DEV_LOGIN: value });
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).variable).toBe('AUTH_DEV_LOGIN');
        expect((err as Error).message).toMatch(/^Configuration invalide : AUTH_DEV_LOGIN est interdit en production/);
        expect((err as Error).message.split('\n')).toHaveLength(1);
      }
    }
    expect(loadConfig({ ...production, AUTH_DEV_LOGIN: 'false' }).AUTH_DEV_LOGIN).toBe(false);
  });

  it('makes the OIDC audience mandatory in every environment (no audience would accept any token of the provider)', () => {
    for (const env of [{}, production]) {
      expect(() => loadConfig({ ...env, OIDC_ISSUER: 'https://sso.example.org/realms/region' })).toThrow(
        /^Configuration invalide : OIDC_AUDIENCE est obligatoire avec OIDC_ISSUER/,
      );
    }
  });

  it('takes OIDC_ISSUER alone (keys from discovery), OIDC_JWKS_URL only as an override beside it', () => {
    expect(loadConfig({ OIDC_ISSUER: 'https://sso.example.org', OIDC_AUDIENCE: 'relais-api', OIDC_WEB_CLIENT_ID: 'relais-web' }).oidcEnabled).toBe(true);
    expect(() => loadConfig({ OIDC_JWKS_URL: 'https://sso.example.org/certs', OIDC_AUDIENCE: 'relais-api' })).toThrow(/OIDC_ISSUER est obligatoire/);
    expect(() => loadConfig({ OIDC_ISSUER: 'sso.example.org', OIDC_AUDIENCE: 'relais-api' })).toThrow(/OIDC_ISSUER doit être une URL/);
  });

  it('requires the web app’s client id with OIDC, never equal to the audience, and scopes with openid', () => {
    const oidc = { OIDC_ISSUER: 'https://sso.example.org', OIDC_AUDIENCE: 'relais-api' };
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message.split('\n')).toHaveLength(1);
        return { variable: (err as ConfigError).variable, message: (err as Error).message };
      }
      throw new Error('accepted');
    };
    for (const env of [{}, production]) {
      expect(refusal({ ...env, ...oidc })).toEqual({
        variable: 'OIDC_WEB_CLIENT_ID',
        message: expect.stringMatching(/^Configuration invalide : OIDC_WEB_CLIENT_ID est obligatoire avec OIDC_ISSUER/),
      });
    }
    expect(refusal({ ...oidc, OIDC_WEB_CLIENT_ID: 'relais-api' })).toEqual({
      variable: 'OIDC_WEB_CLIENT_ID',
      message: expect.stringMatching(/OIDC_WEB_CLIENT_ID ne doit pas être égal à OIDC_AUDIENCE/),
    });
    expect(refusal({ ...oidc, OIDC_WEB_CLIENT_ID: 'relais-web', OIDC_WEB_SCOPES: 'email api' })).toEqual({
      variable: 'OIDC_WEB_SCOPES',
      message: expect.stringMatching(/OIDC_WEB_SCOPES doit contenir « openid »/),
    });
    expect(refusal({ OIDC_WEB_CLIENT_ID: 'relais-web' })).toEqual({ variable: 'OIDC_ISSUER', message: expect.stringMatching(/OIDC_ISSUER est obligatoire avec OIDC_WEB_CLIENT_ID/) });
    const config = loadConfig({ ...oidc, OIDC_WEB_CLIENT_ID: 'relais-web' });
    expect([config.OIDC_WEB_CLIENT_ID, config.OIDC_WEB_SCOPES]).toEqual(['relais-web', 'openid profile email']);
    expect(loadConfig({ ...oidc, OIDC_WEB_CLIENT_ID: 'relais-web', OIDC_WEB_SCOPES: 'openid email api://relais/.default' }).OIDC_WEB_SCOPES).toBe('openid email api://relais/.default');
  });

  it('refuses the development login beside OIDC (its tokens are refused there; it would only publish the directory)', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://sso.example.org', OIDC_AUDIENCE: 'relais-api', OIDC_WEB_CLIENT_ID: 'relais-web', AUTH_DEV_LOGIN: 'true' })).toThrow(
      /AUTH_DEV_LOGIN est incompatible avec OIDC_ISSUER/,
    );
  });

  describe('timeline keys and the owner connection', () => {
    const key = (bytes = 32, fill = 'k') => Buffer.alloc(bytes, fill).toString('base64');
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://relais_app@db/relais', REDIS_URL: 'redis://redis:6379', JWT_SECRET: 'x'.repeat(32) };

    it('reads several keys, the current one named, the others kept for old events', () => {
      const config = loadConfig({ TIMELINE_HMAC_KEYS: `k1:${key()},k2:${key(48, 'z')}`, TIMELINE_HMAC_KEY_ID: 'k2' });
      expect(config.timelineKeyring.currentKeyId).toBe('k2');
      expect([...config.timelineKeyring.keys.keys()]).toEqual(['k1', 'k2']);
      expect(config.timelineKeyring.keys.get('k2')!.length).toBe(48);
    });

    it.each([
      [{ TIMELINE_HMAC_KEYS: 'sans-deux-points' }, 'TIMELINE_HMAC_KEYS', /identifiant:clé_base64/],
      [{ TIMELINE_HMAC_KEYS: `k1:${key(16)}` }, 'TIMELINE_HMAC_KEYS', /au moins 32 octets/],
      [{ TIMELINE_HMAC_KEYS: `k1:${key()},k1:${key()}` }, 'TIMELINE_HMAC_KEYS', /deux fois/],
      [{ TIMELINE_HMAC_KEYS: `k1:${key()},k2:${key()}` }, 'TIMELINE_HMAC_KEYS', /précisez la clé courante/],
      [{ TIMELINE_HMAC_KEYS: `k1:${key()}`, TIMELINE_HMAC_KEY_ID: 'k9' }, 'TIMELINE_HMAC_KEY_ID', /n’est pas l’une des clés/],
      [{ ...production }, 'TIMELINE_HMAC_KEYS', /obligatoire en production/],
      [{ ...production, TIMELINE_HMAC_KEYS: `prod:${Buffer.from('relais-dev-timeline-key-not-for-production-use').toString('base64')}` }, 'TIMELINE_HMAC_KEYS', /clé de développement/],
    ])('refuses %j naming %s', (env, variable, message) => {
      try {
        loadConfig(env as NodeJS.ProcessEnv);
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).variable).toBe(variable);
        expect((err as Error).message).toMatch(message);
      }
    });

    it('takes a production key, and the owner connection from DATABASE_URL unless given', () => {
      const config = loadConfig({ ...production, TIMELINE_HMAC_KEYS: `k1:${key()}` });
      expect(config.timelineKeyring.currentKeyId).toBe('k1');
      expect(config.databaseOwnerUrl).toBe('postgres://relais_app@db/relais');
      expect(loadConfig({ ...production, TIMELINE_HMAC_KEYS: `k1:${key()}`, DATABASE_OWNER_URL: 'postgres://owner@db/relais' }).databaseOwnerUrl).toBe('postgres://owner@db/relais');
      expect(loadConfig({ DATABASE_URL: 'postgres://app:secret@db:5433/autre' }).databaseOwnerUrl).toBe('postgres://postgres@db:5433/autre');
    });
  });
});

describe('loadConfig: the e-mail channel', () => {
  const smtp = { SMTP_HOST: 'smtp.laregion.fr', SMTP_FROM: 'Relais <relais@laregion.fr>', PUBLIC_URL: 'https://relais.laregion.fr' };
  const refused = (env: Record<string, string>, variable: string) => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe(variable);
      return;
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };

  it('is off without SMTP_HOST, on with it; the port follows implicit TLS; STARTTLS is required by default', () => {
    expect(loadConfig({}).courrielActif).toBe(false);
    const on = loadConfig(smtp);
    expect(on.courrielActif).toBe(true);
    expect(on.smtpPort).toBe(587);
    expect(on.SMTP_STARTTLS).toBe('required');
    expect(loadConfig({ ...smtp, SMTP_SECURE: 'true' }).smtpPort).toBe(465);
    expect(loadConfig({ ...smtp, SMTP_PORT: '2525', SMTP_STARTTLS: 'off' }).smtpPort).toBe(2525);
    expect(loadConfig({ ...smtp, SMTP_USER: 'relais', SMTP_PASSWORD: 'secret' }).SMTP_USER).toBe('relais');
  });

  it('refuses a half-configured relay, naming the variable to fix', () => {
    refused({ SMTP_FROM: 'relais@laregion.fr' }, 'SMTP_HOST');
    refused({ SMTP_USER: 'relais' }, 'SMTP_HOST');
    refused({ ...smtp, SMTP_USER: 'relais' }, 'SMTP_PASSWORD');
    refused({ ...smtp, SMTP_PASSWORD: 'secret' }, 'SMTP_USER');
    refused({ ...smtp, SMTP_FROM: undefined as never }, 'SMTP_FROM');
    refused({ ...smtp, SMTP_FROM: 'Relais' }, 'SMTP_FROM');
    refused({ ...smtp, SMTP_FROM: 'Relais <relais@laregion>' }, 'SMTP_FROM');
    refused({ ...smtp, PUBLIC_URL: undefined as never }, 'PUBLIC_URL');
    refused({ ...smtp, PUBLIC_URL: 'relais.laregion.fr' }, 'PUBLIC_URL');
    refused({ ...smtp, SMTP_STARTTLS: 'maybe' }, 'SMTP_STARTTLS');
    refused({ ...smtp, SMTP_PORT: '0' }, 'SMTP_PORT');
    // A password in clear on the network: refused unless TLS is certain.
    refused({ ...smtp, SMTP_USER: 'relais', SMTP_PASSWORD: 'secret', SMTP_STARTTLS: 'opportunistic' }, 'SMTP_STARTTLS');
    expect(loadConfig({ ...smtp, SMTP_USER: 'relais', SMTP_PASSWORD: 'secret', SMTP_STARTTLS: 'off', SMTP_SECURE: 'true' }).SMTP_SECURE).toBe(true);
  });
});

describe('loadConfig: the S3 document store', () => {
  const s3 = { DOCUMENT_STOCKAGE: 's3', S3_REGION: 'fr-par', S3_BUCKET: 'relais-documents', S3_ACCESS_KEY_ID: 'SCWXXXXXXXXXXXXXXXXX', S3_SECRET_ACCESS_KEY: 'secret-0123456789-abcdef' };
  const refusal = (env: Record<string, string | undefined>) => {
    try {
      loadConfig(env as NodeJS.ProcessEnv);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message.split('\n')).toHaveLength(1);
      return { variable: (err as ConfigError).variable, message: (err as Error).message };
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };

  it('keeps the local folder by default and takes an S3 bucket with its region and keys (AWS when no endpoint)', () => {
    expect(loadConfig({}).DOCUMENT_STOCKAGE).toBe('local');
    expect(() => loadConfig({}).s3).toThrow(ConfigError);
    expect(loadConfig(s3).s3).toEqual({ endpoint: undefined, region: 'fr-par', bucket: 'relais-documents', accessKeyId: 'SCWXXXXXXXXXXXXXXXXX', secretAccessKey: 'secret-0123456789-abcdef', forcePathStyle: false });
    const minio = loadConfig({ ...s3, S3_ENDPOINT: 'http://minio:9000', S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: 'true' });
    expect(minio.s3).toMatchObject({ endpoint: 'http://minio:9000', region: 'us-east-1', forcePathStyle: true });
  });

  it.each([
    [{ ...s3, S3_BUCKET: undefined }, 'S3_BUCKET', /S3_BUCKET est obligatoire avec DOCUMENT_STOCKAGE=s3/],
    [{ ...s3, S3_REGION: undefined }, 'S3_REGION', /S3_REGION est obligatoire/],
    [{ ...s3, S3_ACCESS_KEY_ID: undefined }, 'S3_ACCESS_KEY_ID', /S3_ACCESS_KEY_ID est obligatoire/],
    [{ ...s3, S3_SECRET_ACCESS_KEY: undefined }, 'S3_SECRET_ACCESS_KEY', /S3_SECRET_ACCESS_KEY est obligatoire/],
    [{ ...s3, S3_BUCKET: 'Mon_Compartiment' }, 'S3_BUCKET', /S3_BUCKET doit être un nom de compartiment S3/],
    [{ ...s3, S3_REGION: 'Paris' }, 'S3_REGION', /S3_REGION doit être un nom de région/],
    [{ ...s3, S3_ENDPOINT: 's3.fr-par.scw.cloud' }, 'S3_ENDPOINT', /S3_ENDPOINT doit être une URL https:\/\/ ou http:\/\//],
    [{ ...s3, S3_FORCE_PATH_STYLE: 'peut-être' }, 'S3_FORCE_PATH_STYLE', /S3_FORCE_PATH_STYLE/],
    [{ DOCUMENT_STOCKAGE: 'ftp' }, 'DOCUMENT_STOCKAGE', /DOCUMENT_STOCKAGE doit valoir « local » .* ou « s3 »/],
    // A bucket beside the local store: a forgotten DOCUMENT_STOCKAGE=s3.
    [{ S3_BUCKET: 'relais-documents' }, 'DOCUMENT_STOCKAGE', /DOCUMENT_STOCKAGE doit valoir « s3 » avec S3_BUCKET/],
    [{ S3_SECRET_ACCESS_KEY: 'secret-0123456789-abcdef' }, 'DOCUMENT_STOCKAGE', /avec S3_SECRET_ACCESS_KEY/],
  ])('refuses %j naming %s', (env, variable, message) => {
    expect(refusal(env)).toEqual({ variable, message: expect.stringMatching(message) });
  });

  it('never echoes the secret key in a refusal', () => {
    for (const env of [{ ...s3, S3_BUCKET: 'X' }, { ...s3, S3_REGION: undefined }, { S3_SECRET_ACCESS_KEY: s3.S3_SECRET_ACCESS_KEY }]) {
      expect(refusal(env).message).not.toContain(s3.S3_SECRET_ACCESS_KEY);
    }
  });
});

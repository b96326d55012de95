import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('works with no environment at all: defaults fit the local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/relais');
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
    });
    expect(config.oidcEnabled).toBe(true);
    expect(config.OIDC_JWKS_URL).toBeUndefined();
  });

  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/relais', REDIS_URL: 'redis://redis:6379', JWT_SECRET: 'x'.repeat(32) };

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
    expect(loadConfig({ OIDC_ISSUER: 'https://sso.example.org', OIDC_AUDIENCE: 'relais-api' }).oidcEnabled).toBe(true);
    expect(() => loadConfig({ OIDC_JWKS_URL: 'https://sso.example.org/certs', OIDC_AUDIENCE: 'relais-api' })).toThrow(/OIDC_ISSUER est obligatoire/);
    expect(() => loadConfig({ OIDC_ISSUER: 'sso.example.org', OIDC_AUDIENCE: 'relais-api' })).toThrow(/OIDC_ISSUER doit être une URL/);
  });

  it('refuses the development login beside OIDC (its tokens are refused there; it would only publish the directory)', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://sso.example.org', OIDC_AUDIENCE: 'relais-api', AUTH_DEV_LOGIN: 'true' })).toThrow(
      /AUTH_DEV_LOGIN est incompatible avec OIDC_ISSUER/,
    );
  });
});

import { metricsAccess } from './metrics-access';

const TOKEN = 'jeton-de-supervision-0123456789';

describe('metricsAccess', () => {
  it('without METRICS_TOKEN: open outside production, hidden in production', () => {
    expect(metricsAccess({ NODE_ENV: 'development' }, undefined)).toBe('allowed');
    expect(metricsAccess({ NODE_ENV: 'test' }, 'Bearer n-importe-quoi')).toBe('allowed');
    expect(metricsAccess({ NODE_ENV: 'production' }, undefined)).toBe('hidden');
    expect(metricsAccess({ NODE_ENV: 'production' }, `Bearer ${TOKEN}`)).toBe('hidden');
  });

  it.each(['development', 'production'] as const)('with METRICS_TOKEN (%s): the bearer token and nothing else', (env) => {
    const config = { NODE_ENV: env, METRICS_TOKEN: TOKEN };
    expect(metricsAccess(config, `Bearer ${TOKEN}`)).toBe('allowed');
    expect(metricsAccess(config, `bearer  ${TOKEN}`)).toBe('allowed');
    expect(metricsAccess(config, undefined)).toBe('token_missing');
    expect(metricsAccess(config, `Basic ${TOKEN}`)).toBe('token_missing');
    expect(metricsAccess(config, 'Bearer')).toBe('token_missing');
    expect(metricsAccess(config, `Bearer ${TOKEN}x`)).toBe('token_invalid');
    expect(metricsAccess(config, `Bearer ${TOKEN.slice(0, -1)}`)).toBe('token_invalid');
  });
});

import { isAccessToken } from './token.service';

describe('isAccessToken (RFC 9068 typ, else no ID-token shape)', () => {
  const aud = 'relais-api';
  const access = { iss: 'https://sso', aud, sub: 'u', exp: 1, scope: 'api', azp: 'relais-web' };

  it('trusts a provider that types its access tokens', () => {
    expect(isAccessToken({ alg: 'RS256', typ: 'at+jwt' }, access, aud)).toBe(true);
    expect(isAccessToken({ alg: 'RS256', typ: 'application/at+JWT' }, access, aud)).toBe(true);
  });

  it('accepts untyped access tokens (Keycloak, Entra ID) that have no ID-token shape', () => {
    expect(isAccessToken({ alg: 'RS256', typ: 'JWT' }, { ...access, typ: 'Bearer' }, aud)).toBe(true);
    expect(isAccessToken({ alg: 'RS256' }, access, aud)).toBe(true);
  });

  it.each([
    ['a nonce', { nonce: 'n' }],
    ['an at_hash', { at_hash: 'h' }],
    ['a c_hash', { c_hash: 'h' }],
    ['a Keycloak ID typ claim', { typ: 'ID' }],
    ['a Keycloak Refresh typ claim', { typ: 'Refresh' }],
    ['an authorized party equal to the audience (a client’s token for itself)', { azp: aud }],
    ['a client_id equal to the audience', { client_id: aud, azp: undefined }],
  ])('refuses an untyped token with %s', (_, claims) => {
    expect(isAccessToken({ alg: 'RS256', typ: 'JWT' }, { ...access, ...claims }, aud)).toBe(false);
  });

  it('refuses any other declared type', () => {
    for (const typ of ['logout+jwt', 'secevent+jwt', 'dpop+jwt', 'id_token+jwt']) expect(isAccessToken({ alg: 'RS256', typ }, access, aud)).toBe(false);
  });
});

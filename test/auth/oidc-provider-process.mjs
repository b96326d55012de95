// A real OpenID provider (panva's oidc-provider, ESM-only, hence its own process) for the identity
// tests: `node test/auth/oidc-provider-process.mjs`, listening on 127.0.0.1. It issues JWT access tokens
// (RFC 9068, through resource indicators) carrying `email` and `email_verified`, by the
// client_credentials grant (one client per test persona, its e-mail in the client's metadata)
// and by the authorization code flow (the provider's development login and consent pages), for a
// confidential client and for the web app's public client (PKCE, in the browser; `relais-web-spa`).
//
// Environment: OP_PORT (0: a free port), OP_JWKS (JSON array of private JWKs: the signing keys,
// so that a test can restart the provider on the same port with rotated keys), OP_WEB_TOKEN_TTL
// (seconds: the lifetime of the web app's access tokens, for the expiry walk), OP_WEB_REFRESH=1
// (the web app gets a refresh token, as from Keycloak, without asking for offline_access).
// Prints one JSON line on stdout once listening: {"issuer": "http://127.0.0.1:<port>", "port": <port>}.
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';

/** The resources (resource indicators) Relais's tests ask tokens for, and the audience each gets. */
const RESOURCES = {
  'https://relais.test/api': { audience: 'relais-api', accessTokenTTL: 300 },
  // Same API, one-second tokens: the expiry test.
  'https://relais.test/api-court': { audience: 'relais-api', accessTokenTTL: 1 },
  // Another application of the same provider.
  'https://autre.test/api': { audience: 'autre-api', accessTokenTTL: 300 },
};

const persona = (clientId, email, emailVerified) => ({
  client_id: clientId,
  client_secret: `secret-${clientId}`,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_post',
  'urn:relais:test:email': email,
  'urn:relais:test:email_verified': emailVerified,
});

const CLIENTS = [
  persona('outil-referent', 'Referent.Tourisme@relais.demo', true),
  persona('outil-admin-non-verifie', 'admin@relais.demo', false),
  // The web app: authorization code flow, gets an ID token and an access token.
  {
    client_id: 'relais-web',
    client_secret: 'secret-relais-web',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
    token_endpoint_auth_method: 'client_secret_post',
  },
  // The web app as it really runs: a public client (no secret, PKCE required) of the browser.
  // Native, so that its loopback redirect URIs match whatever port the test API listens on (RFC 8252 §7.3).
  {
    client_id: 'relais-web-spa',
    application_type: 'native',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/connexion/retour'],
    post_logout_redirect_uris: ['http://127.0.0.1/connexion'],
    token_endpoint_auth_method: 'none',
  },
];

const server = createServer();
await new Promise((resolve) => server.listen(Number(process.env.OP_PORT ?? 0), '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: CLIENTS,
  jwks: { keys: JSON.parse(process.env.OP_JWKS) },
  cookies: { keys: ['relais-test-cookie-key-0000000000'] },
  extraClientMetadata: { properties: ['urn:relais:test:email', 'urn:relais:test:email_verified'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // Accounts of the development login: the login typed is the e-mail; "non-verifie" in it makes it unverified.
  async findAccount(_ctx, id) {
    return { accountId: id, claims: async () => ({ sub: id, email: id, email_verified: !id.includes('non-verifie') }) };
  },
  async extraTokenClaims(ctx, token) {
    if (token.accountId) return { email: token.accountId, email_verified: !token.accountId.includes('non-verifie') };
    const client = ctx.oidc.client;
    if (!client) return undefined;
    return { email: client['urn:relais:test:email'], email_verified: client['urn:relais:test:email_verified'] };
  },
  issueRefreshToken: async (_ctx, client, code) =>
    client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || (client.clientId === 'relais-web-spa' && process.env.OP_WEB_REFRESH === '1')),
  pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
  // The browser's calls (token endpoint) from the test API's origin, whatever its port.
  clientBasedCORS: (_ctx, origin, client) => client.clientAuthMethod === 'none' && /^http:\/\/127\.0\.0\.1:\d+$/.test(origin),
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'https://relais.test/api',
      useGrantedResource: () => true,
      getResourceServerInfo(_ctx, resourceIndicator, client) {
        const resource = RESOURCES[resourceIndicator];
        if (!resource) throw new errors.InvalidTarget();
        const webTtl = client?.clientId === 'relais-web-spa' && process.env.OP_WEB_TOKEN_TTL ? { accessTokenTTL: Number(process.env.OP_WEB_TOKEN_TTL) } : {};
        return { scope: 'api', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } }, ...resource, ...webTtl };
      },
    },
  },
});
provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));
server.on('request', provider.callback());

process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));

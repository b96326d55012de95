import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { exportJWK, generateKeyPair, JWK } from 'jose';

export const RELAIS_RESOURCE = 'https://relais.test/api';
export const RELAIS_RESOURCE_SHORT_LIVED = 'https://relais.test/api-court';
export const OTHER_RESOURCE = 'https://autre.test/api';
/** The web app's public client at the provider (authorization code + PKCE, loopback redirect URIs on any port). */
export const WEB_CLIENT_ID = 'relais-web-spa';
/** The scopes the web app asks for at this provider (`api`: the resource's scope, for a JWT access token for RELAIS_AUDIENCE). */
export const WEB_SCOPES = 'openid email api';
/** The `aud` of tokens for RELAIS_RESOURCE. */
export const RELAIS_AUDIENCE = 'relais-api';

/** A private RS256 signing key for the provider. */
export async function signingKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

/**
 * The real OpenID provider of test/auth/oidc-provider-process.mjs, run in a child process (oidc-provider
 * is ESM-only and Jest runs CommonJS here), spoken to over HTTP like any client would.
 */
export class TestOidcProvider {
  private constructor(
    private child: ChildProcess,
    readonly issuer: string,
    readonly port: number,
    private stderr: string[],
  ) {}

  /** `env`: more of the script's settings (OP_WEB_TOKEN_TTL). */
  static async start(keys: JWK[], port = 0, env: Record<string, string> = {}): Promise<TestOidcProvider> {
    const stderr: string[] = [];
    const child = spawn(process.execPath, [join(__dirname, 'oidc-provider-process.mjs')], {
      env: { ...process.env, ...env, OP_PORT: String(port), OP_JWKS: JSON.stringify(keys), NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (chunk) => stderr.push(String(chunk)));
    const lines = createInterface({ input: child.stdout! });
    const first = await Promise.race([
      once(lines, 'line').then(([line]) => String(line)),
      once(child, 'exit').then(() => {
        throw new Error(`oidc-provider exited: ${stderr.join('')}`);
      }),
    ]);
    const { issuer, port: actual } = JSON.parse(first);
    return new TestOidcProvider(child, issuer, actual, stderr);
  }

  /** Stops the provider and starts it again on the same port (same issuer) with these keys (and settings). */
  async restart(keys: JWK[], env: Record<string, string> = {}): Promise<void> {
    await this.stop();
    const next = await TestOidcProvider.start(keys, this.port, env);
    this.child = next.child;
    this.stderr = next.stderr;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }

  /** An access token by the client_credentials grant, for one of the script's persona clients. */
  async clientCredentials(clientId: string, resource = RELAIS_RESOURCE): Promise<string> {
    const res = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: `secret-${clientId}`, resource, scope: 'api' }),
    });
    const body = (await res.json()) as { access_token: string };
    if (!res.ok) throw new Error(`token endpoint ${res.status}: ${JSON.stringify(body)} ${this.stderr.join('')}`);
    return body.access_token;
  }

  /**
   * The authorization code flow of the web app, through the provider's development login and
   * consent pages (cookies carried by hand): its ID token and its access token. `publicClient`:
   * as the browser does it (WEB_CLIENT_ID, PKCE, no secret, no resource parameter, WEB_SCOPES).
   */
  async codeFlow(login: string, options: { publicClient?: boolean } = {}): Promise<{ idToken: string; accessToken: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const client: { redirectUri: string; authorize: Record<string, string>; token: Record<string, string> } = options.publicClient
      ? {
          redirectUri: 'http://127.0.0.1:4567/connexion/retour',
          authorize: { client_id: WEB_CLIENT_ID, scope: WEB_SCOPES, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' },
          token: { client_id: WEB_CLIENT_ID, code_verifier: verifier },
        }
      : {
          redirectUri: 'http://127.0.0.1/callback',
          authorize: { client_id: 'relais-web', scope: 'openid email api', resource: RELAIS_RESOURCE },
          token: { client_id: 'relais-web', client_secret: 'secret-relais-web', resource: RELAIS_RESOURCE },
        };
    const cookies = new Map<string, string>();
    const call = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(new URL(url, this.issuer), {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const header of res.headers.getSetCookie()) {
        const [pair] = header.split(';');
        const eq = pair.indexOf('=');
        cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return res;
    };
    const form = (fields: Record<string, string>): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    const authorize = new URLSearchParams({
      ...client.authorize,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      nonce: 'nonce-de-test',
      state: 'etat',
    });
    let res = await call(`/auth?${authorize}`);
    let code: string | null = null;
    for (let step = 0; step < 10 && !code; step++) {
      const location = res.headers.get('location');
      if (!location) throw new Error(`authorization flow stuck at ${res.status}: ${await res.text()}`);
      if (location.startsWith(client.redirectUri)) {
        const params = new URL(location).searchParams;
        code = params.get('code');
        if (!code) throw new Error(`authorization refused: ${location}`);
        break;
      }
      if (/\/interaction\/[^/]+$/.test(new URL(location, this.issuer).pathname)) {
        const page = await (await call(location)).text();
        const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
        res = await call(location, form(prompt === 'login' ? { prompt, login, password: 'x' } : { prompt: prompt ?? 'consent' }));
      } else {
        res = await call(location);
      }
    }
    const token = await call('/token', form({
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: client.redirectUri,
      ...client.token,
    }));
    const body = (await token.json()) as { id_token: string; access_token: string };
    if (!token.ok) throw new Error(`token endpoint ${token.status}: ${JSON.stringify(body)}`);
    return { idToken: body.id_token, accessToken: body.access_token };
  }
}

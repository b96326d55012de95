import { TestApi } from '../setup/e2e-app';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `$ref` in the document, with where it was found. */
function collectRefs(node: unknown, path = '#', out: Array<{ ref: string; at: string }> = []) {
  if (Array.isArray(node)) node.forEach((item, i) => collectRefs(item, `${path}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push({ ref: value, at: path });
      else collectRefs(value, `${path}/${key}`, out);
    }
  }
  return out;
}

function resolvePointer(document: any, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, part) => (node == null ? undefined : node[part]), document);
}

/**
 * What a browser needs to render a page under helmet's default CSP (script-src 'self', no
 * inline script, style-src 'self' https: 'unsafe-inline'): every executable script is a
 * same-origin file, every stylesheet is same-origin or https.
 */
function assertRenderableUnderCsp(html: string): void {
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attributes, body] of scripts) {
    const type = /\btype="([^"]+)"/i.exec(attributes)?.[1];
    if (type === 'application/json') continue; // a data block, never executed
    const src = /\bsrc="([^"]+)"/i.exec(attributes)?.[1];
    expect({ src, inline: body.trim() }).toEqual({ src: expect.stringMatching(/^(\.\/|\/(?!\/)|[a-z0-9])/i), inline: '' });
    expect(src).not.toMatch(/^[a-z]+:/i);
  }
  for (const [, href] of html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/gi)) {
    expect(href).toMatch(/^(https:\/\/|\.\/|\/(?!\/)|[a-z0-9])/i);
  }
  expect(html).not.toMatch(/\son[a-z]+="/i); // inline event handlers (script-src-attr 'none')
}

describe('HTTP surface: OpenAPI, security headers, CSP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  describe('/api/docs-json', () => {
    let document: any;
    beforeAll(async () => {
      const res = await api.get('/api/docs-json');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      document = res.body;
    });

    it('is an OpenAPI 3 document with a title, a version and a bearer scheme', () => {
      expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
      expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    });

    it('documents the authentication paths', () => {
      expect(document.paths['/api/v1/auth/dev-login'].post).toBeDefined();
      expect(document.paths['/api/v1/auth/dev-login'].post.requestBody).toBeDefined();
      expect(document.paths['/api/v1/me'].get.security).toEqual([{ bearer: [] }]);
      expect(document.paths['/health'].get).toBeDefined();
      expect(document.paths['/health/live'].get).toBeDefined();
      expect(document.paths['/health/ready'].get.responses['503']).toBeDefined();
    });

    it('is well-formed: every operation has responses and a unique operationId, every $ref resolves', () => {
      const operationIds: string[] = [];
      for (const [path, item] of Object.entries<any>(document.paths)) {
        expect(path).toMatch(/^\//);
        for (const [method, operation] of Object.entries<any>(item)) {
          if (!HTTP_METHODS.includes(method)) continue;
          expect(Object.keys(operation.responses ?? {}).length).toBeGreaterThan(0);
          for (const parameter of operation.parameters ?? []) {
            if (parameter.in === 'path') expect(path).toContain(`{${parameter.name}}`);
          }
          operationIds.push(operation.operationId);
        }
      }
      expect(new Set(operationIds).size).toBe(operationIds.length);
      const dangling = collectRefs(document).filter(({ ref }) => resolvePointer(document, ref) === undefined);
      expect(dangling).toEqual([]);
    });

    it('does not document the queue board (Fastify routes outside the API)', () => {
      expect(Object.keys(document.paths).filter((path) => path.startsWith('/admin'))).toEqual([]);
    });
  });

  describe('helmet headers', () => {
    it.each([
      ['a probe', '/health/live', undefined],
      ['an API refusal (problem+json)', '/api/v1/me', undefined],
      ['an unknown path', '/nope', undefined],
      ['the docs', '/api/docs', undefined],
      ['the queue board', '/admin/queues', 'admin@relais.demo'],
    ])('on %s (%s)', async (_label, path, login) => {
      const token = login ? await api.login(login) : undefined;
      const res = await api.get(path, { token });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('x-powered-by')).toBeNull();
    });
  });

  describe('pages render under the default CSP', () => {
    it('Swagger UI (/api/docs) and its assets', async () => {
      const page = await api.get('/api/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      assertRenderableUnderCsp(page.text);
      for (const [, src] of page.text.matchAll(/<script\b[^>]*src="\.\/([^"]+)"/g)) {
        const asset = await api.get(`/api/${src}`);
        expect({ src, status: asset.status }).toEqual({ src, status: 200 });
      }
    });

    it('the queue board (/admin/queues)', async () => {
      const token = await api.login('admin@relais.demo');
      const page = await api.get('/admin/queues', { token });
      expect(page.status).toBe(200);
      assertRenderableUnderCsp(page.text);
    });
  });

  describe('CSP upgrade-insecure-requests: only for requests that came over HTTPS', () => {
    let proxied: TestApi;
    beforeAll(async () => {
      proxied = await TestApi.start({ config: { TRUST_PROXY: 'true' } });
    });
    afterAll(() => proxied.close());

    it('is absent over plain HTTP (a LAN host such as http://relais.mdr.local:3000 keeps its assets on http)', async () => {
      for (const path of ['/', '/connexion', '/api/v1/me', '/health/live']) {
        const res = await api.get(path);
        expect({ path, csp: res.headers.get('content-security-policy') }).toEqual({ path, csp: expect.stringMatching(/default-src 'self'/) });
        expect(res.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
      }
      // Without TRUST_PROXY a client's X-Forwarded-Proto is not believed.
      const spoofed = await api.get('/', { headers: { 'x-forwarded-proto': 'https' } });
      expect(spoofed.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
    });

    it('is sent once behind a TLS proxy (TRUST_PROXY, X-Forwarded-Proto: https), not for its plain-HTTP requests', async () => {
      for (const path of ['/', '/api/v1/me']) {
        const https = await proxied.get(path, { headers: { 'x-forwarded-proto': 'https' } });
        const csp = https.headers.get('content-security-policy') ?? '';
        expect(csp).toMatch(/default-src 'self'/);
        expect(csp.match(/upgrade-insecure-requests/g)).toEqual(['upgrade-insecure-requests']);
        const http = await proxied.get(path, { headers: { 'x-forwarded-proto': 'http' } });
        expect(http.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
      }
    });
  });
});

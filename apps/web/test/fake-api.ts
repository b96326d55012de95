/**
 * A fake API behind the app's fetch, for component tests. openapi-fetch keeps the fetch it
 * finds when the client is created, so a test installs this from `vi.hoisted`, before the
 * app's modules load:
 *   const server = await vi.hoisted(async () => (await import('../../test/fake-api')).installFakeApi());
 */
export interface FakeApi {
  requests: Array<{ method: string; path: string; body: unknown; ifMatch: string | null }>;
  /** Routes as "METHOD /path" (without /api/v1); anything else answers 404. */
  serve(routes: Record<string, (req: Request) => Response | Promise<Response>>): void;
}

export function installFakeApi(): FakeApi {
  let routes: Record<string, (req: Request) => Response | Promise<Response>> = {};
  const api: FakeApi = {
    requests: [],
    serve(next) {
      routes = next;
    },
  };
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = await request.clone().text();
    const path = new URL(request.url).pathname.replace('/api/v1', '');
    api.requests.push({ method: request.method, path, body: text ? JSON.parse(text) : null, ifMatch: request.headers.get('If-Match') });
    const route = routes[`${request.method} ${path}`];
    return route ? route(request) : json({ status: 404, title: 'Introuvable', detail: path }, 404);
  }) as typeof fetch;
  return api;
}

/** A JSON answer (problem+json from 400 on). */
export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });

/** What a stubbed openapi-fetch call (`vi.spyOn(api, 'GET')`) resolves to when the API answers 200. */
export const ok = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });

import createClient, { type Middleware } from 'openapi-fetch';
import { ApiProblem, type Problem } from './problem';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** Where the bearer token comes from and what to do when the API no longer accepts it. */
let tokenSource: () => string | null = () => null;
let onUnauthorized: () => void = () => undefined;

export function configureAuth(options: { token: () => string | null; unauthorized: () => void }): void {
  tokenSource = options.token;
  onUnauthorized = options.unauthorized;
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = tokenSource();
    // A call that brings its own token (the login's GET /me) keeps it.
    if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && tokenSource()) onUnauthorized();
    return response;
  },
};

/** The one HTTP client of the app, typed from the OpenAPI document (schema.d.ts). */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** The data of a successful answer, or an ApiProblem carrying the problem+json. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiProblem({ status: 0, title: 'Serveur injoignable', detail: 'Le serveur ne répond pas. Vérifiez la connexion et réessayez.', code: 'RESEAU' });
  }
  if (result.response.ok) return result.data as T;
  const body = result.error;
  if (body && typeof body === 'object' && 'title' in body) throw new ApiProblem(body as Problem);
  throw new ApiProblem({ status: result.response.status, title: 'Erreur', detail: `Le serveur a répondu ${result.response.status}.`, code: 'INCONNU' });
}

import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';
import { Pool } from 'pg';
import { createValidationPipe, ManualClock } from '@app/core';
import { seedDemoData } from '@app/directory';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { briefComplet, commandeFixture, DEBUT, emise, EMAILS as C } from '../commandes/fixtures';
import { directoryFixture, EMAILS as Q, questionBody, recordQuestion } from '../questions/fixtures';
import { SseClient } from '../flux/sse-client';
import { discoverRoutes, Route } from './routes';

/**
 * Every route of the API, read from Nest's own metadata (a new controller method joins by
 * itself), gets hostile input in its body, its query string and its path: wrong types, NUL,
 * lone surrogates, huge numbers, nested lists, deep nesting, forged cursors. Whatever it
 * answers, never a 5xx; a 4xx is problem+json and has written nothing.
 *
 * A route this suite does not know how to reach (which user, which ids, which valid body to
 * start from) fails the suite: add it to REACH or VALID_BODIES.
 */

/** The properties class-validator knows of a DTO (inherited ones included). */
function propertiesOf(dto: Function | undefined): string[] {
  if (!dto) return [];
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(metadatas.map((m) => m.propertyName))];
}

// ---- Hostile values -------------------------------------------------------------------------

const UUID_OK = '00000000-0000-4000-8000-000000000001';
/** Routes that answer HTML pages, refusals included. */
const HTML_PAGES = /^\/suivi\//;
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const FORGED_CURSORS = [
  b64({ k: '1' }),
  b64({ k: '1', id: UUID_OK }),
  b64({ k: null, id: '-'.repeat(36) }),
  b64({ k: '+275760-09-13T00:00:00.000Z', id: UUID_OK }),
  b64({ k: 1e30, id: UUID_OK }),
  b64({ k: '2026-12-02T09:00:00.000Z', id: UUID_OK.toUpperCase() }),
  b64({ k: ['x'], id: { a: 1 } }),
  b64('\u0000'),
  b64('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'),
  'x'.repeat(501),
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d'), fc.string({ maxLength: 6 })).map((p) => p.join('')),
  fc.tuple(loneSurrogate, fc.string({ maxLength: 4 })).map((p) => p.join('')),
  fc.constantFrom(
    '',
    ' ',
    '-'.repeat(36),
    `maison-${'-'.repeat(36)}`,
    '00000000-0000-0000-0000-000000000000',
    UUID_OK,
    '1e30',
    '9007199254740993',
    '-1',
    'NaN',
    'Infinity',
    'true',
    'null',
    '2026-02-30',
    '+275760-09-13',
    '2026-12-02T25:00:00+01:00',
    'reseau',
    'maison:' + '-'.repeat(36),
    'aucun',
    "'; DROP TABLE question; --",
    'x'.repeat(6000),
    ...FORGED_CURSORS,
  ),
);
const hugeNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, 1e30, -1e30, 2 ** 53 + 2, 9007199254740993, 2147483648, -2147483649, 5e-324, -0, 0.1, 100.001, 1e-7),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const nested = (depth: number, leaf: unknown) => {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};
const scalar = fc.oneof(hostileString, hugeNumber, fc.boolean(), fc.constant(null));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 2, arbitrary: fc.array(fc.array(fc.oneof(scalar, fc.dictionary(hostileString, scalar, { maxKeys: 2 })), { maxLength: 2 }), { minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, scalar, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(nested(10, 'x'), nested(40, 1), [[[]]], [[{ nom: 'a' }]], [{}], {}, []) },
);

/** Replaces (or adds) one value at a path of a valid body. */
function mutate(base: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(base) ? [...base] : { ...(base as object) };
  const [head, ...rest] = path;
  copy[head] = mutate(copy[head], rest, value);
  return copy;
}

/** Every path into a JSON value (objects and lists), the root excluded. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

/** A query-string value: encoded hostile text, or raw percent sequences the decoder must survive. */
const hostileQueryValue = fc.oneof(
  hostileString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
  fc.constantFrom('%00', 'a%00b', '%ED%A0%80', '%FF', '%', '%E0%A4%A', '%C0%80', '1e30', '9007199254740993', '-1', '0x10', '', ...FORGED_CURSORS.map(encodeURIComponent)),
);

const hostilePathValue = fc.oneof(
  fc.constantFrom(
    '-'.repeat(36),
    `maison-${'-'.repeat(36)}`,
    'maison-00000000-0000-0000-0000-00000000000Z',
    '00000000-0000-0000-0000-000000000000',
    UUID_OK.toUpperCase(),
    'suggestions',
    '%00',
    'a%00',
    '%ED%A0%80',
    '%FF',
    '%F0%9F%98%80',
    '1e30',
    '9007199254740993',
    'null',
    'reseau%00',
    'x'.repeat(120),
  ),
  hostileString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\u0000'))).filter((s) => s !== '' && s !== '.' && s !== '..'),
);

/** A request's answer and its body as text. */
async function fetchText(url: string, init: RequestInit): Promise<{ response: { status: number; headers: Headers }; text: string }> {
  const response = await fetch(url, init);
  return { response, text: await response.text() };
}

/** The status, content type and (for a refusal) body of an event stream's answer; the stream itself is closed at once. */
async function streamHead(url: string, headers: Record<string, string>): Promise<{ response: { status: number; headers: Headers }; text: string }> {
  const client = await SseClient.open(url, (headers.authorization ?? '').replace(/^Bearer /, ''));
  client.close();
  return { response: { status: client.status, headers: new Headers({ 'content-type': client.contentType }) }, text: client.body };
}

// ---- The suite ------------------------------------------------------------------------------

describe('hostile input on every route (property-based, from the route table)', () => {
  let scratch: ScratchDatabase;
  let pool: Pool;
  let api: TestApi;
  let routes: Route[];
  let documentsDir: string | undefined;
  let fingerprintSql: string;
  const clock = new ManualClock(new Date(DEBUT));

  /** How to reach each route: as whom, with which ids. Matched in order; null = anonymous. */
  let REACH: Array<{ match: RegExp; as: string | null; id?: string }>;
  /** A valid body per body DTO: hostile values are put into it one field at a time. */
  let VALID_BODIES: Record<string, unknown>;

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_hostile');
    await seedDemoData(scratch.dataSource);
    pool = new Pool({ connectionString: scratch.url, max: 2 });
    documentsDir = await mkdtemp(join(tmpdir(), 'relais-hostile-documents-'));
    api = await TestApi.start({ config: { DATABASE_URL: scratch.url, DOCUMENTS_DIR: documentsDir }, clock });
    routes = discoverRoutes(api.app);

    const query = (sql: string, params: unknown[] = []) => scratch.dataSource.query(sql, params) as Promise<any[]>;
    const db = { query, one: async (sql: string, params: unknown[]) => (await query(sql, params))[0] };
    const dir = await directoryFixture(db as never);
    const ids = await commandeFixture(db);
    const question = await recordQuestion(api);
    const commande = await emise(api, ids);
    const [{ id: affectation }] = await db.query(`SELECT id FROM affectation WHERE commande_id = $1 AND maison_id = $2`, [commande.id, ids.foix]);
    const admin = await api.login(Q.admin);
    const politique = (await api.get('/api/v1/sla/politiques', { token: admin })).body.items[0].id as string;
    const suivi = (await api.post(`/api/v1/questions/${question.id}/lien-suivi`, {}, { token: await api.login(Q.agentCarcassonne) })).body.token as string;
    const { id: _calendrierId, ...calendrier } = (await api.get('/api/v1/calendriers/reseau', { token: admin })).body.spec;
    const webhook = (await api.post('/api/v1/webhooks', { url: 'https://si.laregion.fr/relais', types: ['question.recue'] }, { token: admin })).body.id as string;
    const [{ id: livraison }] = await db.query(
      `INSERT INTO webhook_livraison (id, endpoint_id, evenement_id, type, payload, statut, tentatives, tentatives_max, prochaine_tentative_a, creee_a)
       VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'question.recue', '{}', 'echouee', 3, 3, now(), now()) RETURNING id`,
      [webhook],
    );

    // A shared externe document and one of its links (the upload is multipart, outside this table's JSON bodies).
    const upload = new FormData();
    upload.append('titre', 'Règlement');
    upload.append('diffusion', 'externe');
    upload.append('fichier', new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')]), 'reglement.pdf');
    const referentToken = await api.login(Q.referentTourisme);
    const uploaded = await fetch(`${api.baseUrl}/api/v1/dispositifs/${dir.eceau}/documents`, { method: 'POST', headers: { authorization: `Bearer ${referentToken}` }, body: upload });
    const document = ((await uploaded.json()) as { id: string }).id;
    const lienDocument = (await api.post(`/api/v1/documents/${document}/liens`, {}, { token: referentToken })).body as { id: string; token: string };
    // DELETE /documents/{id} gets a document of its own (its first valid call deletes it).
    const upload2 = new FormData();
    upload2.append('titre', 'À supprimer');
    upload2.append('diffusion', 'interne');
    upload2.append('fichier', new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')]), 'a-supprimer.pdf');
    const documentASupprimer = ((await (await fetch(`${api.baseUrl}/api/v1/dispositifs/${dir.eceau}/documents`, { method: 'POST', headers: { authorization: `Bearer ${referentToken}` }, body: upload2 })).json()) as { id: string }).id;

    const [{ id: invitation }] = await db.query(
      `INSERT INTO capitalisation_invitation (id, dispositif_id, direction_id, question_id, evenement_id, creee_le) VALUES (gen_random_uuid(), $1, $2, $3, gen_random_uuid(), now()) RETURNING id`,
      [dir.eceau, dir.tourisme, question.id],
    );

    // A published answer of the Tourisme référent (its routes are reached as its author).
    const [{ id: reponsePubliee }] = await db.query(
      `INSERT INTO reponse_publiee (id, dispositif_id, question, reponse, diffusion, auteur_id, publiee_le)
       SELECT gen_random_uuid(), $1, 'Un camping peut-il être aidé ?', 'Oui, par Ec’Eau Tourisme.', 'externe', id, now() FROM users WHERE email = $2 RETURNING id`,
      [dir.eceau, Q.referentTourisme],
    );

    REACH = [
      { match: /^\/(health|metrics)/, as: null },
      { match: /^\/public\/documents\//, as: null, id: lienDocument.token },
      { match: /\/dispositifs\/:id\/documents$/, as: Q.referentTourisme, id: dir.eceau },
      { match: /\/documents\/:id\//, as: Q.referentTourisme, id: document },
      { match: /\/documents\/:id$/, as: Q.referentTourisme, id: documentASupprimer },
      { match: /\/liens\/:id$/, as: Q.referentTourisme, id: lienDocument.id },
      { match: /\/auth\/(dev-login|dev-users|configuration)$/, as: null },
      { match: /\/questions\/suggestions$/, as: Q.agentCarcassonne },
      { match: /\/reponses-publiees/, as: Q.referentTourisme, id: reponsePubliee },
      { match: /^\/suivi\//, as: null, id: suivi },
      { match: /\/me$/, as: Q.agentCarcassonne },
      { match: /\/recherche$/, as: Q.agentCarcassonne },
      { match: /\/questions/, as: Q.agentCarcassonne, id: question.id },
      { match: /\/file-referent$/, as: Q.referentTourisme },
      { match: /\/capitalisation\/invitations/, as: Q.referentTourisme, id: invitation },
      { match: /\/commandes/, as: C.conseiller, id: commande.id },
      { match: /\/affectations/, as: C.responsableFoix, id: affectation },
      { match: /\/tableaux-de-bord\//, as: C.managerReseau },
      { match: /\/autonomie(\/|$)/, as: C.managerReseau },
      { match: /\/maisons\/:id\/specialisations$/, as: Q.admin, id: dir.carcassonne },
      { match: /\/maisons/, as: Q.agentCarcassonne, id: dir.carcassonne },
      { match: /\/directions/, as: Q.agentCarcassonne, id: dir.tourisme },
      { match: /\/dispositifs/, as: Q.agentCarcassonne, id: dir.eceau },
      { match: /\/(themes|referents)$/, as: Q.agentCarcassonne },
      { match: /\/sla\/politiques/, as: Q.admin, id: politique },
      { match: /\/calendriers(\/|$)/, as: Q.admin, id: 'reseau' },
      { match: /\/webhooks\/livraisons\//, as: Q.admin, id: livraison },
      { match: /\/webhooks(\/|$)/, as: Q.admin, id: webhook },
      { match: /\/flux$/, as: Q.agentCarcassonne },
      { match: /\/notifications/, as: Q.referentTourisme, id: UUID_OK },
      { match: /\/me\/preferences-notifications$/, as: Q.agentCarcassonne },
      { match: /\/barometre\/syntheses$/, as: Q.responsableCarcassonne },
      { match: /\/barometre$/, as: Q.agentCarcassonne },
      { match: /\/rgpd\//, as: Q.admin },
    ];
    VALID_BODIES = {
      DevLoginDto: { email: Q.agentCarcassonne },
      CreateQuestionDto: questionBody({ themeId: dir.themeTourisme }),
      ReponseDto: { reponse: 'Voici la réponse.' },
      MessageDto: { message: 'Pouvez-vous préciser ?' },
      EscaladerDto: { directionId: dir.tourisme, message: 'À vous.' },
      ReorienterDto: { directionId: dir.def, motif: 'Hors de notre champ.' },
      CloreDto: { issue: 'Usager informé' },
      MotifDto: { motif: 'Une raison.' },
      FilMessageDto: { texte: 'Un message.', visibilite: 'interne' },
      BriefDto: briefComplet(ids),
      ClarificationDemandeeDto: { question: 'Pour quand ?' },
      ClarificationDto: { reponse: 'Pour vendredi.' },
      AvancementDto: { pourcentage: 40, note: 'En cours', livrablesFaits: [] },
      LivraisonDto: { note: 'Livré.', liens: ['https://partage.laregion.fr/cr.pdf'] },
      UpdatePolitiqueDto: { libelle: 'Politique', cibleMinutesOuvrees: 480, seuilAvertissementPct: 80, actif: true },
      UpdateCalendrierDto: calendrier,
      CreateWebhookDto: { url: 'https://si.laregion.fr/relais', description: 'Suivi', types: ['question.recue', 'sla.depassement'] },
      PreferencesNotificationsDto: { typesMuets: ['question_repondue'], courriel: 'resume', heureResume: 9 },
      CreerLienDto: { expireLe: '2030-01-01T00:00:00Z' },
      SpecialisationsDto: { themeIds: [dir.themeTourisme] },
      ReponseLocaleDto: { reponse: 'Voici la réponse.', reponsePublieeId: UUID_OK },
      PublierDto: { question: 'Un camping peut-il être aidé ?', reponse: 'Oui.', dispositifId: dir.eceau, themeId: dir.themeTourisme, diffusion: 'externe' },
      ModifierReponsePublieeDto: { question: 'Un camping peut-il être aidé ?', reponse: 'Oui.', dispositifId: dir.eceau, themeId: null, diffusion: 'interne' },
      OuvrirEnqueteAutonomieDto: { libelle: 'Enquête autonomie 2026' },
      RepondreEnqueteAutonomieDto: { notes: ['communication', 'evenements', 'partenariats', 'budget', 'reponse_usagers'].map((domaine) => ({ domaine, actuelle: 2, souhaitee: 4 })) },
      EnregistrerReleveDto: { maisonId: dir.carcassonne, meteo: 'pluie', commentaire: 'Le dossier de bourse est jugé trop long.', themeId: dir.themeTourisme },
      PublierSyntheseDto: { mois: '2026-11', texte: 'Un mois nuageux.' },
      // An usager nobody recorded: a valid erasure anonymises nothing of the fixtures.
      IdentifiantUsagerDto: { email: 'personne@example.org' },
      EffacementDto: { telephone: '05 00 00 00 00', motif: 'Demande reçue par courrier.' },
    };

    const { rows } = await pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`);
    // Every row of every table, hashed: an insert, an update or a delete changes it. The outbox
    // only by its count: the relay marks published rows a moment after a successful write.
    fingerprintSql = `SELECT ${rows
      .map(({ tablename: t }) =>
        t === 'outbox'
          ? `(SELECT count(*)::text FROM "${t}") AS "${t}"`
          : `(SELECT md5(coalesce(string_agg(md5(x::text), '' ORDER BY md5(x::text)), '')) FROM "${t}" x) AS "${t}"`,
      )
      .join(', ')}`;
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await pool?.end();
    await scratch?.drop();
    if (documentsDir) await rm(documentsDir, { recursive: true, force: true });
  });

  let lastFingerprint: Record<string, string> | undefined;
  const fingerprint = async () => (await pool.query(fingerprintSql)).rows[0] as Record<string, string>;

  function reachOf(route: Route) {
    return REACH.find((r) => r.match.test(route.path));
  }

  /** Sends one request and checks what any answer to hostile input must be. */
  async function check(route: Route, url: string, body: string | undefined, contentType = 'application/json'): Promise<number> {
    const reach = reachOf(route)!;
    // The state after the previous 4xx is the state before this request (nothing runs between).
    const before = lastFingerprint ?? (await fingerprint());
    lastFingerprint = undefined;
    const token = reach.as ? await api.login(reach.as) : undefined;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined) headers['content-type'] = contentType;
    // An event stream (GET /flux) never ends by itself: its status and headers are the answer
    // (SseClient closes its own socket; fetch would leave one that holds the API's close).
    const { response, text } = route.path.endsWith('/flux') ? await streamHead(api.baseUrl + url, headers) : await fetchText(api.baseUrl + url, { method: route.method, headers, body });
    const where = `${route.method} ${url.slice(0, 300)} ${body?.slice(0, 3000) ?? ''} → ${response.status} ${text.slice(0, 300)}`;
    if (response.status >= 500) throw new Error(`5xx: ${where}`);
    if (response.status >= 400) {
      // The usager's tracking page refuses with a French HTML page (a browser shows it), not a problem.
      const page = HTML_PAGES.test(route.path) && /^text\/html/.test(response.headers.get('content-type') ?? '');
      if (page && !text.includes('<html lang="fr">')) throw new Error(`not a French page: ${where}`);
      if (!page && !/^application\/problem\+json/.test(response.headers.get('content-type') ?? '')) throw new Error(`not problem+json: ${where}`);
      const problem = page ? { status: response.status, type: '', detail: '' } : JSON.parse(text);
      if (problem.status !== response.status || typeof problem.type !== 'string' || typeof problem.detail !== 'string') throw new Error(`malformed problem: ${where}`);
      if (/ must | should /.test(text)) throw new Error(`English message: ${where}`);
      const after = await fingerprint();
      const changed = Object.keys(before).filter((t) => before[t] !== after[t]);
      if (changed.length) throw new Error(`written on a ${response.status} (${changed.join(', ')}): ${where}`);
      lastFingerprint = after;
    }
    return response.status;
  }

  function urlOf(route: Route, params: Record<string, string> = {}, query = ''): string {
    const reach = reachOf(route)!;
    const path = route.path.replace(/:(\w+)/g, (_, name) => params[name] ?? reach.id ?? UUID_OK);
    return query ? `${path}?${query}` : path;
  }

  const hasBody = (route: Route) => ['POST', 'PUT', 'PATCH'].includes(route.method);
  const statuses = new Map<string, Set<number>>();
  const seen = (route: Route, status: number) => {
    const key = `${route.method} ${route.path}`;
    statuses.set(key, (statuses.get(key) ?? new Set()).add(status));
  };

  it('knows how to reach every route of the application, and there are routes', async () => {
    expect(routes.length).toBeGreaterThan(40);
    const unreachable = routes.filter((r) => !reachOf(r) || (r.params.length > 0 && !reachOf(r)!.id));
    expect(unreachable.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const withoutBase = routes.filter((r) => r.bodyDto && !(r.bodyDto.name in VALID_BODIES));
    expect(withoutBase.map((r) => `${r.method} ${r.path} (${r.bodyDto!.name})`)).toEqual([]);
    // Each valid body is valid: mutating one field of an invalid one would prove little.
    for (const r of routes.filter((r) => r.bodyDto)) {
      const error = await createValidationPipe()
        .transform(VALID_BODIES[r.bodyDto!.name], { type: 'body', metatype: r.bodyDto as never })
        .then(() => null, (e) => e.details?.errors ?? e);
      expect({ dto: r.bodyDto!.name, error }).toEqual({ dto: r.bodyDto!.name, error: null });
    }
  });

  it('discovers every operation the OpenAPI document publishes', async () => {
    const document = (await api.get('/api/docs-json')).body;
    const discovered = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const published = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(published.length).toBeGreaterThan(40);
    expect(published.filter((op) => !discovered.has(op))).toEqual([]);
  });

  it('query strings: hostile values in every parameter a route reads, and in unknown ones', async () => {
    for (const route of routes) {
      const names = [...propertiesOf(route.queryDto), 'x'];
      const query = fc
        .array(fc.tuple(fc.constantFrom(...names), hostileQueryValue), { minLength: 1, maxLength: 3 })
        .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          seen(route, await check(route, urlOf(route, {}, q), hasBody(route) ? JSON.stringify(VALID_BODIES[route.bodyDto?.name ?? ''] ?? {}) : undefined));
        }),
        { numRuns: route.queryDto ? 4 : 2 },
      );
    }
  }, 120_000);

  it('query strings: each parameter of each route, in turn, NUL, a lone surrogate, a huge number; every forged cursor', async () => {
    for (const route of routes.filter((r) => r.queryDto)) {
      for (const name of propertiesOf(route.queryDto)) {
        const values = ['%00', '%ED%A0%80', '1e30', '9007199254740993', ...(name === 'cursor' ? FORGED_CURSORS.map(encodeURIComponent) : [])];
        for (const value of values) seen(route, await check(route, urlOf(route, {}, `${name}=${value}`), undefined));
      }
    }
  }, 120_000);

  it('path parameters: ids that are not ids', async () => {
    for (const route of routes.filter((r) => r.params.length)) {
      await fc.assert(
        fc.asyncProperty(hostilePathValue, async (value) => {
          const params = Object.fromEntries(route.params.map((p) => [p, value]));
          seen(route, await check(route, urlOf(route, params), hasBody(route) ? JSON.stringify(VALID_BODIES[route.bodyDto?.name ?? ''] ?? {}) : undefined));
        }),
        { numRuns: 5 },
      );
    }
  }, 120_000);

  it('bodies: one field of a valid body made hostile, unknown fields, whole bodies of the wrong shape', async () => {
    for (const route of routes.filter(hasBody)) {
      const base = VALID_BODIES[route.bodyDto?.name ?? ''] ?? {};
      const fieldPaths: Array<Array<string | number>> = [...pathsOf(base), ...propertiesOf(route.bodyDto).map((p) => [p]), ['inconnu'], ['__proto__']];
      const body = fc.oneof(
        { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...fieldPaths), hostileValue).map(([path, value]) => JSON.stringify(mutate(base, path, value))) },
        { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...fieldPaths.map((p) => String(p[0]))), hostileValue, { maxKeys: 4 }).map((b) => JSON.stringify(b)) },
        { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v)) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
            '['.repeat(33) + ']'.repeat(33),
            '{"__proto__":{"admin":true}}',
            '{"constructor":{"prototype":{"admin":true}}}',
            '{"a":',
            '',
            'null',
            '"\\u0000"',
            '{"x":"\\ud800"}',
          ),
        },
      );
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          seen(route, await check(route, urlOf(route), b));
        }),
        { numRuns: Number(process.env.HOSTILE_RUNS ?? 12) },
      );
    }
  }, 120_000);

  it('bodies: each field of each valid body, in turn, null, a nested list, an object, 1e-7', async () => {
    const values: unknown[] = [null, [[]], {}, 1e-7];
    for (const route of routes.filter(hasBody)) {
      const base = VALID_BODIES[route.bodyDto?.name ?? ''] ?? {};
      const fieldPaths = [...new Set([...pathsOf(base), ...propertiesOf(route.bodyDto).map((p) => [p])].map((p) => JSON.stringify(p)))].map((p) => JSON.parse(p));
      for (const path of fieldPaths) for (const value of values) seen(route, await check(route, urlOf(route), JSON.stringify(mutate(base, path, value))));
    }
  }, 120_000);

  it('multipart bodies (the document upload): malformed, truncated, hostile fields, wrong parts; and multipart on a JSON route', async () => {
    const upload = routes.find((r) => r.method === 'POST' && r.path.endsWith('/dispositifs/:id/documents'))!;
    const B = 'xYz0123';
    const part = (name: string, value: string, filename?: string) =>
      `--${B}\r\nContent-Disposition: form-data; name="${name}"${filename !== undefined ? `; filename="${filename}"\r\nContent-Type: application/pdf` : ''}\r\n\r\n${value}\r\n`;
    const pdf = '%PDF-1.4\n%%EOF\n';
    const bodies: Array<[string, string]> = [
      [part('titre', 'a') + part('diffusion', 'externe') + part('fichier', pdf, 'a.pdf'), 'multipart/form-data'],
      [part('titre', 'a') + part('diffusion', 'externe') + part('fichier', pdf, 'a.pdf').slice(0, 60), `multipart/form-data; boundary=${B}`],
      ['pas du multipart du tout', `multipart/form-data; boundary=${B}`],
      [part('titre', 'a\u0000b') + part('diffusion', 'externe') + part('fichier', pdf, 'a.pdf') + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
      [part('titre', 'x'.repeat(5000)) + part('diffusion', 'externe') + part('fichier', pdf, 'a.pdf') + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
      [part('titre', 'a') + part('diffusion', '\ud800') + part('fichier', pdf, 'a.pdf') + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
      [part('titre', 'a') + part('diffusion', 'externe') + part('fichier', pdf) + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
      [part('titre', 'a') + part('diffusion', 'externe') + part('fichier', pdf, 'a.pdf') + part('fichier', pdf, 'b.pdf') + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
      [part('titre', 'a') + part('diffusion', 'externe') + part('autre', pdf, 'a.pdf') + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
      [part('titre', 'a') + part('diffusion', 'externe') + part('fichier', '', 'a.pdf') + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
      [Array.from({ length: 30 }, (_, i) => part(`c${i}`, 'v')).join('') + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
      [part('titre', 'a') + part('diffusion', 'externe') + part('fichier', 'texte brut', 'a.pdf') + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
    ];
    for (const [body, type] of bodies) {
      const status = await check(upload, urlOf(upload), body, type);
      expect({ body: body.slice(0, 80), status }).toEqual({ body: body.slice(0, 80), status: expect.any(Number) });
      expect(status).toBeGreaterThanOrEqual(400);
      seen(upload, status);
    }
    // Every other route still refuses multipart (415), as it refuses every non-JSON type.
    const json = routes.find((r) => r.method === 'POST' && r.path.endsWith('/documents/:id/liens'))!;
    expect(await check(json, urlOf(json), part('expireLe', '2030-01-01T00:00:00Z') + `--${B}--\r\n`, `multipart/form-data; boundary=${B}`)).toBe(415);
  });

  it('every route was exercised', () => {
    const missing = routes.filter((r) => !statuses.has(`${r.method} ${r.path}`));
    expect(missing.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // Reached as a user who may call it: hostile input got past authentication and roles, to
    // validation and beyond.
    const refusedOnly = routes.filter((r) => [...statuses.get(`${r.method} ${r.path}`)!].every((s) => s === 401 || s === 403));
    expect(refusedOnly.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});

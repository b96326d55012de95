import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etagOf, ManualClock, ROLES } from '@app/core';
import { seedDemoData } from '@app/directory';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { briefComplet, commandeFixture, DEBUT } from '../commandes/fixtures';
import { directoryFixture, questionBody } from '../questions/fixtures';
import { SseClient } from '../flux/sse-client';
import { discoverRoutes, Route, routeKey } from './routes';
import { COLUMNS, EXPECTED, formatRow, parseRow, USERS } from './matrix.expected';

/**
 * The access matrix (issue #17): every route of the route table × every role (and no token) ×
 * a resource of the caller's own unit ("in") and one of another unit ("out"), each cell a real
 * request against PostgreSQL and Redis, compared with the one reviewed table of
 * matrix.expected.ts. A route without a row fails the suite: a new route cannot escape it.
 *
 * Writes: a cell expected to succeed gets a fresh resource (its write cannot change what the
 * other cells see); every other cell shares one resource per route, side and role, which it must
 * leave as it found it (a 403 or a 404 writes nothing: test/security/hostile-input checks that).
 */

type Side = 'in' | 'out';
type Column = (typeof COLUMNS)[number];
/** An id for the route's path parameter: of the caller's unit (in) or of another (out). */
type Fixture = (side: Side, column: Column) => Promise<string>;

interface Target {
  match: RegExp;
  /** Only for routes with a path parameter. `out` absent: the resource belongs to no unit. */
  id?: Fixture;
  scoped?: boolean;
  body?: () => unknown;
  query?: string;
  /** If-Match and the like, read as the caller (or by SQL) just before the request. */
  headers?: (id: string, token: string | undefined) => Promise<Record<string, string>>;
}

const CONCURRENCY = 8;
const UUID_OK = '00000000-0000-4000-8000-000000000001';

describe('the access matrix: every route × every role × in / out of scope', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  let routes: Route[];
  let documentsDir: string;
  let TARGETS: Target[];
  /** Fixtures that belong to the caller (a notification): one per column. The commandes' differ for the manager only (its own direction issues them). */
  const perCaller = new Set<Fixture>();
  const clock = new ManualClock(new Date(DEBUT));

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_matrix');
    await seedDemoData(scratch.dataSource);
    documentsDir = await mkdtemp(join(tmpdir(), 'relais-matrix-documents-'));
    api = await TestApi.start({
      config: { DATABASE_URL: scratch.url, DOCUMENTS_DIR: documentsDir, LOGIN_RATE_LIMIT: '1000', SUIVI_RATE_LIMIT: '1000', DOCUMENT_LIEN_RATE_LIMIT: '1000' },
      clock,
    });
    routes = discoverRoutes(api.app);

    const sql = (text: string, params: unknown[] = []) => scratch.ownerQuery(text, params);
    const one = async (text: string, params: unknown[] = []) => (await sql(text, params))[0];
    const dir = await directoryFixture({ one } as never);
    const ids = await commandeFixture({ query: sql });
    const defDispositif = (await one(`SELECT d.id FROM dispositif d JOIN direction r ON r.id = d.direction_id WHERE r.code = 'def' ORDER BY d.code LIMIT 1`)).id as string;
    const userId = async (email: string) => (await one(`SELECT id FROM users WHERE email = $1`, [email])).id as string;

    /** A request as a user that must succeed (fixtures are built through the API). */
    const as = async (email: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await api.request(method, path, { token: await api.login(email), body, headers });
      if (res.status >= 300) throw new Error(`fixture: ${method} ${path} as ${email} → ${res.status} ${res.text}`);
      return res.body;
    };
    const U = {
      agentIn: USERS.agent_mdr,
      agentOut: 'agent.perpignan@relais.demo',
      responsableIn: USERS.responsable_mdr,
      responsableOut: 'responsable.perpignan@relais.demo',
      referentIn: USERS.referent,
      referentOut: 'referent.def@relais.demo',
      cabinet: USERS.cabinet,
      managerIn: USERS.manager,
      managerOut: 'manager.def@relais.demo',
      admin: USERS.admin,
    };

    // ---- Questions: in = an usager of MdR Carcassonne escalated to Tourisme; out = Perpignan's, to the DEF.
    const recue = async (side: Side) =>
      (await as(side === 'in' ? U.agentIn : U.agentOut, 'POST', '/api/v1/questions', questionBody({ themeId: side === 'in' ? dir.themeTourisme : dir.themeFormation }))).id as string;
    const escaladee = async (side: Side) => {
      const id = await recue(side);
      await as(side === 'in' ? U.agentIn : U.agentOut, 'POST', `/api/v1/questions/${id}/escalader`, { directionId: side === 'in' ? dir.tourisme : dir.def, message: 'À vous.' });
      return id;
    };
    const priseEnCharge = async (side: Side) => {
      const id = await escaladee(side);
      await as(side === 'in' ? U.referentIn : U.referentOut, 'POST', `/api/v1/questions/${id}/prendre-en-charge`, {});
      return id;
    };
    const enAttenteInfo = async (side: Side) => {
      const id = await priseEnCharge(side);
      await as(side === 'in' ? U.referentIn : U.referentOut, 'POST', `/api/v1/questions/${id}/demander-info`, { message: 'Quel montant ?' });
      return id;
    };
    const repondue = async (side: Side) => {
      const id = await priseEnCharge(side);
      await as(side === 'in' ? U.referentIn : U.referentOut, 'POST', `/api/v1/questions/${id}/repondre`, { reponse: 'Voici la réponse.' });
      return id;
    };
    const close = async (side: Side) => {
      const id = await repondue(side);
      await as(side === 'in' ? U.agentIn : U.agentOut, 'POST', `/api/v1/questions/${id}/clore`, { issue: 'Usager informé' });
      return id;
    };

    // ---- Commandes: in = issued by the caller's unit (the Cabinet, or the manager's direction) to Carcassonne and Foix; out = the DEF's to Perpignan.
    const issuer = (side: Side, column: Column) => (side === 'out' ? U.managerOut : column === 'manager' ? U.managerIn : U.cabinet);
    const brouillon = async (side: Side, column: Column) =>
      (await as(issuer(side, column), 'POST', '/api/v1/commandes', briefComplet(ids, { maisonIds: side === 'in' ? [ids.carcassonne, ids.foix] : [ids.perpignan] }))).id as string;
    const commandeEmise = async (side: Side, column: Column) => {
      const id = await brouillon(side, column);
      await as(issuer(side, column), 'POST', `/api/v1/commandes/${id}/emettre`, {});
      return id;
    };
    const affectation = async (side: Side, column: Column) => {
      const commande = await commandeEmise(side, column);
      return (await one(`SELECT id FROM affectation WHERE commande_id = $1 AND maison_id = $2`, [commande, side === 'in' ? ids.carcassonne : ids.perpignan])).id as string;
    };
    const responsable = (side: Side) => (side === 'in' ? U.responsableIn : U.responsableOut);
    const accusee = async (side: Side, column: Column) => {
      const id = await affectation(side, column);
      await as(responsable(side), 'POST', `/api/v1/affectations/${id}/accuser-reception`, {});
      return id;
    };
    const clarificationDemandee = async (side: Side, column: Column) => {
      const id = await accusee(side, column);
      await as(responsable(side), 'POST', `/api/v1/affectations/${id}/demander-clarification`, { question: 'Pour quand ?' });
      return id;
    };
    const livree = async (side: Side, column: Column) => {
      const id = await accusee(side, column);
      await as(responsable(side), 'POST', `/api/v1/affectations/${id}/livrer`, { note: 'Livré.' });
      return id;
    };

    // ---- Knowledge: in = Tourisme's dispositif Ec'Eau; out = a DEF dispositif.
    const dispositif = async (side: Side) => (side === 'in' ? dir.eceau : defDispositif);
    const document = async (side: Side) => {
      const upload = new FormData();
      upload.append('titre', 'Règlement');
      upload.append('diffusion', 'externe');
      upload.append('fichier', new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')]), 'reglement.pdf');
      const token = await api.login(side === 'in' ? U.referentIn : U.referentOut);
      const res = await fetch(`${api.baseUrl}/api/v1/dispositifs/${await dispositif(side)}/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: upload });
      if (res.status !== 201) throw new Error(`fixture: upload → ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    const lien = async (side: Side) => {
      const doc = await document(side);
      return (await as(side === 'in' ? U.referentIn : U.referentOut, 'POST', `/api/v1/documents/${doc}/liens`, {})) as { id: string; token: string };
    };
    const reponsePubliee = async (side: Side) =>
      (
        await one(
          `INSERT INTO reponse_publiee (id, dispositif_id, question, reponse, diffusion, auteur_id, publiee_le)
           SELECT gen_random_uuid(), $1, 'Un camping peut-il être aidé ?', 'Oui.', 'externe', id, now() FROM users WHERE email = $2 RETURNING id`,
          [await dispositif(side), side === 'in' ? U.referentIn : U.referentOut],
        )
      ).id as string;
    const invitation = async (side: Side) => {
      const question = await repondue(side);
      return (
        await one(
          `INSERT INTO capitalisation_invitation (id, dispositif_id, direction_id, question_id, evenement_id, creee_le) VALUES (gen_random_uuid(), $1, $2, $3, gen_random_uuid(), now()) RETURNING id`,
          [await dispositif(side), side === 'in' ? dir.tourisme : dir.def, question],
        )
      ).id as string;
    };

    // ---- Notifications: in = one of the caller's; out = one of another user's.
    const notification = async (side: Side, column: Column) => {
      const destinataire = side === 'in' ? (column === 'anon' ? U.admin : USERS[column]) : column === 'agent_mdr' ? U.agentOut : U.agentIn;
      return (
        await one(
          `INSERT INTO notification (id, destinataire_id, type, evenement_id, ticket_type, ticket_id, reference, titre, lien, creee_a)
           VALUES (gen_random_uuid(), $1, 'question_repondue', gen_random_uuid(), 'question', gen_random_uuid(), 'Q-2026-000001', 'Une question', '/questions/x', now()) RETURNING id`,
          [await userId(destinataire)],
        )
      ).id as string;
    };

    perCaller.add(notification);

    // ---- Network-wide resources (no unit owns them: one side).
    const politique = async () => (await as(U.admin, 'GET', '/api/v1/sla/politiques')).items[0].id as string;
    const webhook = async () => (await as(U.admin, 'POST', '/api/v1/webhooks', { url: 'https://si.laregion.fr/relais', types: ['question.recue'] })).id as string;
    const livraison = async () =>
      (
        await one(
          `INSERT INTO webhook_livraison (id, endpoint_id, evenement_id, type, payload, statut, tentatives, tentatives_max, prochaine_tentative_a, creee_a)
           VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'question.recue', '{}', 'echouee', 3, 3, now(), now()) RETURNING id`,
          [await webhook()],
        )
      ).id as string;
    const { id: _calendrierId, ...calendrier } = (await as(U.admin, 'GET', '/api/v1/calendriers/reseau')).spec;
    const etag = async (path: string, token?: string) => {
      const res = await api.get(path, { token: token ?? (await api.login(U.admin)) });
      return { 'if-match': res.headers.get('etag') ?? '"0"' };
    };
    // One open autonomy survey: its routes answer about it whatever order the cells run in.
    await as(U.admin, 'POST', '/api/v1/autonomie/enquetes', { libelle: 'Enquête autonomie 2026' });
    const scoped = (fixture: (side: Side, column: Column) => Promise<string>): Fixture => fixture;
    const global = (fixture: () => Promise<string>): Fixture => () => fixture();

    // Matched in order, first match wins: how to reach each route, with which body.
    TARGETS = [
      { match: /^GET \/(health|metrics)/ },
      { match: /^GET \/suivi\/:token$/, id: global(async () => (await as(U.agentIn, 'POST', `/api/v1/questions/${await escaladee('in')}/lien-suivi`, {})).token) },
      { match: /^GET \/public\/documents\/:token$/, id: global(async () => (await lien('in')).token) },
      { match: /\/auth\/dev-login$/, body: () => ({ email: USERS.agent_mdr }) },
      { match: /\/auth\/|\/me$|\/themes$|\/maisons$|\/directions$|\/dispositifs$|\/referents$|\/calendriers$/ },
      { match: /^POST \/api\/v1\/questions$/, body: () => questionBody({ themeId: dir.themeTourisme }) },
      { match: /^GET \/api\/v1\/recherche$/, query: 'q=camping' },
      { match: /^GET \/api\/v1\/questions\/suggestions$/, query: 'objet=camping' },
      { match: /^GET \/api\/v1\/(questions|file-referent|flux)$/ },
      { match: /\/questions\/:id\/(repondre-localement)$/, id: scoped(recue), scoped: true, body: () => ({ reponse: 'Voici la réponse.' }) },
      { match: /\/questions\/:id\/escalader$/, id: scoped(recue), scoped: true, body: () => ({ directionId: dir.tourisme, message: 'À vous.' }) },
      { match: /\/questions\/:id\/prendre-en-charge$/, id: scoped(escaladee), scoped: true },
      { match: /\/questions\/:id\/demander-info$/, id: scoped(priseEnCharge), scoped: true, body: () => ({ message: 'Quel montant ?' }) },
      { match: /\/questions\/:id\/fournir-info$/, id: scoped(enAttenteInfo), scoped: true, body: () => ({ message: '1 200 €.' }) },
      { match: /\/questions\/:id\/repondre$/, id: scoped(priseEnCharge), scoped: true, body: () => ({ reponse: 'Voici la réponse.' }) },
      { match: /\/questions\/:id\/reorienter$/, id: scoped(priseEnCharge), scoped: true, body: () => ({ directionId: dir.def, motif: 'Hors de notre champ.' }) },
      { match: /\/questions\/:id\/clore$/, id: scoped(repondue), scoped: true, body: () => ({ issue: 'Usager informé' }) },
      { match: /\/questions\/:id\/rouvrir$/, id: scoped(close), scoped: true, body: () => ({ motif: 'L’usager revient.' }) },
      {
        match: /\/questions\/:id\/publier$/,
        id: scoped(repondue),
        scoped: true,
        body: () => ({ question: 'Un camping peut-il être aidé ?', reponse: 'Oui.', dispositifId: dir.eceau, themeId: dir.themeTourisme, diffusion: 'externe' }),
      },
      { match: /\/questions\/:id\/messages$/, id: scoped(escaladee), scoped: true, body: () => ({ texte: 'Un message.', visibilite: 'partage' }) },
      { match: /\/questions\/:id/, id: scoped(escaladee), scoped: true },
      { match: /^POST \/api\/v1\/commandes$/, body: () => briefComplet(ids, { maisonIds: [ids.carcassonne] }) },
      { match: /^GET \/api\/v1\/commandes$/ },
      { match: /^PATCH \/api\/v1\/commandes\/:id$/, id: scoped(brouillon), scoped: true, body: () => ({ titre: 'Atelier BTP (nouveau titre)' }), headers: async (id) => ({ 'if-match': etagOf((await one(`SELECT version FROM commande WHERE id = $1`, [id])).version) }) },
      { match: /\/commandes\/:id\/emettre$/, id: scoped(brouillon), scoped: true },
      { match: /\/commandes\/:id\/annuler$/, id: scoped(commandeEmise), scoped: true, body: () => ({ motif: 'Une raison.' }) },
      { match: /\/commandes\/:id\/messages$/, id: scoped(commandeEmise), scoped: true, body: () => ({ texte: 'Un message.', visibilite: 'partage' }) },
      { match: /\/commandes\/:id/, id: scoped(commandeEmise), scoped: true },
      { match: /\/affectations\/:id\/demander-clarification$/, id: scoped(accusee), scoped: true, body: () => ({ question: 'Pour quand ?' }) },
      { match: /\/affectations\/:id\/clarifier$/, id: scoped(clarificationDemandee), scoped: true, body: () => ({ reponse: 'Pour vendredi.' }) },
      { match: /\/affectations\/:id\/avancement$/, id: scoped(accusee), scoped: true, body: () => ({ pourcentage: 40, note: 'En cours', livrablesFaits: [] }) },
      { match: /\/affectations\/:id\/livrer$/, id: scoped(accusee), scoped: true, body: () => ({ note: 'Livré.', liens: ['https://partage.laregion.fr/cr.pdf'] }) },
      { match: /\/affectations\/:id\/(valider)$/, id: scoped(livree), scoped: true },
      { match: /\/affectations\/:id\/(renvoyer)$/, id: scoped(livree), scoped: true, body: () => ({ motif: 'Une raison.' }) },
      { match: /\/affectations\/:id\/annuler$/, id: scoped(affectation), scoped: true, body: () => ({ motif: 'Une raison.' }) },
      { match: /\/affectations\/:id/, id: scoped(affectation), scoped: true },
      { match: /^POST \/api\/v1\/dispositifs\/:id\/documents$/, id: scoped(dispositif), scoped: true },
      { match: /\/dispositifs\/:id/, id: scoped(dispositif), scoped: true },
      { match: /\/documents\/:id\/liens$/, id: scoped(document), scoped: true, body: () => ({ expireLe: '2030-01-01T00:00:00Z' }) },
      { match: /\/documents\/:id/, id: scoped(document), scoped: true },
      { match: /\/liens\/:id$/, id: scoped(async (side) => (await lien(side)).id), scoped: true },
      { match: /^GET \/api\/v1\/reponses-publiees$/ },
      { match: /^PATCH \/api\/v1\/reponses-publiees\/:id$/, id: scoped(reponsePubliee), scoped: true, body: () => ({ question: 'Un camping peut-il être aidé ?', reponse: 'Oui.', dispositifId: dir.eceau, themeId: null, diffusion: 'interne' }), headers: (id) => etag(`/api/v1/reponses-publiees/${id}`) },
      { match: /\/reponses-publiees\/:id/, id: scoped(reponsePubliee), scoped: true },
      { match: /\/capitalisation\/invitations$/ },
      { match: /\/capitalisation\/invitations\/:id/, id: scoped(invitation), scoped: true },
      { match: /\/maisons\/:id\/specialisations$/, id: scoped(async (side) => (side === 'in' ? dir.carcassonne : dir.perpignan)), scoped: true, body: () => ({ themeIds: [dir.themeTourisme] }) },
      { match: /\/maisons\/:id$/, id: scoped(async (side) => (side === 'in' ? dir.carcassonne : dir.perpignan)), scoped: true },
      { match: /\/directions\/:id$/, id: scoped(async (side) => (side === 'in' ? dir.tourisme : dir.def)), scoped: true },
      { match: /\/tableaux-de-bord\// },
      { match: /^GET \/api\/v1\/autonomie/ },
      { match: /^POST \/api\/v1\/autonomie\/enquetes$/, body: () => ({ libelle: 'Enquête autonomie 2026' }) },
      {
        match: /^POST \/api\/v1\/autonomie\/reponses$/,
        body: () => ({ notes: ['communication', 'evenements', 'partenariats', 'budget', 'reponse_usagers'].map((domaine) => ({ domaine, actuelle: 2, souhaitee: 4 })) }),
      },
      { match: /^GET \/api\/v1\/sla\/politiques$/ },
      { match: /\/sla\/politiques\/:id$/, id: global(politique), headers: async () => ({ 'if-match': etagOf((await as(U.admin, 'GET', '/api/v1/sla/politiques')).items[0].version) }), body: () => ({ libelle: 'Politique', cibleMinutesOuvrees: 480, seuilAvertissementPct: 80, actif: true }) },
      { match: /\/calendriers\/:id$/, id: global(async () => 'reseau'), headers: () => etag('/api/v1/calendriers/reseau'), body: () => calendrier },
      { match: /^GET \/api\/v1\/webhooks$/ },
      { match: /^POST \/api\/v1\/webhooks$/, body: () => ({ url: 'https://si.laregion.fr/relais', description: 'Suivi', types: ['question.recue'] }) },
      { match: /\/webhooks\/livraisons\/:id/, id: global(livraison) },
      { match: /\/webhooks\/:id/, id: global(webhook) },
      { match: /^GET \/api\/v1\/notifications/ },
      { match: /\/notifications\/lues$/ },
      { match: /\/notifications\/:id\/lue$/, id: scoped(notification), scoped: true },
      { match: /\/me\/preferences-notifications$/, headers: (_id, token) => etag('/api/v1/me/preferences-notifications', token), body: () => ({ typesMuets: ['question_repondue'], courriel: 'resume', heureResume: 9 }) },
      { match: /^POST \/api\/v1\/barometre$/, body: () => ({ maisonId: dir.carcassonne, meteo: 'pluie', commentaire: 'Le dossier est jugé trop long.', themeId: dir.themeTourisme }) },
      { match: /^POST \/api\/v1\/barometre\/syntheses$/, body: () => ({ mois: '2026-11', texte: 'Un mois nuageux.' }) },
      { match: /^GET \/api\/v1\/barometre/ },
      { match: /\/rgpd\/acces$/, body: () => ({ email: 'personne@example.org' }) },
      { match: /\/rgpd\/effacements$/, body: () => ({ telephone: '05 00 00 00 00', motif: 'Demande reçue par courrier.' }) },
      { match: /\/rgpd\/journal$/ },
      { match: /^GET \/api\/v1\/reponses-publiees$/ },
    ];
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await scratch?.drop();
    if (documentsDir) await rm(documentsDir, { recursive: true, force: true });
  });

  const targetOf = (route: Route) => TARGETS.find((t) => t.match.test(routeKey(route)));

  it('has one row per route of the application, and no row for a route that is gone', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect([...ROLES].sort()).toEqual(COLUMNS.filter((c) => c !== 'anon').sort());
    const keys = routes.map(routeKey);
    expect(keys.filter((k) => !(k in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((k) => !keys.includes(k))).toEqual([]);
    const unreachable = routes.filter((r) => !targetOf(r) || (r.params.length > 0 && !targetOf(r)!.id));
    expect(unreachable.map(routeKey)).toEqual([]);
  });

  it('the table itself keeps the house rule: a ticket out of the caller’s scope is 404 to every role, never 403 nor visible', () => {
    const tickets = Object.entries(EXPECTED).filter(([key]) => /\/api\/v1\/(questions|commandes|affectations)\/:id/.test(key));
    expect(tickets.length).toBeGreaterThan(30);
    const broken = tickets.filter(([, row]) => row[1] === undefined || parseRow(row[1]).some((cell, i) => cell !== (COLUMNS[i] === 'anon' ? '401' : '404')));
    expect(broken.map(([key, row]) => `${key}: ${row[1] ?? 'no "out" side'}`)).toEqual([]);
  });

  it('answers every cell as the table expects (out of scope: 404, never 403)', async () => {
    const cache = new Map<string, Promise<string>>();
    // Routes reached through the same fixture share it (reads and refused writes leave it as it was).
    const fixtureNames = new Map<Fixture, string>();
    TARGETS.forEach((t, i) => t.id && !fixtureNames.has(t.id) && fixtureNames.set(t.id, `fixture-${i}`));
    const cells: Array<{ route: Route; side: Side; column: Column; expected: string }> = [];
    for (const route of routes) {
      // A route without a row still runs (its actual row is printed, ready to review and paste).
      const unknown = COLUMNS.map(() => '?').join(' ');
      const row = EXPECTED[routeKey(route)] ?? (targetOf(route)?.scoped ? [unknown, unknown] : [unknown]);
      const [inside, outside] = [parseRow(row[0]), row[1] === undefined ? undefined : parseRow(row[1])];
      COLUMNS.forEach((column, i) => {
        cells.push({ route, side: 'in', column, expected: inside[i] });
        if (outside) cells.push({ route, side: 'out', column, expected: outside[i] });
      });
    }

    const run = async ({ route, side, column, expected }: (typeof cells)[number]): Promise<string> => {
      const target = targetOf(route)!;
      const write = route.method !== 'GET';
      // A cell not reviewed yet ('?') may succeed: it gets a fresh resource too.
      const fresh = write && /^(2|\?)/.test(expected);
      let id = '';
      if (target.id && column === 'anon' && !route.isPublic) id = UUID_OK; // refused before any lookup: no fixture needed
      else if (target.id) {
        // Shared per route, side and role (a fixture can depend on the caller's unit); fresh for a write expected to succeed.
        // A fixture taking the caller's column (commandes, notifications) is per caller; the others are per side only.
        const per = perCaller.has(target.id) ? column : target.id.length >= 2 && column === 'manager' ? column : '';
        const key = `${fixtureNames.get(target.id) ?? routeKey(route)} ${side} ${per}`;
        if (fresh) id = await target.id(side, column);
        else {
          if (!cache.has(key)) cache.set(key, target.id(side, column));
          id = await cache.get(key)!;
        }
      }
      const path = route.path.replace(/:(\w+)/g, () => id) + (target.query ? `?${target.query}` : '');
      const token = column === 'anon' ? undefined : await api.login(USERS[column]);
      const headers: Record<string, string> = { ...(target.headers && column !== 'anon' ? await target.headers(id, token) : {}) };
      if (route.path.endsWith('/flux')) {
        const client = await SseClient.open(api.baseUrl + path, token ?? '');
        client.close();
        return String(client.status);
      }
      if (route.path.endsWith('/dispositifs/:id/documents') && route.method === 'POST') {
        const upload = new FormData();
        upload.append('titre', 'Règlement');
        upload.append('diffusion', 'interne');
        upload.append('fichier', new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')]), 'reglement.pdf');
        if (token) headers.authorization = `Bearer ${token}`;
        const res = await fetch(api.baseUrl + path, { method: 'POST', headers, body: upload });
        await res.arrayBuffer();
        return String(res.status);
      }
      const body = write ? (target.body?.() ?? {}) : undefined;
      const res = await api.request(route.method, path, { token, body, headers });
      if (res.status >= 400 && !/^application\/problem\+json/.test(res.headers.get('content-type') ?? '') && !route.path.startsWith('/suivi/')) {
        return `${res.status}!`; // a refusal that is not problem+json never matches the table
      }
      return String(res.status);
    };

    // Every fixture of a cell is built before the cell runs, so cells run in parallel: reads and
    // refused writes touch no one else's resource, successful writes have their own.
    // Writes with no resource in their path change what the whole network sees (a new survey
    // closes the open one): they run last, one at a time, in the route table's order.
    const actual = new Map<string, string>();
    const failures: string[] = [];
    const global = (c: (typeof cells)[number]) => c.route.method !== 'GET' && c.route.params.length === 0;
    const runInto = async (queue: typeof cells, width: number) =>
      Promise.all(
        Array.from({ length: width }, async () => {
          for (let cell = queue.shift(); cell; cell = queue.shift()) {
            const status = await run(cell).catch((e: Error) => {
              failures.push(`${routeKey(cell!.route)} ${cell!.side} ${cell!.column}: ${e.message}`);
              return 'ERR';
            });
            actual.set(`${routeKey(cell.route)} ${cell.side} ${cell.column}`, status);
          }
        }),
      );
    await runInto(cells.filter((c) => !global(c)), CONCURRENCY);
    await runInto(cells.filter(global), 1);

    const rows = (source: (cell: (typeof cells)[number]) => string) =>
      routes.map((route) => {
          const sides: Side[] = cells.some((c) => c.route === route && c.side === 'out') ? ['in', 'out'] : ['in'];
          return formatRow(routeKey(route), sides.map((side) => COLUMNS.map((column) => source(cells.find((c) => c.route === route && c.side === side && c.column === column)!))));
        });
    const mismatches = cells.filter((c) => actual.get(`${routeKey(c.route)} ${c.side} ${c.column}`) !== c.expected);
    if (mismatches.length > 0 || failures.length > 0) {
      const report = [
        `${mismatches.length} cell(s) differ from matrix.expected.ts:`,
        ...mismatches.map((c) => `  ${routeKey(c.route)} [${c.side}] ${c.column}: expected ${c.expected}, got ${actual.get(`${routeKey(c.route)} ${c.side} ${c.column}`)}`),
        ...failures.map((f) => `  fixture failed: ${f}`),
        '',
        'Actual table (columns: ' + COLUMNS.join(' ') + '):',
        ...rows((c) => actual.get(`${routeKey(c.route)} ${c.side} ${c.column}`) ?? '?'),
      ].join('\n');
      process.stdout.write(report + '\n');
      throw new Error(report);
    }
    expect(cells.length).toBeGreaterThan(routes.length * COLUMNS.length);
  }, 300_000);
});

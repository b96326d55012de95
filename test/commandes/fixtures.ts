import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';

/** Seeded directory ids the commande tests use (from the shared test database or a scratch one). */
export async function commandeFixture(db: { query(sql: string, params: unknown[]): Promise<any[]> }) {
  const id = async (sql: string, params: unknown[]) => (await db.query(sql, params))[0].id as string;
  const maison = (code: string) => id(`SELECT id FROM maison WHERE code = $1`, [code]);
  return {
    foix: await maison('foix'),
    limoux: await maison('limoux'),
    perpignan: await maison('perpignan'),
    carcassonne: await maison('carcassonne'),
    def: await id(`SELECT id FROM direction WHERE code = $1`, ['def']),
    themeFormation: await id(`SELECT id FROM theme WHERE code = $1`, ['FORMATION_EMPLOI']),
  };
}

export type CommandeIds = Awaited<ReturnType<typeof commandeFixture>>;

export const EMAILS = {
  conseiller: 'cabinet.conseiller@relais.demo',
  responsableFoix: 'responsable.foix@relais.demo',
  agentFoix: 'agent.foix@relais.demo',
  responsableLimoux: 'responsable.limoux@relais.demo',
  responsablePerpignan: 'responsable.perpignan@relais.demo',
  agentCarcassonne: 'agent.carcassonne@relais.demo',
  managerDef: 'manager.def@relais.demo',
  managerReseau: 'manager.reseau@relais.demo',
  referentDef: 'referent.def@relais.demo',
  referentTourisme: 'referent.tourisme@relais.demo',
  admin: 'admin@relais.demo',
};

/** Wednesday 2 December 2026, 10:00 in Paris: the tests' "now" unless they move it. */
export const DEBUT = '2026-12-02T10:00:00+01:00';

/** The field study's commande, without material nor contacts: a draft that cannot be issued yet. */
export function briefSansMaterielNiContacts(ids: CommandeIds, overrides: Record<string, unknown> = {}) {
  return {
    titre: 'Atelier de concertation sur les besoins en formation de la filière BTP',
    objectif: 'Réunir sur chaque territoire les entreprises du BTP et recueillir leurs besoins en formation pour le plan régional.',
    contexte: 'Le Cabinet prépare la révision du plan régional de formation ; la filière BTP signale des difficultés de recrutement.',
    echeance: '2026-12-18',
    livrables: [{ libelle: 'Compte rendu de l’atelier' }, { libelle: 'Liste des entreprises participantes', echeance: '2026-12-16' }],
    maisonIds: [ids.foix, ids.limoux, ids.perpignan],
    themeId: ids.themeFormation,
    budget: 1500,
    ...overrides,
  };
}

export const MATERIEL = ['Support de présentation de la filière', 'Questionnaire aux entreprises'];
export const CONTACTS = [
  { nom: 'Référent formation de la DEF', role: 'Référent formation – Direction de l’Emploi et de la Formation', email: EMAILS.referentDef },
  { nom: 'Accueil du Cabinet', role: 'Secrétariat du conseiller technique', telephone: '05 36 49 00 01' },
];

/** A complete brief: it can be issued as is. */
export function briefComplet(ids: CommandeIds, overrides: Record<string, unknown> = {}) {
  return { ...briefSansMaterielNiContacts(ids), materiel: MATERIEL, contacts: CONTACTS, ...overrides };
}

/** Drafts a commande as the Cabinet's adviser and returns it. */
export async function rediger(api: TestApi, body: Record<string, unknown>, email = EMAILS.conseiller) {
  const token = await api.login(email);
  const res = await api.post('/api/v1/commandes', body, { token });
  if (res.status !== 201) throw new Error(`POST /commandes → ${res.status} ${res.text}`);
  return res.body;
}

/** Drafts and issues a complete commande; returns it as issued. */
export async function emise(api: TestApi, ids: CommandeIds, overrides: Record<string, unknown> = {}, email = EMAILS.conseiller) {
  const draft = await rediger(api, briefComplet(ids, overrides), email);
  const token = await api.login(email);
  const res = await api.post(`/api/v1/commandes/${draft.id}/emettre`, {}, { token });
  if (res.status !== 200) throw new Error(`POST /commandes/${draft.id}/emettre → ${res.status} ${res.text}`);
  return res.body;
}

/** Row counts of the tables a commande write touches. */
export async function commandeCounts(db: TestDb): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['commande', 'affectation', 'timeline_event', 'outbox', 'idempotency_key']) out[t] = await db.count(t);
  return out;
}

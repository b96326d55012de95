import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';

/** Seeded directory ids and logins the question tests use. */
export async function directoryFixture(db: TestDb) {
  const id = async (sql: string, params: unknown[]) => (await db.one<{ id: string }>(sql, params)).id;
  return {
    carcassonne: await id(`SELECT id FROM maison WHERE code = $1`, ['carcassonne']),
    perpignan: await id(`SELECT id FROM maison WHERE code = $1`, ['perpignan']),
    tourisme: await id(`SELECT id FROM direction WHERE code = $1`, ['tourisme']),
    def: await id(`SELECT id FROM direction WHERE code = $1`, ['def']),
    eceau: await id(`SELECT id FROM dispositif WHERE code = $1`, ['eceau-tourisme']),
    themeTourisme: await id(`SELECT id FROM theme WHERE code = $1`, ['TOURISME']),
    themeFormation: await id(`SELECT id FROM theme WHERE code = $1`, ['FORMATION_EMPLOI']),
  };
}

export const EMAILS = {
  agentCarcassonne: 'agent.carcassonne@relais.demo',
  responsableCarcassonne: 'responsable.carcassonne@relais.demo',
  agentPerpignan: 'agent.perpignan@relais.demo',
  referentTourisme: 'referent.tourisme@relais.demo',
  referent2Tourisme: 'referent2.tourisme@relais.demo',
  referentDef: 'referent.def@relais.demo',
  managerReseau: 'manager.reseau@relais.demo',
  managerTourisme: 'manager.tourisme@relais.demo',
  cabinet: 'cabinet.conseiller@relais.demo',
  admin: 'admin@relais.demo',
};

export function questionBody(overrides: Record<string, unknown> = {}) {
  return {
    objet: 'Financement d’une installation hydro-économe',
    description: 'Le directeur du camping souhaite financer un système de récupération des eaux de pluie.',
    canal: 'guichet',
    usager: { nom: 'Bernard Casals', organisation: 'Camping Les Pins', telephone: '04 68 11 22 33', consentement: true },
    ...overrides,
  };
}

/** Records a question as the Carcassonne agent and returns it. */
export async function recordQuestion(api: TestApi, body: Record<string, unknown> = questionBody()) {
  const token = await api.login(EMAILS.agentCarcassonne);
  const res = await api.post('/api/v1/questions', body, { token });
  if (res.status !== 201) throw new Error(`POST /questions → ${res.status} ${res.text}`);
  return res.body;
}

import { seedDemoData } from '@app/directory';
import { Client } from 'pg';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { EMAILS, recordQuestion } from '../questions/fixtures';
import { briefComplet, commandeFixture, EMAILS as COMMANDE_EMAILS, rediger } from '../commandes/fixtures';

/**
 * GET …/fil/verification through the API (connected as the application's role, like every e2e
 * suite): what it checked, and a tampering named. `db` is the superuser of the raw-SQL helpers.
 * On a database of its own: it tampers with timelines, and its tickets must not show up in the
 * shared database's lists that other suites page through.
 */
describe('GET …/fil/verification', () => {
  let api: TestApi;
  let scratch: ScratchDatabase;
  let db: Client;

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_fil_api');
    await seedDemoData(scratch.dataSource);
    api = await TestApi.start({ config: { DATABASE_URL: scratch.url } });
    db = await scratch.connect();
  });

  afterAll(async () => {
    await api?.close();
    await db?.end();
    await scratch?.drop();
  });

  /** Deletes a timeline's last event as a superuser with the triggers off. */
  async function deleteLastEvent(ticketId: string): Promise<number> {
    await db.query('BEGIN');
    await db.query(`SET LOCAL session_replication_role = replica`);
    const { rows } = await db.query(`DELETE FROM timeline_event WHERE ticket_id = $1 AND seq = (SELECT max(seq) FROM timeline_event WHERE ticket_id = $1) RETURNING seq`, [ticketId]);
    await db.query('COMMIT');
    return rows[0].seq;
  }

  it('a question: chain, head and seal reported; a deleted last event named', async () => {
    const q = await recordQuestion(api);
    const token = await api.login(EMAILS.agentCarcassonne);
    await api.post(`/api/v1/questions/${q.id}/messages`, { texte: 'Pièces reçues.', visibilite: 'partage' }, { token });
    const ok = await api.get(`/api/v1/questions/${q.id}/fil/verification`, { token });
    expect(ok.status).toBe(200);
    const { rows: [head] } = await db.query(`SELECT fil_seq FROM question WHERE id = $1`, [q.id]);
    expect(ok.body).toEqual({
      valide: true,
      evenements: head.fil_seq,
      premiereAnomalie: null,
      anterieursAuMac: 0,
      tete: { seq: head.fil_seq, cle: 'dev', valide: true },
      sceau: null,
    });

    const deleted = await deleteLastEvent(q.id);
    const tampered = await api.get(`/api/v1/questions/${q.id}/fil/verification`, { token });
    expect(tampered.status).toBe(200);
    expect(tampered.body).toMatchObject({
      valide: false,
      evenements: deleted - 1,
      premiereAnomalie: deleted,
      tete: { seq: deleted, valide: false },
      anomalie: { seq: deleted, raison: expect.stringContaining('supprimé') },
    });
  });

  it('a commande: the same report', async () => {
    const ids = await commandeFixture({ query: async (sql, params) => (await db.query(sql, params)).rows });
    const draft = await rediger(api, briefComplet(ids));
    const token = await api.login(COMMANDE_EMAILS.conseiller);
    const ok = await api.get(`/api/v1/commandes/${draft.id}/fil/verification`, { token });
    expect(ok.body).toMatchObject({ valide: true, evenements: 1, tete: { seq: 1, valide: true }, sceau: null });
    expect(ok.body).not.toHaveProperty('anomalie');
    await deleteLastEvent(draft.id);
    const tampered = await api.get(`/api/v1/commandes/${draft.id}/fil/verification`, { token });
    expect(tampered.body).toMatchObject({ valide: false, evenements: 0, anomalie: { seq: 1 } });
  });
});

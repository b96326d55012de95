import { ScratchDatabase } from '../setup/scratch-database';

/**
 * Running SLA clocks (réponse, on the siège calendar, warning already sent) on questions of their
 * own, each due at its `due` (epoch ms): the SLA timer and worker throughput benchmarks' set-up.
 */
export async function insertClocks(scratch: ScratchDatabase, clocks: Array<{ id: string; due: number }>): Promise<void> {
  for (let i = 0; i < clocks.length; i += 20_000) {
    const chunk = clocks.slice(i, i + 20_000);
    await scratch.dataSource.query(
      `WITH u AS (SELECT id, maison_id FROM users WHERE email = 'agent.carcassonne@relais.demo'),
            c AS (SELECT * FROM unnest($1::uuid[], $2::float8[]) WITH ORDINALITY AS c(id, due, k)),
            q AS (
              INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, created_by, created_at, updated_at, escaladee_at, version)
              SELECT gen_random_uuid(), 'B-' || nextval('question_reference_seq'), u.maison_id, 'Bench', 'Bench', 'guichet', 'normale', 'escaladee', u.id, now(), now(), now(), 1
                FROM generate_series(1, $3) g, u
              RETURNING id),
            n AS (SELECT id, row_number() OVER () AS k FROM q)
       INSERT INTO sla_horloge (id, ticket_type, ticket_id, affectation_id, horloge, cycle, etat, cible_minutes, seuil_pct, calendrier_id,
                                consomme_minutes, segment_depuis, echeance, avertie_a, generation, demarree_a)
       SELECT c.id, 'question', n.id, '00000000-0000-0000-0000-000000000000', 'reponse', 1, 'running', 1, 75, 'siege',
              0, now(), to_timestamp(c.due / 1000.0), now(), 1, now()
         FROM n JOIN c ON c.k = n.k`,
      [chunk.map((c) => c.id), chunk.map((c) => c.due), chunk.length],
    );
  }
}

import { webhookPayload } from './webhook.payload';

const at = new Date('2026-12-07T09:00:00.000Z');

describe('webhook payload', () => {
  it('a question event: ids, reference, new statut and safe codes; never the staff’s words', () => {
    const body = webhookPayload(
      {
        eventId: 'e1',
        type: 'question.repondue',
        aggregateType: 'question',
        aggregateId: 'q1',
        payload: { reponse: 'Madame Durand peut déposer', message: 'm', questionId: 'q1', reference: 'Q-2026-000001', statut: 'repondue', maisonId: 'm1', directionId: 'd1', priorite: 'haute', acteurId: 'u1', usager: { nom: 'Durand' } },
      },
      { seq: 4, reference: null, statut: null },
      at,
    );
    expect(body).toEqual({
      type: 'question.repondue',
      timestamp: '2026-12-07T09:00:00.000Z',
      data: { evenementId: 'e1', seq: 4, ticket: { type: 'question', id: 'q1', reference: 'Q-2026-000001' }, statut: 'repondue', maisonId: 'm1', directionId: 'd1', priorite: 'haute' },
    });
    expect(JSON.stringify(body)).not.toMatch(/Durand|acteurId/);
  });

  it('an affectation event carries the commande’s and the affectation’s statuts, not the motif', () => {
    const body = webhookPayload(
      {
        eventId: 'e2',
        type: 'affectation.renvoyee',
        aggregateType: 'commande',
        aggregateId: 'c1',
        payload: { motif: 'Il manque la liste', reference: 'C-2026-000002', statutCommande: 'emise', affectationId: 'a1', maisonId: 'm1', statutAffectation: 'renvoyee', contacts: [{ nom: 'X' }] },
      },
      { seq: 9, reference: null, statut: null },
      at,
    );
    expect(body.data).toEqual({ evenementId: 'e2', seq: 9, ticket: { type: 'commande', id: 'c1', reference: 'C-2026-000002' }, statut: 'emise', affectationId: 'a1', maisonId: 'm1', statutAffectation: 'renvoyee' });
  });

  it('an SLA event takes the reference and statut read beside it', () => {
    const body = webhookPayload(
      { eventId: 'e3', type: 'sla.depassement', aggregateType: 'question', aggregateId: 'q1', payload: { horloge: 'reponse', cycle: 1, echeance: '2026-12-07T08:00:00.000Z', retardMs: 12, notifier: 'x', horlogeId: 'h' } },
      { seq: 5, reference: 'Q-2026-000001', statut: 'prise_en_charge' },
      at,
    );
    expect(body.data).toEqual({ evenementId: 'e3', seq: 5, ticket: { type: 'question', id: 'q1', reference: 'Q-2026-000001' }, statut: 'prise_en_charge', horloge: 'reponse', cycle: 1, echeance: '2026-12-07T08:00:00.000Z', retardMs: 12 });
  });
});

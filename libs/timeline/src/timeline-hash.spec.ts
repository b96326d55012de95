import { TimelineRecord, timelineEventHash } from './timeline-hash';

const base: TimelineRecord = {
  eventId: '0b6f8e4e-54f4-4b8b-9a55-3f7f0c1e2d31',
  ticketType: 'question',
  ticketId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  seq: 2,
  type: 'question.escaladee',
  at: new Date('2026-11-25T10:15:30.123Z'),
  acteurId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  acteurNom: 'Agnès Roux',
  acteurRole: 'agent_mdr',
  visibilite: 'interne',
  uniteType: 'maison',
  uniteId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
  data: { directionId: 'd1', message: 'Ec’Eau Tourisme : éligibilité ?', montant: 1.5, pieces: ['devis', { nom: 'plan', pages: 3 }] },
  previousHash: 'ab'.repeat(32),
};

describe('timelineEventHash', () => {
  it('is a 64-character hex SHA-256, the same for the same record', () => {
    expect(timelineEventHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(timelineEventHash({ ...base, at: new Date(base.at.getTime()) })).toBe(timelineEventHash(base));
  });

  it('does not depend on key order inside data, nor on a JSON round trip of data', () => {
    const reordered = { pieces: [...(base.data.pieces as unknown[])], montant: 1.5, message: base.data.message, directionId: 'd1' };
    expect(timelineEventHash({ ...base, data: reordered })).toBe(timelineEventHash(base));
    expect(timelineEventHash({ ...base, data: JSON.parse(JSON.stringify(base.data)) })).toBe(timelineEventHash(base));
  });

  it('treats a Date in data like the ISO string jsonb gives back', () => {
    const at = new Date('2026-12-01T16:00:00.000Z');
    expect(timelineEventHash({ ...base, data: { echeance: at } })).toBe(timelineEventHash({ ...base, data: { echeance: at.toISOString() } }));
  });

  const changes: [string, Partial<TimelineRecord>][] = [
    ['eventId', { eventId: '0b6f8e4e-54f4-4b8b-9a55-3f7f0c1e2d32' }],
    ['ticketType', { ticketType: 'commande' }],
    ['ticketId', { ticketId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e40' }],
    ['seq', { seq: 3 }],
    ['type', { type: 'question.repondue' }],
    ['at (one millisecond)', { at: new Date(base.at.getTime() + 1) }],
    ['acteurId', { acteurId: null }],
    ['acteurNom', { acteurNom: 'Agnes Roux' }],
    ['acteurRole', { acteurRole: 'referent' }],
    ['visibilite', { visibilite: 'partage' }],
    ['uniteType', { uniteType: 'direction' }],
    ['uniteId', { uniteId: null }],
    ['data (a nested value)', { data: { ...base.data, pieces: ['devis', { nom: 'plan', pages: 4 }] } }],
    ['data (1.5 → "1.5")', { data: { ...base.data, montant: '1.5' } }],
    ['previousHash', { previousHash: null }],
  ];
  it.each(changes)('changes when %s changes', (_field, change) => {
    expect(timelineEventHash({ ...base, ...change })).not.toBe(timelineEventHash(base));
  });

  it('ignores properties that are not columns of the record (such as the stored hash)', () => {
    const withHash = { ...base, hash: 'ff'.repeat(32) } as TimelineRecord;
    expect(timelineEventHash(withHash)).toBe(timelineEventHash(base));
  });
});

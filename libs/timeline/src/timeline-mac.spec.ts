import { TimelineRecord, timelineEventHash } from './timeline-hash';
import { sameMac, sealedHeadMac, TEXTE_ANONYMISE, texteEmpreinte, timelineEventMac, timelineHeadMac } from './timeline-mac';

const record: TimelineRecord = {
  eventId: '0b6f8e4e-54f4-4b8b-9a55-3f7f0c1e2d31',
  ticketType: 'question',
  ticketId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  seq: 2,
  type: 'question.message_ajoute',
  at: new Date('2026-11-25T10:15:30.123Z'),
  acteurId: null,
  acteurNom: null,
  acteurRole: null,
  visibilite: 'partage',
  uniteType: null,
  uniteId: null,
  data: { texte: 'Dossier accepté, 50 000 €' },
  previousHash: 'ab'.repeat(32),
};
const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);

describe('timeline MACs', () => {
  it('an event’s MAC is hex HMAC-SHA-256: not the public SHA-256, and different under another key', () => {
    const mac = timelineEventMac(K1, record);
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(mac).not.toBe(timelineEventHash(record));
    expect(timelineEventMac(K2, record)).not.toBe(mac);
    expect(timelineEventMac(K1, { ...record, data: { ...record.data } })).toBe(mac);
    expect(timelineEventMac(K1, { ...record, data: { texte: 'Dossier refusé' } })).not.toBe(mac);
  });

  it('names its purpose: a head, a sealed head and an event of the same values never share a MAC', () => {
    const head = { ticketType: 'question', ticketId: record.ticketId, seq: 2, hash: 'cd'.repeat(32) };
    const macs = [timelineHeadMac(K1, head), sealedHeadMac(K1, '2026-12-06', head), sealedHeadMac(K1, '2026-12-07', head)];
    expect(new Set(macs).size).toBe(3);
    expect(timelineHeadMac(K1, { ...head, ticketId: head.ticketId.toUpperCase() })).toBe(macs[0]);
    expect(timelineHeadMac(K1, { ...head, seq: 1 })).not.toBe(macs[0]);
  });

  it('compares MACs in constant time, a missing one never equal', () => {
    expect(sameMac('ab'.repeat(32), 'ab'.repeat(32))).toBe(true);
    expect(sameMac('ab'.repeat(32), 'ac'.repeat(32))).toBe(false);
    expect(sameMac(null, null)).toBe(false);
    expect(sameMac('ab', 'ab'.repeat(32))).toBe(false);
  });

  describe('format 2 (ADR 0023): free texts by their keyed digest', () => {
    const v2: TimelineRecord = { ...record, format: 2, data: { texte: 'Rappeler Mme Vidalou au 06 12 34 56 78', visibilite: 'partage', n: 1 } };
    const mac = timelineEventMac(K1, v2);
    const empreinte = texteEmpreinte(K1, v2.eventId, 'texte', 'Rappeler Mme Vidalou au 06 12 34 56 78');
    const anonymise = { ...v2, data: { ...v2.data, texte: TEXTE_ANONYMISE }, empreintes: { texte: empreinte } };

    it('verifies the same once a text is replaced by « [anonymisé] » with its digest kept', () => {
      expect(mac).not.toBe(timelineEventMac(K1, { ...v2, format: 1 }));
      expect(timelineEventMac(K1, anonymise)).toBe(mac);
    });

    it('fails when the text changes, the digest is wrong, a kept digest stands beside another text, or another field changes', () => {
      expect(timelineEventMac(K1, { ...v2, data: { ...v2.data, texte: 'Rappeler Mme Vidalou' } })).not.toBe(mac);
      expect(timelineEventMac(K1, { ...anonymise, empreintes: { texte: '00'.repeat(32) } })).not.toBe(mac);
      expect(timelineEventMac(K1, { ...anonymise, data: { ...anonymise.data, texte: 'autre chose' } })).not.toBe(mac);
      expect(timelineEventMac(K1, { ...anonymise, data: { ...anonymise.data, n: 2 } })).not.toBe(mac);
    });

    it('ties a digest to its key, its event and its field', () => {
      expect(texteEmpreinte(K2, v2.eventId, 'texte', 'x')).not.toBe(texteEmpreinte(K1, v2.eventId, 'texte', 'x'));
      expect(texteEmpreinte(K1, record.ticketId, 'texte', 'x')).not.toBe(texteEmpreinte(K1, v2.eventId, 'texte', 'x'));
      expect(texteEmpreinte(K1, v2.eventId, 'message', 'x')).not.toBe(texteEmpreinte(K1, v2.eventId, 'texte', 'x'));
    });
  });
});

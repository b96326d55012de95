import { NOTIFICATION_TYPES } from '../notification.types';
import { verifierPreferences } from '../inbox/preferences';
import { LIBELLES_TYPES, lienPour, NOTIFICATION_RULES, TicketNotifie } from './notification-rules';

const commande: TicketNotifie = {
  ticketType: 'commande',
  ticketId: 'c1',
  reference: 'C-2026-000012',
  commande: { emetteurUniteType: 'cabinet', emetteurUniteId: null },
};

describe('the rules table', () => {
  it('has one rule per event type, every kind has a rule and a French label', () => {
    const events = NOTIFICATION_RULES.map((r) => r.evenement);
    expect(new Set(events).size).toBe(events.length);
    expect([...new Set(NOTIFICATION_RULES.map((r) => r.type))].sort()).toEqual([...NOTIFICATION_TYPES].sort());
    for (const type of NOTIFICATION_TYPES) expect(LIBELLES_TYPES[type]).toMatch(/^[A-ZÉ]/);
  });

  it('titles name the ticket and what happened, in French, and never a payload’s free text', () => {
    const event = { eventId: 'e', type: '', aggregateType: 'question', aggregateId: 'q', payload: { message: 'Texte secret', reponse: 'Texte secret', horloge: 'reponse' } };
    const question: TicketNotifie = { ticketType: 'question', ticketId: 'q', reference: 'Q-2026-000123' };
    const withAffectation = { ...commande, affectation: { id: 'a', maisonId: 'm', maisonNom: 'Maison de Ma Région – Foix', statut: 'livree' } };
    for (const rule of NOTIFICATION_RULES) {
      const titre = rule.titre(rule.evenement.startsWith('question') || rule.evenement.startsWith('sla') ? question : withAffectation, event);
      expect(titre).toMatch(/^(Q-2026-000123|C-2026-000012)/);
      expect(titre).not.toContain('Texte secret');
      expect(titre).not.toContain("'");
    }
    expect(NOTIFICATION_RULES.find((r) => r.evenement === 'affectation.livree')!.titre(withAffectation, event)).toBe(
      'C-2026-000012 (Maison de Ma Région – Foix) : livraison effectuée, à valider',
    );
  });

  it('links: a question’s page; for a commande, an MdR user’s own assignment, anyone else the commande’s page', () => {
    const affectations = new Map([['foix', 'a-foix']]);
    expect(lienPour({ ticketType: 'question', ticketId: 'q', reference: 'Q' }, { userId: 'u', perimetre: 'direction', maisonId: null }, affectations)).toBe('/questions/q');
    expect(lienPour(commande, { userId: 'u', perimetre: 'maison', maisonId: 'foix' }, affectations)).toBe('/commandes-recues/a-foix');
    expect(lienPour(commande, { userId: 'u', perimetre: 'maison', maisonId: 'limoux' }, affectations)).toBe('/cabinet/commandes/c1');
    expect(lienPour(commande, { userId: 'u', perimetre: 'reseau', maisonId: null }, affectations)).toBe('/cabinet/commandes/c1');
  });
});

describe('preferences', () => {
  it('refuses an unknown kind, muting breaches, and an hour outside 0–23, naming the field', () => {
    expect(verifierPreferences({ typesMuets: ['sla_avertissement'], courriel: 'resume', heureResume: 0 })).toEqual([]);
    expect(verifierPreferences({ typesMuets: ['x', 'sla_depassement'], courriel: 'immediat', heureResume: 23 }).map((e) => e.field)).toEqual(['typesMuets[0]', 'typesMuets[1]']);
    expect(verifierPreferences({ typesMuets: [], courriel: 'immediat', heureResume: 24 }).map((e) => e.field)).toEqual(['heureResume']);
    expect(verifierPreferences({ typesMuets: [], courriel: 'immediat', heureResume: -1 }).map((e) => e.field)).toEqual(['heureResume']);
  });
});

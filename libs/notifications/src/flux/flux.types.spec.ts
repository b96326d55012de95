import type { AuthContext, Perimetre, Role } from '@app/core';
import { CommandeAudience, FluxFilMessage, fluxAudienceIncludes, fluxEventOf, FluxNotificationMessage, QuestionAudience } from './flux.types';

const M1 = '00000000-0000-4000-8000-0000000000a1';
const M2 = '00000000-0000-4000-8000-0000000000a2';
const D1 = '00000000-0000-4000-8000-0000000000d1';
const D2 = '00000000-0000-4000-8000-0000000000d2';
const U1 = '00000000-0000-4000-8000-0000000000e1';

function ctx(role: Role, perimetre: Perimetre, unit: string | null = null, userId = U1): AuthContext {
  return {
    userId,
    email: 'x@relais.demo',
    displayName: 'X',
    role,
    perimetre,
    maisonId: perimetre === 'maison' ? unit : null,
    directionId: perimetre === 'direction' ? unit : null,
  };
}

const question = (audience: Partial<QuestionAudience> = {}, event: Partial<FluxFilMessage> = {}): FluxFilMessage => ({
  k: 'fil',
  eventId: 'e',
  ticketType: 'question',
  ticketId: 'q',
  reference: 'Q-2026-000001',
  seq: 3,
  type: 'question.escaladee',
  at: '2026-12-07T10:00:00.000Z',
  visibilite: 'partage',
  unite: null,
  audience: { ticketType: 'question', maisonId: M1, directionId: D1, referentId: null, directionIds: [D1], ...audience },
  ...event,
});

const commande = (audience: Partial<CommandeAudience> = {}): FluxFilMessage => ({
  ...question(),
  ticketType: 'commande',
  type: 'commande.emise',
  audience: { ticketType: 'commande', statut: 'emise', emetteurUnite: { type: 'cabinet', id: null }, maisonIds: [M1], contactIds: [], ...audience },
});

describe('the live stream’s audience (same rules as reading the ticket and its fil)', () => {
  it('a question: its MdR and the directions that hold or held it, network managers; nobody else', () => {
    const m = question({ directionId: D2, directionIds: [D1, D2] });
    expect(fluxAudienceIncludes(ctx('agent_mdr', 'maison', M1), m)).toBe(true);
    expect(fluxAudienceIncludes(ctx('agent_mdr', 'maison', M2), m)).toBe(false);
    // Rerouted from D1 to D2: both read it, as GET /questions/{id} answers them.
    expect(fluxAudienceIncludes(ctx('referent', 'direction', D1), m)).toBe(true);
    expect(fluxAudienceIncludes(ctx('referent', 'direction', D2), m)).toBe(true);
    expect(fluxAudienceIncludes(ctx('referent', 'direction', D2), question())).toBe(false);
    expect(fluxAudienceIncludes(ctx('manager', 'reseau'), m)).toBe(true);
    expect(fluxAudienceIncludes(ctx('admin', 'reseau'), m)).toBe(false);
    expect(fluxAudienceIncludes(ctx('cabinet', 'reseau'), m)).toBe(false);
  });

  it('an internal note reaches its unit only, even among those who read the ticket', () => {
    const note = question({}, { visibilite: 'interne', unite: { type: 'maison', id: M1 }, type: 'question.message_ajoute' });
    expect(fluxAudienceIncludes(ctx('agent_mdr', 'maison', M1), note)).toBe(true);
    expect(fluxAudienceIncludes(ctx('referent', 'direction', D1), note)).toBe(false);
    expect(fluxAudienceIncludes(ctx('manager', 'reseau'), note)).toBe(false);
    const direction = question({}, { visibilite: 'interne', unite: { type: 'direction', id: D1 } });
    expect(fluxAudienceIncludes(ctx('referent', 'direction', D1), direction)).toBe(true);
    expect(fluxAudienceIncludes(ctx('agent_mdr', 'maison', M1), direction)).toBe(false);
    // Internal without a unit (not written by the app): nobody.
    expect(fluxAudienceIncludes(ctx('agent_mdr', 'maison', M1), question({}, { visibilite: 'interne', unite: null }))).toBe(false);
  });

  it('a commande: its issuing unit, the targeted MdRs once issued, contacts, network managers; a draft only to its issuer', () => {
    expect(fluxAudienceIncludes(ctx('cabinet', 'reseau'), commande())).toBe(true);
    expect(fluxAudienceIncludes(ctx('responsable_mdr', 'maison', M1), commande())).toBe(true);
    expect(fluxAudienceIncludes(ctx('responsable_mdr', 'maison', M2), commande())).toBe(false);
    expect(fluxAudienceIncludes(ctx('responsable_mdr', 'maison', M1), commande({ statut: 'brouillon' }))).toBe(false);
    expect(fluxAudienceIncludes(ctx('referent', 'direction', D1), commande())).toBe(false);
    expect(fluxAudienceIncludes(ctx('referent', 'direction', D1), commande({ contactIds: [U1] }))).toBe(true);
    expect(fluxAudienceIncludes(ctx('manager', 'direction', D1), commande({ emetteurUnite: { type: 'direction', id: D1 }, statut: 'brouillon' }))).toBe(true);
    expect(fluxAudienceIncludes(ctx('manager', 'direction', D2), commande({ emetteurUnite: { type: 'direction', id: D1 } }))).toBe(false);
  });

  it('a notification reaches its recipient only; an unknown kind reaches no one', () => {
    const n: FluxNotificationMessage = { k: 'notification', id: 'n', destinataireId: U1, type: 'question_escaladee', titre: 't', lien: '/questions/q', ticketType: 'question', ticketId: 'q', reference: 'Q' };
    expect(fluxAudienceIncludes(ctx('referent', 'direction', D1), n)).toBe(true);
    expect(fluxAudienceIncludes(ctx('referent', 'direction', D1, 'someone-else'), n)).toBe(false);
    expect(fluxAudienceIncludes(ctx('manager', 'reseau'), { k: 'autre' } as never)).toBe(false);
  });

  it('the client’s event carries ids to refetch with, never the audience', () => {
    const { event, data } = fluxEventOf(question({ directionIds: [D1, D2] }));
    expect(event).toBe('fil');
    expect(data).toEqual({ id: 'e', ticketType: 'question', ticketId: 'q', reference: 'Q-2026-000001', seq: 3, type: 'question.escaladee', at: '2026-12-07T10:00:00.000Z' });
  });
});

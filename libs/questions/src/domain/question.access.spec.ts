import type { AuthContext } from '@app/core';
import { canAct, canGiveLienSuivi, canReadQuestion, canSeeUsager, canWriteMessage, enLectureSeule, QuestionScope } from './question.access';
import { QUESTION_ACTIONS } from './question.transitions';

const M1 = 'maison-1';
const M2 = 'maison-2';
const D1 = 'direction-1';
const D2 = 'direction-2';

function ctx(role: AuthContext['role'], perimetre: AuthContext['perimetre'], unit: string | null = null, userId = 'u'): AuthContext {
  return {
    userId,
    email: `${userId}@x`,
    displayName: userId,
    role,
    perimetre,
    maisonId: perimetre === 'maison' ? unit : null,
    directionId: perimetre === 'direction' ? unit : null,
  };
}

const atD1: QuestionScope = { maisonId: M1, directionId: D1, referentId: null, heldByCallerDirection: true, correspondantDuTheme: false };

describe('question access', () => {
  it('MdR roles read only their MdR’s questions', () => {
    expect(canReadQuestion(ctx('agent_mdr', 'maison', M1), atD1)).toBe(true);
    expect(canReadQuestion(ctx('responsable_mdr', 'maison', M1), atD1)).toBe(true);
    expect(canReadQuestion(ctx('agent_mdr', 'maison', M2), atD1)).toBe(false);
  });

  it('directions read what they hold or held, nothing else', () => {
    expect(canReadQuestion(ctx('referent', 'direction', D1), atD1)).toBe(true);
    expect(canReadQuestion(ctx('referent', 'direction', D2), { ...atD1, heldByCallerDirection: false })).toBe(false);
    expect(canReadQuestion(ctx('referent', 'direction', D2), { ...atD1, heldByCallerDirection: true })).toBe(true);
    expect(canReadQuestion(ctx('manager', 'direction', D1), atD1)).toBe(true);
  });

  it('network managers read everything; the Cabinet and admins read no question', () => {
    expect(canReadQuestion(ctx('manager', 'reseau'), atD1)).toBe(true);
    expect(canReadQuestion(ctx('cabinet', 'reseau'), atD1)).toBe(false);
    expect(canReadQuestion(ctx('admin', 'reseau'), atD1)).toBe(false);
    expect(canReadQuestion(ctx('manager', 'maison', M2), atD1)).toBe(false);
  });

  it('the MdR side and the siège side each do their own actions', () => {
    const agent = ctx('agent_mdr', 'maison', M1);
    const referent = ctx('referent', 'direction', D1);
    expect(canAct(agent, atD1, 'escalader')).toBe(true);
    expect(canAct(agent, atD1, 'prendre_en_charge')).toBe(false);
    expect(canAct(referent, atD1, 'prendre_en_charge')).toBe(true);
    expect(canAct(referent, atD1, 'clore')).toBe(false);
    expect(canAct(ctx('referent', 'direction', D2), atD1, 'repondre')).toBe(false);
  });

  it('the coordination queue is worked by network managers', () => {
    const coordination = { ...atD1, directionId: null };
    expect(canAct(ctx('manager', 'reseau'), coordination, 'reorienter')).toBe(true);
    expect(canAct(ctx('referent', 'direction', D1), coordination, 'prendre_en_charge')).toBe(false);
    expect(canAct(ctx('manager', 'reseau'), atD1, 'repondre')).toBe(false);
  });

  it('usager data: the recording MdR and the handling référent only', () => {
    expect(canSeeUsager(ctx('agent_mdr', 'maison', M1), atD1)).toBe(true);
    expect(canSeeUsager(ctx('agent_mdr', 'maison', M2), atD1)).toBe(false);
    expect(canSeeUsager(ctx('referent', 'direction', D1, 'r1'), atD1)).toBe(true);
    expect(canSeeUsager(ctx('referent', 'direction', D1, 'r2'), { ...atD1, referentId: 'r1' })).toBe(false);
    expect(canSeeUsager(ctx('referent', 'direction', D1, 'r1'), { ...atD1, referentId: 'r1' })).toBe(true);
    expect(canSeeUsager(ctx('manager', 'reseau'), atD1)).toBe(false);
    expect(canSeeUsager(ctx('referent', 'direction', D2), { ...atD1, heldByCallerDirection: true })).toBe(false);
  });

  it('a correspondent Maison (spécialisation) reads the thème’s questions of other Maisons, read-only', () => {
    const ofM1 = { ...atD1, correspondantDuTheme: true };
    for (const role of ['agent_mdr', 'responsable_mdr'] as const) {
      const m2 = ctx(role, 'maison', M2);
      expect(canReadQuestion(m2, ofM1)).toBe(true);
      expect(enLectureSeule(m2, ofM1)).toBe(true);
      expect(QUESTION_ACTIONS.filter((a) => canAct(m2, ofM1, a))).toEqual([]);
      expect(canWriteMessage(m2, ofM1)).toBe(false);
      expect(canGiveLienSuivi(m2, ofM1)).toBe(false);
      expect(canSeeUsager(m2, ofM1)).toBe(false);
    }
    // Without the spécialisation: not there at all.
    expect(canReadQuestion(ctx('agent_mdr', 'maison', M2), atD1)).toBe(false);
    // A Maison manager, a référent or the Cabinet gain nothing from the flag.
    expect(canReadQuestion(ctx('manager', 'maison', M2), ofM1)).toBe(false);
    expect(canReadQuestion(ctx('referent', 'direction', D2), { ...ofM1, heldByCallerDirection: false })).toBe(false);
    expect(canReadQuestion(ctx('cabinet', 'reseau'), ofM1)).toBe(false);
    // The question's own Maison stays a participant.
    const own = ctx('agent_mdr', 'maison', M1);
    expect(enLectureSeule(own, ofM1)).toBe(false);
    expect(canWriteMessage(own, ofM1)).toBe(true);
    expect(canAct(own, ofM1, 'escalader')).toBe(true);
  });
});

import { AuthContext } from '@app/core';
import { unitesOf } from './unites';

const MAISON = '11111111-1111-4111-8111-111111111111';
const DIRECTION = '22222222-2222-4222-8222-222222222222';

function ctx(partial: Partial<AuthContext>): AuthContext {
  return { userId: 'u', email: 'u@laregion.fr', displayName: 'U', role: 'agent_mdr', perimetre: 'maison', maisonId: null, directionId: null, ...partial };
}

describe('unitesOf', () => {
  it('gives MdR staff their maison', () => {
    expect(unitesOf(ctx({ role: 'agent_mdr', perimetre: 'maison', maisonId: MAISON }))).toEqual([{ type: 'maison', id: MAISON }]);
    expect(unitesOf(ctx({ role: 'responsable_mdr', perimetre: 'maison', maisonId: MAISON }))).toEqual([{ type: 'maison', id: MAISON }]);
  });

  it('gives a référent or a direction manager their direction', () => {
    expect(unitesOf(ctx({ role: 'referent', perimetre: 'direction', directionId: DIRECTION }))).toEqual([{ type: 'direction', id: DIRECTION }]);
    expect(unitesOf(ctx({ role: 'manager', perimetre: 'direction', directionId: DIRECTION }))).toEqual([{ type: 'direction', id: DIRECTION }]);
  });

  it('gives the Cabinet the Cabinet, and network managers and admins the network coordination', () => {
    expect(unitesOf(ctx({ role: 'cabinet', perimetre: 'reseau' }))).toEqual([{ type: 'cabinet', id: null }]);
    expect(unitesOf(ctx({ role: 'manager', perimetre: 'reseau' }))).toEqual([{ type: 'reseau', id: null }]);
    expect(unitesOf(ctx({ role: 'admin', perimetre: 'reseau' }))).toEqual([{ type: 'reseau', id: null }]);
  });

  it('grants nothing when the scope lacks its id (deny by default)', () => {
    expect(unitesOf(ctx({ role: 'agent_mdr', perimetre: 'maison', maisonId: null }))).toEqual([]);
    expect(unitesOf(ctx({ role: 'referent', perimetre: 'reseau' }))).toEqual([]);
  });
});

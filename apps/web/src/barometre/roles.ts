import type { Me } from '../auth/session';

export const isMdr = (role: Me['role']): boolean => role === 'agent_mdr' || role === 'responsable_mdr';

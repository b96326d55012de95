import type { AuthContext } from '@app/core';
import { canActAffectation, canActCommande, canReadCommande, CommandeScope, estEmetteur, refusAffectation, refusCommande, uniteEmettriceOf } from './commande.access';
import { estContact } from './commande.aggregate';
import { ACTIONS_MAISON, AFFECTATION_ACTIONS } from './commande.transitions';

const FOIX = 'maison-foix';
const LIMOUX = 'maison-limoux';
const CARCASSONNE = 'maison-carcassonne';
const DEF = 'direction-def';
const TOURISME = 'direction-tourisme';

function ctx(role: AuthContext['role'], perimetre: AuthContext['perimetre'], unit: string | null = null, email = 'u@relais.demo'): AuthContext {
  return {
    userId: 'u',
    email,
    displayName: 'U',
    role,
    perimetre,
    maisonId: perimetre === 'maison' ? unit : null,
    directionId: perimetre === 'direction' ? unit : null,
  };
}

const cabinet = ctx('cabinet', 'reseau');
const managerDef = ctx('manager', 'direction', DEF);
const agentFoix = ctx('agent_mdr', 'maison', FOIX);
const responsableLimoux = ctx('responsable_mdr', 'maison', LIMOUX);
const agentCarcassonne = ctx('agent_mdr', 'maison', CARCASSONNE);
const managerReseau = ctx('manager', 'reseau');

const emise: CommandeScope = { statut: 'emise', emetteurUnite: { type: 'cabinet', id: null }, maisonIds: [FOIX, LIMOUX], estContact: false };
const brouillon: CommandeScope = { ...emise, statut: 'brouillon', maisonIds: [] };
const deDef: CommandeScope = { ...emise, emetteurUnite: { type: 'direction', id: DEF } };

describe('commande access', () => {
  it('the Cabinet and a direction’s managers issue, for their own unit; nobody else', () => {
    expect(uniteEmettriceOf(cabinet)).toEqual({ type: 'cabinet', id: null });
    expect(uniteEmettriceOf(managerDef)).toEqual({ type: 'direction', id: DEF });
    for (const other of [agentFoix, managerReseau, ctx('referent', 'direction', DEF), ctx('admin', 'reseau'), ctx('manager', 'maison', FOIX)]) {
      expect(uniteEmettriceOf(other)).toBeNull();
    }
    expect(estEmetteur(cabinet, emise)).toBe(true);
    expect(estEmetteur(managerDef, emise)).toBe(false);
    expect(estEmetteur(managerDef, deDef)).toBe(true);
    expect(estEmetteur(ctx('manager', 'direction', TOURISME), deDef)).toBe(false);
    expect(estEmetteur(cabinet, deDef)).toBe(false);
  });

  it('a draft exists only for its issuing unit', () => {
    expect(canReadCommande(cabinet, brouillon)).toBe(true);
    for (const other of [agentFoix, managerReseau, managerDef, ctx('referent', 'direction', DEF)]) {
      expect(canReadCommande(other, { ...brouillon, maisonIds: [FOIX], estContact: true })).toBe(false);
    }
  });

  it('once issued: the targeted MdRs, the contacts who are users, network managers; others get 404', () => {
    expect(canReadCommande(agentFoix, emise)).toBe(true);
    expect(canReadCommande(responsableLimoux, emise)).toBe(true);
    expect(canReadCommande(ctx('manager', 'maison', FOIX), emise)).toBe(true);
    expect(canReadCommande(agentCarcassonne, emise)).toBe(false);
    expect(canReadCommande(managerReseau, emise)).toBe(true);
    expect(canReadCommande(ctx('referent', 'direction', DEF), emise)).toBe(false);
    expect(canReadCommande(ctx('referent', 'direction', DEF), { ...emise, estContact: true })).toBe(true);
    expect(canReadCommande(ctx('admin', 'reseau'), emise)).toBe(false);
    expect(canReadCommande(managerDef, emise)).toBe(false);
    expect(canReadCommande(managerDef, deDef)).toBe(true);
    // Being a contact does not open another MdR's commande to an MdR agent: their MdR decides.
    expect(canReadCommande(agentCarcassonne, { ...emise, estContact: true })).toBe(false);
  });

  it('the issuing side edits, issues and cancels; every reader writes on the fil; nobody asks to close', () => {
    expect(canActCommande(cabinet, brouillon, 'modifier')).toBe(true);
    expect(canActCommande(cabinet, brouillon, 'emettre')).toBe(true);
    expect(canActCommande(cabinet, emise, 'annuler')).toBe(true);
    expect(canActCommande(cabinet, emise, 'clore')).toBe(false);
    expect(canActCommande(agentFoix, emise, 'annuler')).toBe(false);
    expect(canActCommande(managerReseau, emise, 'modifier')).toBe(false);
    expect(canActCommande(agentFoix, emise, 'ecrire')).toBe(true);
    expect(canActCommande(agentCarcassonne, emise, 'ecrire')).toBe(false);
  });

  it('an assignment: its own MdR’s agents and head do the MdR actions, the issuer the others', () => {
    for (const action of AFFECTATION_ACTIONS) {
      const maison = ACTIONS_MAISON.includes(action);
      expect(canActAffectation(agentFoix, emise, action, FOIX)).toBe(maison);
      expect(canActAffectation(ctx('responsable_mdr', 'maison', FOIX), emise, action, FOIX)).toBe(maison);
      // Limoux reads the commande, and never acts on Foix's assignment.
      expect(canActAffectation(responsableLimoux, emise, action, FOIX)).toBe(false);
      // A manager of the MdR follows, and does not act.
      expect(canActAffectation(ctx('manager', 'maison', FOIX), emise, action, FOIX)).toBe(false);
      expect(canActAffectation(cabinet, emise, action, FOIX)).toBe(!maison);
      expect(canActAffectation(managerReseau, emise, action, FOIX)).toBe(false);
      expect(canActAffectation(managerDef, deDef, action, FOIX)).toBe(!maison);
      expect(canActAffectation(managerDef, emise, action, FOIX)).toBe(false);
    }
  });

  it('says why: the role never does it, the assignment is another MdR’s, or the commande another unit’s', () => {
    // The head of Limoux may acknowledge, only not Foix's assignment: the Maison is wrong, not the role.
    expect(refusAffectation(responsableLimoux, emise, 'accuser_reception', FOIX)).toBe('maison');
    expect(refusAffectation(ctx('agent_mdr', 'maison', LIMOUX), emise, 'livrer', FOIX)).toBe('maison');
    expect(refusAffectation(responsableLimoux, emise, 'accuser_reception', LIMOUX)).toBeNull();
    expect(refusAffectation(responsableLimoux, emise, 'valider', LIMOUX)).toBe('role');
    expect(refusAffectation(ctx('manager', 'maison', FOIX), emise, 'accuser_reception', FOIX)).toBe('role');
    expect(refusAffectation(cabinet, emise, 'livrer', FOIX)).toBe('role');
    // A direction's manager issues, but this commande is the Cabinet's.
    expect(refusAffectation(managerDef, emise, 'valider', FOIX)).toBe('unite');
    expect(refusAffectation(managerReseau, emise, 'valider', FOIX)).toBe('role');
    expect(refusCommande(managerDef, emise, 'annuler')).toBe('unite');
    expect(refusCommande(agentFoix, emise, 'annuler')).toBe('role');
    expect(refusCommande(cabinet, emise, 'annuler')).toBeNull();
  });

  it('contacts who are users are matched by e-mail, case and spaces aside', () => {
    const contacts = [{ email: ' Claire.Vidal@Relais.demo ' }, { email: null }];
    expect(estContact(contacts, 'claire.vidal@relais.demo')).toBe(true);
    expect(estContact(contacts, 'autre@relais.demo')).toBe(false);
    expect(estContact([{ email: null }], '')).toBe(false);
  });
});

import { BusinessCalendar, SIEGE_CALENDAR } from '@app/sla';
import { Brief, erreursAnnuaire, erreursBrief, JoursOuvres, parseEcheance, verifierBrief } from './brief';

const now = new Date('2026-12-02T10:00:00+01:00'); // a Wednesday
const M1 = '00000000-0000-4000-8000-0000000000f1';
const M2 = '00000000-0000-4000-8000-0000000000f2';
/** Plenty of time, unless a test says otherwise. */
const large: JoursOuvres = { businessDaysBetween: () => 20 };
const jours = (n: number): JoursOuvres => ({ businessDaysBetween: () => n });

function complet(overrides: Partial<Brief> = {}): Brief {
  return {
    titre: 'Atelier de concertation sur les besoins en formation de la filière BTP',
    objectif: 'Recueillir les besoins des entreprises du BTP sur trois territoires',
    contexte: 'Préparation du plan régional de formation',
    echeance: new Date('2026-12-31T17:00:00+01:00'),
    livrables: [{ id: 'l1', libelle: 'Compte rendu', echeance: new Date('2026-12-18T17:00:00+01:00') }],
    materiel: ['Support de présentation'],
    contacts: [{ nom: 'Claire Vidal', role: 'Chargée de mission', email: 'claire.vidal@laregion.fr', telephone: null }],
    maisonIds: [M1, M2],
    themeId: null,
    budget: null,
    urgent: false,
    justificationUrgence: null,
    ...overrides,
  };
}

const vide: Brief = {
  titre: null,
  objectif: null,
  contexte: null,
  echeance: null,
  livrables: [],
  materiel: null,
  contacts: [],
  maisonIds: [],
  themeId: null,
  budget: null,
  urgent: false,
  justificationUrgence: null,
};

describe('verifierBrief', () => {
  it('a complete brief can be issued, without alert', () => {
    expect(verifierBrief(complet(), now, large)).toEqual({ complet: true, manquants: [], alertes: [], erreurs: [] });
  });

  it('an empty draft lists every required field, in order, each with a French message', () => {
    const v = verifierBrief(vide, now, large);
    expect(v.complet).toBe(false);
    expect(v.manquants).toEqual(['titre', 'objectif', 'echeance', 'livrables', 'materiel', 'contacts', 'maisonIds']);
    expect(v.erreurs.map((e) => e.field)).toEqual(v.manquants);
    expect(v.erreurs.every((e) => /[a-zé]/.test(e.message) && !/ must | should /.test(e.message))).toBe(true);
    expect(v.alertes).toEqual([expect.stringMatching(/contexte/)]);
  });

  it('material: a list, or the explicit "aucun"; an empty list says nothing', () => {
    expect(verifierBrief(complet({ materiel: 'aucun' }), now, large).complet).toBe(true);
    expect(verifierBrief(complet({ materiel: [] }), now, large).manquants).toEqual(['materiel']);
    expect(verifierBrief(complet({ materiel: null }), now, large).manquants).toEqual(['materiel']);
  });

  it('a contact needs a name, a role, and an e-mail or a phone', () => {
    const contacts = [
      { nom: 'A', role: 'B', email: null, telephone: '05 36 49 00 00' },
      { nom: null, role: '  ', email: null, telephone: null },
    ];
    const v = verifierBrief(complet({ contacts }), now, large);
    expect(v.manquants).toEqual(['contacts[1].nom', 'contacts[1].role', 'contacts[1].email']);
    expect(v.erreurs.find((e) => e.field === 'contacts[1].email')!.message).toMatch(/e-mail ou un téléphone/);
  });

  it('a deliverable needs a label, and is never due after the commande nor in the past', () => {
    const livrables = [
      { id: 'a', libelle: 'Compte rendu', echeance: null },
      { id: 'b', libelle: ' ', echeance: new Date('2027-01-15T12:00:00+01:00') },
      { id: 'c', libelle: 'Liste', echeance: new Date('2026-11-30T12:00:00+01:00') },
    ];
    const v = verifierBrief(complet({ livrables }), now, large);
    expect(v.manquants).toEqual(['livrables[1].libelle', 'livrables[1].echeance', 'livrables[2].echeance']);
    expect(v.erreurs.find((e) => e.field === 'livrables[1].echeance')!.message).toMatch(/après l’échéance de la commande/);
    expect(v.erreurs.find((e) => e.field === 'livrables[2].echeance')!.message).toMatch(/passée/);
  });

  it('a past deadline is to fix, and said in an alert', () => {
    const v = verifierBrief(complet({ echeance: new Date('2026-12-01T17:00:00+01:00'), livrables: [{ id: 'l', libelle: 'CR', echeance: null }] }), now, large);
    expect(v.manquants).toEqual(['echeance']);
    expect(v.alertes).toEqual([expect.stringMatching(/L’échéance \(1 décembre 2026\) est passée/)]);
  });

  it('an MdR listed twice is refused', () => {
    expect(verifierBrief(complet({ maisonIds: [M1, M2, M1.toUpperCase()] }), now, large).manquants).toEqual(['maisonIds']);
  });

  describe('minimum lead time', () => {
    it('a deadline closer than the policy needs urgent and a justification', () => {
      const v = verifierBrief(complet(), now, jours(3));
      expect(v.complet).toBe(false);
      expect(v.manquants).toEqual(['urgent', 'justificationUrgence']);
      expect(v.alertes).toEqual([expect.stringMatching(/ne laisse que 3 jours ouvrés.*délai minimum de 5/)]);
    });

    it('urgent without justification is still missing the justification', () => {
      expect(verifierBrief(complet({ urgent: true }), now, jours(1)).manquants).toEqual(['justificationUrgence']);
      expect(verifierBrief(complet({ urgent: true, justificationUrgence: '  ' }), now, jours(1)).manquants).toEqual(['justificationUrgence']);
    });

    it('urgent and justified: complete, with an alert that says how short it is', () => {
      const v = verifierBrief(complet({ urgent: true, justificationUrgence: 'Demande de la Présidente pour la session plénière' }), now, jours(1));
      expect(v.complet).toBe(true);
      expect(v.alertes).toEqual([expect.stringMatching(/Commande urgente : l’échéance ne laisse que 1 jour ouvré/)]);
    });

    it('exactly the policy is enough; urgent without need is flagged, not refused', () => {
      expect(verifierBrief(complet(), now, jours(5)).complet).toBe(true);
      const v = verifierBrief(complet({ urgent: true, justificationUrgence: 'x' }), now, jours(8));
      expect(v.complet).toBe(true);
      expect(v.alertes).toEqual([expect.stringMatching(/marquée urgente alors que l’échéance laisse 8 jours ouvrés/)]);
    });

    it('the policy is a parameter (0 disables the rule)', () => {
      expect(verifierBrief(complet(), now, jours(3), 3).complet).toBe(true);
      expect(verifierBrief(complet(), now, jours(0), 0).complet).toBe(true);
      expect(verifierBrief(complet(), now, jours(9), 10).manquants).toEqual(['urgent', 'justificationUrgence']);
    });

    it('counts the siège’s business days: weekends and public holidays do not count', () => {
      const siege = new BusinessCalendar(SIEGE_CALENDAR);
      // From Wednesday 2 December: Thu 3, Fri 4, Mon 7, Tue 8 = 4 days; Wed 9 is the 5th.
      expect(verifierBrief(complet({ echeance: parseEcheance('2026-12-08'), livrables: [] }), now, siege).manquants).toEqual([
        'livrables',
        'urgent',
        'justificationUrgence',
      ]);
      const cr = [{ id: 'l', libelle: 'CR', echeance: null }];
      expect(verifierBrief(complet({ echeance: parseEcheance('2026-12-09'), livrables: cr }), now, siege).complet).toBe(true);
      // From Monday 21 December to Monday 28: Christmas Day does not count (22, 23, 24, 28).
      const christmas = new Date('2026-12-21T09:00:00+01:00');
      const brief = complet({ echeance: parseEcheance('2026-12-28'), livrables: cr });
      expect(verifierBrief(brief, christmas, siege).alertes).toEqual([expect.stringMatching(/ne laisse que 4 jours ouvrés/)]);
    });
  });
});

describe('erreursBrief: what a draft may never hold', () => {
  it('accepts an incomplete draft', () => {
    expect(erreursBrief(vide, now)).toEqual([]);
    expect(erreursBrief({ ...vide, titre: 'Atelier', echeance: new Date('2026-12-03T12:00:00+01:00') }, now)).toEqual([]);
  });

  it('refuses a past deadline, a deliverable after the deadline, an MdR twice — not a short lead time', () => {
    const fields = erreursBrief(
      complet({
        echeance: new Date('2026-12-01T00:00:00+01:00'),
        livrables: [{ id: 'x', libelle: 'CR', echeance: new Date('2026-12-20T00:00:00+01:00') }],
        maisonIds: [M1, M1],
      }),
      now,
    ).map((e) => e.field);
    expect(fields).toEqual(['echeance', 'livrables[0].echeance', 'maisonIds']);
  });

  it('names unknown MdRs and thème from the directory check', () => {
    expect(erreursAnnuaire({ maisonsInconnues: [M1], themeInconnu: true })).toEqual([
      { field: 'maisonIds', message: expect.stringMatching(/Cette Maison de la Région n’existe pas.*0000000000f1/) },
      { field: 'themeId', message: 'Ce thème n’existe pas dans l’annuaire.' },
    ]);
    expect(erreursAnnuaire({ maisonsInconnues: [], themeInconnu: false })).toEqual([]);
  });
});

describe('parseEcheance', () => {
  it('a date means the end of that day in Paris', () => {
    expect(parseEcheance('2026-12-18')!.toISOString()).toBe('2026-12-18T22:59:59.999Z');
    expect(parseEcheance('2026-07-14')!.toISOString()).toBe('2026-07-14T21:59:59.999Z');
  });

  it('a date-time keeps its offset', () => {
    expect(parseEcheance('2026-12-18T17:00:00+01:00')!.toISOString()).toBe('2026-12-18T16:00:00.000Z');
    expect(parseEcheance('2026-12-18T16:00Z')!.toISOString()).toBe('2026-12-18T16:00:00.000Z');
    expect(parseEcheance('2026-12-18T17:00:00.250+01:00')!.toISOString()).toBe('2026-12-18T16:00:00.250Z');
  });

  it.each(['2026-02-30', '2026-13-01', '18/12/2026', '2026-12-18T17:00:00', '2026-12-18 17:00+01:00', 'demain', '', '2026-12-18T25:00Z'])(
    'refuses %j',
    (value) => {
      expect(parseEcheance(value)).toBeNull();
    },
  );
});

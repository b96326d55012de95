import { AFFECTATION_STATUTS, AffectationStatut } from '@app/commandes';
import type { TableauCommandes } from './commandes/commandes-dashboard';
import { jourParis, tableauCommandesCsv, tableauSlaCsv } from './csv-exports';
import type { TableauSla } from './sla/sla-dashboard';

const lignes = (csv: string) => csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
const parStatut = Object.fromEntries(AFFECTATION_STATUTS.map((s) => [s, 0])) as Record<AffectationStatut, number>;

function tableauCommandes(emiseLe: string, echeance: string | null): TableauCommandes {
  return {
    perimetre: { type: 'reseau', id: null, libelle: 'Réseau' },
    du: '2026-10-01',
    au: '2026-12-31',
    genereA: '2026-12-22T09:00:00.000Z',
    total: { commandes: 1, recues: 1, aTemps: 0, enRetard: 0, enCours: 1 },
    maisons: [],
    commandes: [
      {
        id: 'c1',
        reference: 'C-2026-000001',
        titre: 'Atelier',
        statut: 'emise',
        emetteur: { type: 'cabinet', id: null, libelle: 'Cabinet' },
        emiseLe,
        echeance,
        affectations: 1,
        parStatut,
        enRetard: 0,
        avancementMoyenPct: 40,
        livrables: { faits: 1, total: 2 },
      },
    ],
    nextCursor: null,
  };
}

function tableauSla(overrides: Partial<TableauSla> = {}): TableauSla {
  const delai = { medianeMinutesOuvrees: 270, p90MinutesOuvrees: 1440, termines: 4 };
  return {
    perimetre: { type: 'reseau', id: null, libelle: 'Réseau' },
    referentId: null,
    flux: 'question',
    du: '2026-11-02',
    au: '2026-11-22',
    genereA: '2026-11-25T09:00:00.000Z',
    donneesPeriodeA: '2026-11-25T08:59:00.000Z',
    maintenant: { ouverts: 4, aRisque: 2, depasses: 1, anciennete: [{ tranche: 'moins_1', libelle: 'Moins d’un jour ouvré', ouverts: 1 }] },
    conformite: [
      { horloge: 'prise_en_charge', termines: 6, aTemps: 5, tauxPct: 83.3 },
      { horloge: 'reponse', termines: 4, aTemps: 3, tauxPct: 75 },
    ],
    delais: { premiereReponse: { horloge: 'prise_en_charge', ...delai }, resolution: { horloge: 'reponse', ...delai } },
    tempsParDetenteur: { maison: 1380, siege: 2040, usager: 1440, cabinet: 0 },
    tendance: [],
    repartition: { directions: [], maisons: [], referents: [] },
    ...overrides,
  };
}

describe('CSV exports', () => {
  it('writes the commandes’ dates as Paris days: 00:30 in Paris is that day, not the UTC day before', () => {
    // 00:30 on 2 December and on 15 January in Paris are 23:30 UTC the day before.
    const csv = tableauCommandesCsv(tableauCommandes('2026-12-01T23:30:00.000Z', '2027-01-14T23:30:00.000Z'));
    expect(lignes(csv)[1]).toBe('Commande;C-2026-000001;Atelier;2026-12-02;2027-01-15;1;;;0;;40;1;2');
    // Summer time too: 00:30 on 1 July in Paris is 22:30 UTC on 30 June.
    expect(jourParis('2027-06-30T22:30:00.000Z')).toBe('2027-07-01');
    // The end-of-day deadline a calendar date stands for stays on its day.
    expect(jourParis('2026-12-18T22:59:59.999Z')).toBe('2026-12-18');
    expect(lignes(tableauCommandesCsv(tableauCommandes('2026-12-02T09:00:00.000Z', null)))[1]).toBe('Commande;C-2026-000001;Atelier;2026-12-02;;1;;;0;;40;1;2');
  });

  it('the SLA export names its flux and freshness, counts clocks under a clocks header, and keeps held minutes in their own column', () => {
    const rows = lignes(tableauSlaCsv(tableauSla())).map((l) => l.split(';'));
    const header = rows[0];
    expect(header).toEqual([
      'Section',
      'Libellé',
      'Questions ouvertes',
      'dont à risque',
      'dont dépassées',
      'Horloges terminées sur la période',
      'dont dans les délais',
      'Conformité (%)',
      'Médiane de résolution (minutes ouvrées)',
      'Temps détenu (minutes ouvrées)',
    ]);
    expect(rows.every((r) => r.length === header.length)).toBe(true);
    const ligne = (section: string, libelle?: string) => rows.find((r) => r[0] === section && (libelle === undefined || r[1] === libelle))!;
    expect(ligne('Flux')[1]).toBe('Questions');
    // 08:59 UTC on 25 November is 09:59 in Paris.
    expect(ligne('Chiffres de la période à jour au')[1]).toBe('2026-11-25 09:59 (heure de Paris)');
    expect(ligne('Chiffres « ouverts » lus le')[1]).toBe('2026-11-25 10:00 (heure de Paris)');
    // 10 clocks ended (6 claims + 4 answers), whatever the number of questions.
    expect(ligne('Total')).toEqual(['Total', 'Réseau du 2026-11-02 au 2026-11-22', '4', '2', '1', '10', '8', '80', '270', '']);
    const col = (name: string) => header.indexOf(name);
    const siege = ligne('Temps par détenteur', 'Siège');
    expect(siege[col('Temps détenu (minutes ouvrées)')]).toBe('2040');
    expect(siege[col('Questions ouvertes')]).toBe('');
    expect(ligne('Ancienneté')[col('Questions ouvertes')]).toBe('1');
  });

  it('the commande flux says so: open assignments, and freshness not computed yet', () => {
    const rows = lignes(tableauSlaCsv(tableauSla({ flux: 'commande', donneesPeriodeA: null }))).map((l) => l.split(';'));
    expect(rows[0][2]).toBe('Affectations ouvertes');
    expect(rows.find((r) => r[0] === 'Flux')![1]).toBe('Commandes (par affectation)');
    expect(rows.find((r) => r[0] === 'Chiffres de la période à jour au')![1]).toBe('pas encore calculés');
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json } from '../../test/fake-api';
import { renderInApp } from '../../test/render';
import { setSession } from '../auth/session';
import { AffectationPage } from './AffectationPage';
import type { FilEvent as FilEvenement } from '../fil/events';
import type { Affectation, Commande } from './labels';

// The API client keeps the fetch it finds when it is created: stub it before anything imports it.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn();
  globalThis.fetch = mock as unknown as typeof fetch;
  return mock;
});

const COMMANDE = 'c0000000-0000-4000-8000-000000000001';
const AFF = 'a0000000-0000-4000-8000-000000000001';
const AUTRE = 'a0000000-0000-4000-8000-000000000002';
const FOIX = 'f0000000-0000-4000-8000-000000000001';
const LIMOUX = 'f0000000-0000-4000-8000-000000000002';
const CR = '10000000-0000-4000-8000-000000000001';
const LISTE = '10000000-0000-4000-8000-000000000002';

function affectation(over: Partial<Affectation> = {}): Affectation {
  return {
    id: AFF,
    commandeId: COMMANDE,
    maison: { id: FOIX, nom: 'Maison de Ma Région – Foix' },
    statut: 'renvoyee',
    statutAvantClarification: null,
    pourcentage: 80,
    livrablesFaits: [CR],
    livrables: [
      { id: CR, libelle: 'Compte rendu de l’atelier', echeance: null, fait: true, enRetard: false },
      { id: LISTE, libelle: 'Liste des entreprises participantes', echeance: '2026-12-16T22:59:59.999Z', fait: false, enRetard: false },
    ],
    enRetard: false,
    joursDeRetard: 0,
    accuseeAt: '2026-12-02T10:00:00Z',
    livreeAt: '2026-12-08T10:00:00Z',
    valideeAt: null,
    annuleeAt: null,
    livraison: { note: 'Compte rendu joint.', liens: ['https://partage.laregion.fr/cr.pdf'] },
    motifRenvoi: 'La liste des entreprises participantes manque.',
    version: 7,
    actions: ['demander_clarification', 'signaler_avancement', 'livrer'],
    sla: [],
    ...over,
  } as Affectation;
}

function commande(a: Affectation): Commande {
  return {
    id: COMMANDE,
    reference: 'C-2026-000042',
    statut: 'emise',
    titre: 'Atelier de concertation BTP',
    objectif: 'Recueillir les besoins en formation.',
    contexte: 'Révision du plan régional.',
    echeance: '2026-12-18T22:59:59.999Z',
    livrables: a.livrables.map(({ id, libelle, echeance }) => ({ id, libelle, echeance })),
    materiel: ['Questionnaire aux entreprises'],
    contacts: [{ nom: 'Accueil du Cabinet', role: 'Secrétariat', email: null, telephone: '05 36 49 00 01', utilisateurId: null }],
    maisons: [
      { id: FOIX, nom: 'Maison de Ma Région – Foix' },
      { id: LIMOUX, nom: 'Maison de Ma Région – Limoux' },
    ],
    theme: null,
    budget: 1500,
    urgent: false,
    justificationUrgence: null,
    emetteur: { id: 'u1', displayName: 'Vincent Carrère', unite: { type: 'cabinet', id: null, nom: 'Cabinet' } },
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
    emiseAt: '2026-12-01T11:00:00Z',
    closeAt: null,
    annuleeAt: null,
    motifAnnulation: null,
    version: 2,
    affectations: [a, { ...a, id: AUTRE, maison: { id: LIMOUX, nom: 'Maison de Ma Région – Limoux' }, statut: 'envoyee', pourcentage: 0, actions: [] }],
    resume: { parStatut: {} as never, enRetard: 0, progressionMoyenne: 40, livrablesFaits: 1, livrablesTotal: 4 },
    actions: ['ecrire'],
    sla: [],
  } as Commande;
}

const acteur = (displayName: string) => ({ id: 'u', displayName, role: 'agent_mdr' }) as FilEvenement['acteur'];
const fil: FilEvenement[] = [
  { seq: 1, type: 'commande.emise', at: '2026-12-01T11:00:00Z', acteur: acteur('Vincent Carrère'), visibilite: 'partage', data: {}, hash: 'a', previousHash: null },
  { seq: 2, type: 'affectation.clarification_demandee', at: '2026-12-02T11:00:00Z', acteur: acteur('Claire Vidal'), visibilite: 'partage', data: { affectationId: AFF, maisonId: FOIX, question: 'Les artisans aussi ?' }, hash: 'b', previousHash: 'a' },
  { seq: 3, type: 'affectation.clarification_apportee', at: '2026-12-02T15:00:00Z', acteur: acteur('Vincent Carrère'), visibilite: 'partage', data: { affectationId: AFF, maisonId: FOIX, reponse: 'Oui, les artisans aussi.' }, hash: 'c', previousHash: 'b' },
  { seq: 4, type: 'affectation.renvoyee', at: '2026-12-09T10:00:00Z', acteur: acteur('Vincent Carrère'), visibilite: 'partage', data: { affectationId: AFF, maisonId: FOIX, motif: 'La liste des entreprises participantes manque.' }, hash: 'd', previousHash: 'c' },
];


let current: Affectation;
let posted: Array<{ url: string; ifMatch: string | null; body: unknown }>;

beforeEach(() => {
  setSession({ token: 't', user: { id: 'u1', email: 'agent.foix@relais.demo', displayName: 'Claire Vidal', role: 'agent_mdr', maisonId: FOIX, directionId: null, perimetre: 'maison' } });
  current = affectation();
  posted = [];
  fetchMock.mockReset();
  fetchMock.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    if (request.method === 'POST') {
      const body = await request.json();
      posted.push({ url: path, ifMatch: request.headers.get('if-match'), body });
      if (path.endsWith('/avancement')) {
        const b = body as { pourcentage: number; livrablesFaits: string[] };
        current = affectation({
          statut: 'en_cours',
          motifRenvoi: 'La liste des entreprises participantes manque.',
          pourcentage: b.pourcentage,
          livrablesFaits: b.livrablesFaits,
          livrables: current.livrables.map((l) => ({ ...l, fait: b.livrablesFaits.includes(l.id) })),
          version: current.version + 1,
        });
        return json({ ...current, commande: { id: COMMANDE, reference: 'C-2026-000042', titre: 'x', statut: 'emise', echeance: null, version: 2 } });
      }
      if (path.endsWith('/messages')) {
        const b = body as { texte: string };
        if (!b.texte) return json({ type: 'about:blank', title: 'Requête invalide', status: 400, detail: 'texte', errors: [{ field: 'texte', message: 'Le texte est obligatoire.' }] }, 400);
        return json(commande(current), 201);
      }
      return json({ type: 'about:blank', title: 'Conflit', status: 409, detail: 'Non.' }, 409);
    }
    if (path === `/api/v1/affectations/${AFF}`) return json({ ...current, commande: { id: COMMANDE, reference: 'C-2026-000042', titre: 'x', statut: 'emise', echeance: null, version: 2 } });
    if (path === `/api/v1/commandes/${COMMANDE}`) return json(commande(current));
    if (path === `/api/v1/commandes/${COMMANDE}/fil`) return json(fil);
    if (path === `/api/v1/commandes/${COMMANDE}/fil/verification`) return json({ valide: true, evenements: 4, premiereAnomalie: null, anterieursAuMac: 0, tete: {}, sceau: null });
    return json({ type: 'about:blank', title: 'Introuvable', status: 404, detail: 'Introuvable.' }, 404);
  });
});

const renderPage = () =>
  renderInApp(
    <Routes>
      <Route path="/commandes-recues/:affectationId" element={<AffectationPage />} />
    </Routes>,
    { route: `/commandes-recues/${AFF}` },
  );

describe('AffectationPage (the Maison’s share of a commande)', () => {
  it('shows the brief, the send-back motif, the clarification with its answer, and only the actions the affectation allows', async () => {
    renderPage();
    await screen.findByRole('heading', { level: 1, name: 'Atelier de concertation BTP' });
    expect(screen.getByText(/^Échéance :/).textContent).toContain('vendredi 18 décembre 2026');
    expect(screen.getByText('La liste des entreprises participantes manque.', { selector: '.motif' })).toBeInTheDocument();
    const clarifications = await screen.findByRole('region', { name: 'Clarifications' });
    expect(within(clarifications).getByText('Les artisans aussi ?')).toBeInTheDocument();
    expect(within(clarifications).getByText('Oui, les artisans aussi.')).toBeInTheDocument();
    const brief = screen.getByRole('region', { name: 'Cahier des charges' });
    expect(within(brief).getByText('Questionnaire aux entreprises')).toBeInTheDocument();
    expect(within(brief).getByRole('link', { name: '05 36 49 00 01' })).toHaveAttribute('href', 'tel:0536490001');
    expect(within(brief).getByText(/1\s500,00\s€/)).toBeInTheDocument();

    const actions = screen.getByRole('region', { name: 'Actions' });
    expect(within(actions).getByRole('button', { name: 'Livrer à nouveau…' })).toBeInTheDocument();
    expect(within(actions).getByRole('button', { name: 'Demander une clarification…' })).toBeInTheDocument();
    expect(within(actions).queryByRole('button', { name: 'Accuser réception' })).toBeNull();
    // The other Maison's row, for everyone involved follows progress.
    const maisons = screen.getByRole('region', { name: 'Avancement des Maisons' });
    expect(within(maisons).getByText('Limoux')).toBeInTheDocument();
    expect(within(maisons).getByText('Foix').closest('tr')).toHaveTextContent('(votre Maison)');
    expect(screen.getByText(/Votre Maison \(Foix\)/)).toBeInTheDocument();
    await screen.findByText('Fil intègre, 4 événements vérifiés');
    // The one shared fil, with the commande's phrases: the Maison by its short name, the words people wrote.
    const fil = screen.getByRole('region', { name: 'Fil de la commande' });
    const renvoi = within(fil).getByText('Vincent Carrère a renvoyé la livraison (Foix)').closest('li')!;
    expect(within(renvoi).getByText('La liste des entreprises participantes manque.')).toBeInTheDocument();
    expect(within(fil).getByText('Claire Vidal a demandé une clarification (Foix)')).toBeInTheDocument();
    expect(within(fil).getByText('Vincent Carrère a répondu à la demande de clarification (Foix)')).toBeInTheDocument();
    expect(within(fil).getByText(/^Délai suspendu du 2 déc\. 2026, 12:00 au 2 déc\. 2026, 16:00, le temps d’obtenir la clarification demandée\.$/)).toBeInTheDocument();
  });

  it('ticks a deliverable and reports progress with the affectation’s version in If-Match, then shows the new figures', async () => {
    const user = userEvent.setup();
    renderPage();
    await user.click(await screen.findByLabelText('Liste des entreprises participantes'));
    await user.clear(screen.getByLabelText('Avancement (en %)'));
    await user.type(screen.getByLabelText('Avancement (en %)'), '95');
    await user.click(screen.getByRole('button', { name: 'Signaler l’avancement' }));

    await screen.findByText('Avancement enregistré.');
    expect(posted).toEqual([{ url: `/api/v1/affectations/${AFF}/avancement`, ifMatch: '"7"', body: { pourcentage: 95, note: null, livrablesFaits: [CR, LISTE] } }]);
    await waitFor(() => expect(screen.getByText(/Avancement de votre Maison/).textContent).toContain('95 %'));
    expect(screen.getByRole('group', { name: 'Livrables faits (2 sur 2)' })).toBeInTheDocument();
  });

  it('writes an internal note on the fil (the text required, next to the field), then empties the field', async () => {
    const user = userEvent.setup();
    renderPage();
    const form = await screen.findByRole('region', { name: 'Écrire sur le fil' });
    const texte = within(form).getByRole('textbox', { name: 'Texte du message' });
    await user.click(within(form).getByRole('button', { name: 'Publier le message' }));
    await waitFor(() => expect(texte).toHaveAccessibleDescription('Le texte est obligatoire.'));
    await user.click(within(form).getByRole('radio', { name: 'Note interne : votre Maison seulement' }));
    await user.type(within(form).getByRole('textbox', { name: 'Texte de la note interne' }), 'Relancer la fédération du BTP.');
    await user.click(within(form).getByRole('button', { name: 'Enregistrer la note interne' }));
    await within(form).findByText('Note interne enregistrée, visible de votre Maison seulement.');
    expect(texte).toHaveValue('');
    expect(posted.at(-1)).toEqual({ url: `/api/v1/commandes/${COMMANDE}/messages`, ifMatch: null, body: { texte: 'Relancer la fédération du BTP.', visibilite: 'interne' } });
  });

  it('offers no action when the affectation allows none (a Maison head reading another’s, a closed commande)', async () => {
    current = affectation({ statut: 'validee', actions: [], motifRenvoi: null, valideeAt: '2026-12-10T10:00:00Z' });
    renderPage();
    const actions = await screen.findByRole('region', { name: 'Actions' });
    expect(within(actions).queryAllByRole('button')).toEqual([]);
    expect(within(actions).getByText('Aucune action possible pour vous sur cette commande maintenant.')).toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.getByText(/La livraison de votre Maison a été validée/)).toBeInTheDocument();
  });

  it('says so when the affectation cannot be read', async () => {
    fetchMock.mockImplementation(async () => json({ type: 'about:blank', title: 'Introuvable', status: 404, detail: 'Cette affectation n’existe pas ou vous n’y avez pas accès.' }, 404));
    renderPage();
    await screen.findByRole('heading', { level: 1, name: 'Commande introuvable' });
    expect(screen.getByRole('alert')).toHaveTextContent('Cette affectation n’existe pas ou vous n’y avez pas accès.');
  });
});

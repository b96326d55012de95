import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { api } from '../api/client';
import { Timeline, type FilEvent, type FilVerification, TimelineView } from './Timeline';

const CLAIRE = { id: '11111111-1111-4111-8111-111111111111', displayName: 'Claire Vidal', role: 'agent_mdr' };
const CELINE = { id: '22222222-2222-4222-8222-222222222222', displayName: 'Céline Granier', role: 'referent' };
const TOURISME = '33333333-3333-4333-8333-333333333333';

let seq = 0;
function event(type: string, at: string, over: Partial<FilEvent> = {}): FilEvent {
  seq += 1;
  return { seq, type, at, acteur: CLAIRE, visibilite: 'partage', data: {}, hash: `h${seq}`, previousHash: seq > 1 ? `h${seq - 1}` : null, ...over };
}

/** The Ec'Eau Tourisme question: recorded, escalated, claimed, a pause for information, a warning, notes, a breach. */
function fil(): FilEvent[] {
  seq = 0;
  return [
    event('question.recue', '2026-12-07T08:30:00Z'),
    event('question.escaladee', '2026-12-07T08:45:00Z', { data: { directionId: TOURISME, message: 'Dossier complet.' } }),
    event('question.prise_en_charge', '2026-12-07T09:00:00Z', { acteur: CELINE }),
    event('question.information_demandee', '2026-12-07T10:00:00Z', { acteur: CELINE, data: { message: 'Combien d’emplacements ?' } }),
    event('question.message', '2026-12-07T10:10:00Z', { visibilite: 'interne', data: { texte: 'Appeler le camping demain matin.' } }),
    event('question.information_fournie', '2026-12-07T11:30:00Z', { data: { message: '120 emplacements.' } }),
    event('sla.avertissement', '2026-12-08T09:00:00Z', { acteur: null, data: { horloge: 'reponse', echeance: '2026-12-08T09:00:00Z' } }),
    event('question.message', '2026-12-08T09:05:00Z', { data: { texte: 'L’usager a rappelé, il attend.' } }),
    event('sla.depassement', '2026-12-08T15:00:00Z', { acteur: null, data: { horloge: 'reponse', echeance: '2026-12-08T15:00:00Z' } }),
  ];
}

const valide = (evenements: number): FilVerification => ({
  valide: true,
  evenements,
  premiereAnomalie: null,
  anterieursAuMac: 0,
  tete: { seq: evenements, cle: 'k1', valide: true },
  sceau: null,
});

const item = (text: string | RegExp) => screen.getByText(text).closest('li')!;

describe('TimelineView', () => {
  it('says who did what when, in plain French, with the words each event carries', () => {
    renderInApp(<TimelineView events={fil()} verification={valide(9)} titre="Fil de la question" noms={{ directions: new Map([[TOURISME, 'Direction du Tourisme']]) }} />);
    expect(screen.getByRole('heading', { level: 2, name: 'Fil de la question' })).toBeInTheDocument();
    expect(screen.getByText('Claire Vidal a enregistré la question')).toBeInTheDocument();
    expect(screen.getByText('Claire Vidal a transmis la question au siège : Direction du Tourisme')).toBeInTheDocument();
    expect(screen.getByText('Céline Granier a pris la question en charge')).toBeInTheDocument();
    expect(screen.getByText('Céline Granier a demandé une information à la Maison')).toBeInTheDocument();
    expect(within(item('Céline Granier a demandé une information à la Maison')).getByText('Combien d’emplacements ?')).toBeInTheDocument();
    expect(screen.getByText('Claire Vidal a fourni l’information demandée')).toBeInTheDocument();
    // Times in French, Europe/Paris (08:30 UTC is 09:30 in Paris in December).
    const first = within(item('Claire Vidal a enregistré la question')).getByText(/7 déc\. 2026/);
    expect(first.tagName).toBe('TIME');
    expect(first).toHaveTextContent('09:30');
    expect(first).toHaveAttribute('datetime', '2026-12-07T08:30:00Z');
    // Never a raw event type.
    expect(screen.queryByText(/question\./)).toBeNull();
  });

  it('marks an internal note in words ("Note interne"), not by colour only, and a shared message as a message', () => {
    renderInApp(<TimelineView events={fil()} verification={valide(9)} />);
    const note = item('Claire Vidal a écrit une note interne');
    expect(within(note).getByText('Note interne')).toHaveClass('badge');
    expect(within(note).getByText('Appeler le camping demain matin.')).toBeInTheDocument();
    expect(within(note).getByText('Visible de votre unité seulement.')).toBeInTheDocument();
    expect(note).toHaveClass('event-interne');
    const message = item('Claire Vidal a écrit un message');
    expect(within(message).queryByText('Note interne')).toBeNull();
    expect(message).not.toHaveClass('event-interne');
    expect(within(message).getByText('L’usager a rappelé, il attend.')).toBeInTheDocument();
  });

  it('shows SLA warnings and breaches in line, each with its own words and look', () => {
    renderInApp(<TimelineView events={fil()} verification={valide(9)} />);
    const warning = item('Délai de réponse à risque : le seuil d’alerte est atteint');
    expect(within(warning).getByText('Délai à risque')).toHaveClass('badge-warning');
    expect(warning).toHaveClass('event-sla-avertissement');
    const breach = item(/^Délai de réponse dépassé : l’échéance du 8 déc\. 2026, 16:00 est passée$/);
    expect(within(breach).getByText('Délai dépassé')).toHaveClass('badge-danger');
    expect(breach).toHaveClass('event-sla-depassement');
    // In seq order, between the events around them.
    const items = screen.getAllByRole('listitem');
    expect(items.indexOf(warning)).toBeLessThan(items.indexOf(breach));
    expect(items.indexOf(item('Claire Vidal a écrit un message'))).toBe(items.indexOf(warning) + 1);
  });

  it('shows the paused period (asked → provided) right after the request, and the resumption', () => {
    renderInApp(<TimelineView events={fil()} verification={valide(9)} />);
    const pause = item(/^Délai suspendu du 7 déc\. 2026, 11:00 au 7 déc\. 2026, 12:30, le temps d’obtenir l’information demandée à la Maison\.$/);
    expect(pause).toHaveClass('event-pause');
    const items = screen.getAllByRole('listitem');
    expect(items.indexOf(pause)).toBe(items.indexOf(item('Céline Granier a demandé une information à la Maison')) + 1);
    expect(within(item('Claire Vidal a fourni l’information demandée')).getByText('Le délai reprend.')).toBeInTheDocument();
  });

  it('says a pause still running as such', () => {
    const events = fil().slice(0, 5);
    renderInApp(<TimelineView events={events} verification={valide(5)} />);
    expect(screen.getByText(/^Délai suspendu depuis le 7 déc\. 2026, 11:00, en attendant l’information demandée à la Maison\.$/)).toBeInTheDocument();
    expect(screen.queryByText('Le délai reprend.')).toBeNull();
  });

  it('says the fil is intact with the number of events checked (French plural), or where it was altered', () => {
    const { rerender } = renderInApp(<TimelineView events={fil()} verification={valide(9)} />);
    expect(screen.getByText('Fil intègre, 9 événements vérifiés')).toBeInTheDocument();
    rerender(<TimelineView events={fil().slice(0, 1)} verification={valide(1)} />);
    expect(screen.getByText('Fil intègre, 1 événement vérifié')).toBeInTheDocument();
    rerender(
      <TimelineView
        events={fil()}
        verification={{ ...valide(9), valide: false, premiereAnomalie: 4, anomalie: { seq: 4, raison: 'MAC invalide' }, tete: { seq: 9, cle: 'k1', valide: false } }}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Fil altéré : anomalie à l’événement n° 4 (MAC invalide), 9 événements examinés');
    expect(alert).toHaveClass('ko');
    expect(screen.queryByText(/Fil intègre/)).toBeNull();
  });

  it('says when some events of the fil are not shown (another unit’s internal notes)', () => {
    renderInApp(<TimelineView events={fil()} verification={valide(11)} />);
    expect(screen.getByText(/2 événements ne vous sont pas montrés \(notes internes d’une autre unité\)/)).toBeInTheDocument();
  });

  it('phrases a commande’s events too (the same component serves commandes)', () => {
    seq = 0;
    const maison = '44444444-4444-4444-8444-444444444444';
    const affectation = '55555555-5555-4555-8555-555555555555';
    const events = [
      event('commande.emise', '2026-12-07T08:00:00Z', { data: { affectations: [{ affectationId: affectation, maisonId: maison }, { affectationId: 'x', maisonId: 'x' }, { affectationId: 'y', maisonId: 'y' }] } }),
      event('affectation.clarification_demandee', '2026-12-07T09:00:00Z', { data: { affectationId: affectation, maisonId: maison, question: 'Quel format ?' } }),
      event('affectation.clarification_apportee', '2026-12-07T10:00:00Z', { acteur: CELINE, data: { affectationId: affectation, maisonId: maison, reponse: 'PDF.' } }),
      event('affectation.avancement_signale', '2026-12-07T11:00:00Z', { data: { affectationId: affectation, maisonId: maison, pourcentage: 40 } }),
    ];
    renderInApp(<TimelineView events={events} verification={valide(4)} noms={{ maisons: new Map([[maison, 'Maison de Ma Région – Foix']]) }} />);
    expect(screen.getByText('Claire Vidal a émis la commande vers 3 Maisons')).toBeInTheDocument();
    expect(within(item('Claire Vidal a demandé une clarification (Foix)')).getByText('Quel format ?')).toBeInTheDocument();
    expect(within(item('Céline Granier a répondu à la demande de clarification (Foix)')).getByText('PDF.')).toBeInTheDocument();
    expect(within(item('Claire Vidal a signalé l’avancement (Foix)')).getByText('40 %')).toBeInTheDocument();
    expect(screen.getByText(/^Délai suspendu du 7 déc\. 2026, 10:00 au 7 déc\. 2026, 11:00, le temps d’obtenir la clarification demandée\.$/)).toBeInTheDocument();
  });

  it('names a commande’s deliverables and the Maison of an SLA event (through its affectation), and links a delivery’s documents', () => {
    seq = 0;
    const maison = '44444444-4444-4444-8444-444444444444';
    const affectation = '55555555-5555-4555-8555-555555555555';
    const liste = '66666666-6666-4666-8666-666666666666';
    const events = [
      event('commande.emise', '2026-12-07T08:00:00Z', { data: { affectations: [{ affectationId: affectation, maisonId: maison }], livrables: [{ id: liste, libelle: 'Liste des participants', echeance: null }] } }),
      event('affectation.avancement_signale', '2026-12-07T09:00:00Z', { data: { affectationId: affectation, maisonId: maison, pourcentage: 50, livrablesFaits: [liste] } }),
      event('sla.avertissement', '2026-12-08T09:00:00Z', { acteur: null, data: { horloge: 'echeance_livrable', livrableId: liste, affectationId: affectation } }),
      event('affectation.livree', '2026-12-09T09:00:00Z', { data: { affectationId: affectation, maisonId: maison, note: 'Tout est joint.', liens: ['https://partage.example/liste.pdf', 'javascript:alert(1)'] } }),
      event('affectation.renvoyee', '2026-12-09T10:00:00Z', { acteur: CELINE, data: { affectationId: affectation, maisonId: maison, motif: 'Il manque les signatures.' } }),
    ];
    renderInApp(
      <TimelineView
        events={events}
        verification={valide(5)}
        noms={{ maisons: new Map([[maison, 'Maison de Ma Région – Foix']]), livrables: new Map([[liste, 'Liste des entreprises participantes']]) }}
      />,
    );
    // The screen's names win over the fil's.
    expect(within(item('Claire Vidal a signalé l’avancement (Foix)')).getByText('50 % — livrables faits : Liste des entreprises participantes')).toBeInTheDocument();
    const warning = item('Délai du livrable « Liste des entreprises participantes » (Foix) à risque : le seuil d’alerte est atteint');
    expect(warning).toHaveClass('event-sla-avertissement');
    const livraison = item('Claire Vidal a livré (Foix)');
    expect(within(livraison).getByText('Tout est joint.')).toBeInTheDocument();
    expect(within(livraison).getByRole('link', { name: 'https://partage.example/liste.pdf' })).toHaveAttribute('href', 'https://partage.example/liste.pdf');
    // Anything but a web address stays text.
    expect(within(livraison).getByText('javascript:alert(1)').closest('a')).toBeNull();
    expect(within(item('Céline Granier a renvoyé la livraison (Foix)')).getByText('Il manque les signatures.')).toBeInTheDocument();
    expect(screen.queryByText(/affectation\.|sla\./)).toBeNull();
  });

  it('says an empty fil as such', () => {
    renderInApp(<TimelineView events={[]} verification={null} />);
    expect(screen.getByText('Aucun événement pour l’instant.')).toBeInTheDocument();
  });
});

const ok = <T,>(data: T) => Promise.resolve({ data, response: new Response(null, { status: 200 }) }) as never;

describe('Timeline (fetching)', () => {
  it('reads the fil and its verification of the ticket kind it is given (a commande here)', async () => {
    const get = vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
      if (path === '/api/v1/commandes/{id}/fil') return ok(fil().slice(0, 2));
      if (path === '/api/v1/commandes/{id}/fil/verification') return ok(valide(2));
      if (path === '/api/v1/directions') return ok({ items: [{ id: TOURISME, nom: 'Direction du Tourisme' }], nextCursor: null });
      throw new Error(`unexpected ${path}`);
    }) as never);
    renderInApp(<Timeline kind="commandes" id="c1" />);
    expect(screen.getByRole('heading', { level: 2, name: 'Fil de la commande' })).toBeInTheDocument();
    await screen.findByText('Fil intègre, 2 événements vérifiés');
    await screen.findByText('Claire Vidal a transmis la question au siège : Direction du Tourisme');
    const paths = get.mock.calls.map((call) => call[0]);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/commandes/{id}/fil', '/api/v1/commandes/{id}/fil/verification']));
    expect(paths.some((p) => String(p).startsWith('/api/v1/questions'))).toBe(false);
  });

  it('names a commande’s Maisons from what the page knows, without asking the directory', async () => {
    seq = 0;
    const maison = '44444444-4444-4444-8444-444444444444';
    const events = [event('affectation.accusee', '2026-12-07T09:00:00Z', { data: { affectationId: 'a1', maisonId: maison } })];
    const get = vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
      if (path === '/api/v1/commandes/{id}/fil') return ok(events);
      if (path === '/api/v1/commandes/{id}/fil/verification') return ok(valide(1));
      if (path === '/api/v1/maisons') return ok({ items: [{ id: maison, nom: 'Maison de Ma Région – Annuaire' }], nextCursor: null });
      throw new Error(`unexpected ${path}`);
    }) as never);
    renderInApp(<Timeline kind="commandes" id="c1" noms={{ maisons: new Map([[maison, 'Maison de Ma Région – Foix']]) }} />);
    await screen.findByText('Claire Vidal a accusé réception (Foix)');
    expect(get.mock.calls.map((call) => call[0])).not.toContain('/api/v1/maisons');
  });

  it('shows the API’s refusal when the fil cannot be read, with a retry', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() =>
      Promise.resolve({ error: { type: 'about:blank', title: 'Introuvable', status: 404, detail: 'Question introuvable.' }, response: new Response(null, { status: 404 }) })) as never);
    renderInApp(<Timeline id="q1" />);
    await waitFor(() => expect(screen.getAllByRole('alert')[0]).toHaveTextContent('Introuvable : Question introuvable.'));
    expect(screen.getByRole('button', { name: 'Réessayer' })).toBeInTheDocument();
  });
});

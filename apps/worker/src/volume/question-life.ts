import { Auteur, Canal, Destination, Priorite, Question, QuestionEvent } from '@app/questions';
import type { BusinessTime, Holder } from '@app/sla';
import { TimelineRecord, timelineEventMac, timelineHeadMac } from '@app/timeline';
import type { TimelineKeyring } from '@app/core';
import { ClockBook, SANS_AFFECTATION } from './clock-book';
import { Prng } from './prng';
import { VolumeBatch } from './volume-batch';
import { DirectionInfo, MaisonInfo, Person, Subject, VolumeSetup } from './volume-setup';
import { descriptionFor, objetFor, texts, usagerFor } from './volume-texts';

/*
 * The life of one generated question, played through the real aggregate (its transition table,
 * its events and their `data`) and the SLA clocks (ClockBook, the engine's operations on the
 * real SlaClock). Every action happens at an instant computed on the business calendar of the
 * side that acts (the MdR's for recording, providing information and closing; the siège's for
 * claiming, asking and answering), so clock targets are met or missed by the delays drawn, not
 * by accident of weekends. Anything planned after `now` does not happen: recent questions stay
 * open in whatever state they reached, with their clocks running, paused or breached at `now`.
 *
 * Distribution (fractions of questions; see docs/operations.md, "Volume data"):
 * - 30 % handled at the MdR: answered locally (then closed, 3 % left open), 3 % of them closed
 *   unanswered from `recue` (usager gone);
 * - 70 % escalated, routed as RoutingReader.route does (5 % name a référent explicitly); of those
 *   - ~10 % reoriented once (60 % before the claim, 40 % after), and the coordination queue
 *     (questions with neither dispositif nor thème) reorients 80 % of its own to a direction;
 *   - 5 % answered without being claimed first; ~8 % with an information request (réponse clock
 *     paused while the MdR answers: within a day mostly, up to weeks for a few);
 *   - each delay measured by a clock is drawn against that clock's target: ~6 % late (1–2.5×
 *     the target), ~1.2 % very late (3–12×), the rest within target (skewed towards quick);
 *     so ~15 % of all questions breach at least one clock, most of them met late afterwards;
 *   - ~3 % reopened after closing, escalated again to the direction that answered: a second
 *     cycle of clocks.
 */

const P_LOCAL = 0.3;
const P_EXPLICIT = 0.05;
const P_REORIENT = 0.1;
const P_COORD_REORIENT = 0.8;
const P_NO_CLAIM = 0.05;
const P_INFO = 0.08;
const P_REOPEN = 0.03;
const P_LATE = 0.06;
const P_VERY_LATE = 0.012;

export interface QuestionSeed {
  id: string;
  reference: string;
  createdAt: Date;
  maison: MaisonInfo;
  subject: Subject | null;
  priorite: Priorite;
  canal: Canal;
}

/** Business minutes for a step measured by a clock of that target: mostly within, sometimes late. */
function slaDelay(rng: Prng, target: number): number {
  const r = rng.next();
  if (r < P_VERY_LATE) return target * rng.between(3, 12);
  if (r < P_VERY_LATE + P_LATE) return target * rng.between(1.02, 2.5);
  return target * (0.02 + 0.93 * rng.next() ** 1.6);
}

const QUESTION_CLOCKS = ['prise_en_charge', 'reponse', 'relais'] as const;

/** Statistics the run prints at the end. */
export interface LifeStats {
  statuts: Record<string, number>;
}

export class QuestionLife {
  private readonly rng: Prng;
  private readonly book: ClockBook;
  private readonly q: Question;
  private readonly reseau: BusinessTime;
  private readonly siege: BusinessTime;
  private seq = 0;
  private previousHash: string | null = null;
  private lastDomainAt: Date;
  private domainEvents = 0;
  private stopped = false;
  /** question_detention rows (direction holding the question at the siège, null = coordination). */
  private readonly detentions: Array<{ id: string; directionId: string | null; depuis: Date; jusquA: Date | null }> = [];
  private readonly acces = new Set<string>();
  private readonly agent: Person;

  constructor(
    private readonly setup: VolumeSetup,
    rng: Prng,
    private readonly seed: QuestionSeed,
    private readonly now: Date,
    private readonly keyring: TimelineKeyring,
  ) {
    this.rng = rng;
    this.book = new ClockBook(setup, rng);
    this.reseau = setup.forHolder({ type: 'maison', id: seed.maison.id }).time;
    this.siege = setup.calendar('siege').time;
    this.agent = rng.chance(0.8) ? seed.maison.staff[0] : rng.pick(seed.maison.staff);
    const subject = seed.subject;
    const libelle = subject?.libelle ?? 'question générale sur les aides de la Région';
    this.q = Question.recevoir(
      {
        id: seed.id,
        reference: seed.reference,
        maisonId: seed.maison.id,
        objet: objetFor(rng, libelle),
        description: descriptionFor(rng, libelle),
        canal: seed.canal,
        priorite: seed.priorite,
        dispositifId: subject?.dispositifId ?? null,
        // RecordQuestionHandler: the thème implied by the dispositif when none is given.
        themeId: subject?.themeId ?? null,
        createdBy: this.agent.id,
        createdAt: seed.createdAt,
      },
      this.mdr(),
    );
    this.lastDomainAt = seed.createdAt;
    this.record();
  }

  /** Plays the whole life (until `now`), writes every row into the batch; true if a clock breached. */
  play(batch: VolumeBatch, stats: LifeStats): boolean {
    if (this.rng.chance(P_LOCAL)) this.local();
    else this.escalated();
    this.advance(null);
    this.write(batch);
    const statut = this.q.statut;
    stats.statuts[statut] = (stats.statuts[statut] ?? 0) + 1;
    return this.book.fires.some((f) => f.type === 'depassement');
  }

  // --- the scenario -------------------------------------------------------------------------

  private local(): void {
    const t0 = this.seed.createdAt;
    if (this.rng.chance(0.03)) {
      this.at(this.reseau.addBusinessMinutes(t0, this.rng.between(5, 90)), (t) => this.q.clore(this.mdr(), t, 'Usager reparti sans attendre la réponse'));
      return;
    }
    const answered = this.reseau.addBusinessMinutes(t0, this.rng.chance(0.85) ? this.rng.between(2, 45) : this.rng.between(45, 840));
    if (!this.at(answered, (t) => this.q.repondreLocalement(this.mdr(), t, texts.reponseLocale(this.rng)))) return;
    if (this.rng.chance(0.97)) this.at(this.reseau.addBusinessMinutes(answered, this.rng.between(0.5, 60)), (t) => this.q.clore(this.mdr(), t, texts.issue(this.rng)));
  }

  private escalated(): void {
    const subject = this.seed.subject;
    let destination: Destination = subject?.directionId
      ? { directionId: subject.directionId, referentId: null, routage: subject.routage }
      : { directionId: null, referentId: null, routage: 'coordination' };
    if (destination.directionId && this.rng.chance(P_EXPLICIT)) {
      const referents = this.setup.directions.get(destination.directionId)!.referents;
      if (referents.length > 0) destination = { directionId: destination.directionId, referentId: this.rng.pick(referents).id, routage: 'explicite' };
    }
    const escAt = new Date(this.seed.createdAt.getTime() + Math.round(this.rng.between(1, 30) * 60_000));
    const closed = this.cycle(escAt, destination, true);
    if (!closed || !this.rng.chance(P_REOPEN)) return;
    const reopened = this.reseau.addBusinessMinutes(closed.at, this.rng.between(30, 15 * 420));
    if (!this.at(reopened, (t) => this.q.rouvrir(this.mdr(), t, texts.motifReouverture(this.rng)))) return;
    const again = new Date(reopened.getTime() + Math.round(this.rng.between(1, 20) * 60_000));
    this.cycle(again, { directionId: closed.directionId, referentId: null, routage: closed.directionId ? 'explicite' : 'coordination' }, false);
  }

  /**
   * One passage at the siège: escalation, claim, maybe a reorientation and an information
   * request, the answer, and the MdR's closing. Returns when and from which direction it was
   * closed, or null if `now` came first.
   */
  private cycle(escAt: Date, destination: Destination, first: boolean): { at: Date; directionId: string | null } | null {
    const rng = this.rng;
    if (!this.at(escAt, (t) => this.q.escalader(this.mdr(), t, destination, texts.messageEscalade(rng)))) return null;
    const p = this.seed.priorite;
    const themeId = this.seed.subject?.themeId ?? null;
    const pecTarget = this.setup.politique('prise_en_charge', p, destination.directionId, themeId)?.cibleMinutes ?? 480;
    const repTarget = this.setup.politique('reponse', p, destination.directionId, themeId)?.cibleMinutes ?? 1440;

    // Offsets in siège business minutes after the escalation: what the clocks measure.
    const d1 = slaDelay(rng, pecTarget);
    // The answer: late or very late as often as any step, else within what the claim left.
    const r = rng.next();
    let answerAt =
      r < P_VERY_LATE
        ? repTarget * rng.between(3, 12)
        : r < P_VERY_LATE + P_LATE
          ? repTarget * rng.between(1.02, 2.5)
          : d1 + Math.max(5, (repTarget - d1) * rng.between(0.05, 0.97));
    if (answerAt <= d1) answerAt = d1 + rng.between(10, 240);

    let holder: DirectionInfo | null = destination.directionId ? this.setup.directions.get(destination.directionId)! : null;
    let actor = this.siegeActor(holder, destination.referentId);
    type Step = { c: number; act: (t: Date) => void };
    const steps: Step[] = [];
    let lastClaim = d1;
    let claimed = true;

    const reorient = (c: number) => {
      const target = this.otherDirection(holder);
      if (!target) return false;
      steps.push({
        c,
        act: (t) => {
          this.q.reorienter(this.siegeAuteur(actor, holder), t, { directionId: target.id, referentId: null, routage: 'explicite' }, texts.motifReorientation(rng));
          holder = target;
          actor = this.siegeActor(holder, null);
        },
      });
      return true;
    };
    const claim = (c: number) => steps.push({ c, act: (t) => this.q.prendreEnCharge(this.siegeAuteur(actor, holder), t) });

    if (first && !holder) {
      // The coordination queue routes most of its questions to a direction before anyone there claims them.
      if (rng.chance(P_COORD_REORIENT)) reorient(d1 * rng.between(0.15, 0.85));
      claim(d1);
    } else if (first && rng.chance(P_REORIENT)) {
      if (rng.chance(0.6)) {
        reorient(d1 * rng.between(0.2, 0.9));
        claim(d1);
      } else {
        claim(d1);
        const cr = d1 + (answerAt - d1) * rng.between(0.1, 0.4);
        if (reorient(cr)) {
          lastClaim = cr + (answerAt - cr) * rng.between(0.05, 0.3);
          claim(lastClaim);
        }
      }
    } else if (rng.chance(P_NO_CLAIM)) {
      claimed = false;
    } else {
      claim(d1);
    }

    // An information request pauses the réponse clock: siège offsets after it shift past the MdR's reply.
    let pause: { c: number; mdrMinutes: number } | null = null;
    if (first && claimed && rng.chance(P_INFO)) {
      const r = rng.next();
      const mdrMinutes = r < 0.7 ? rng.between(15, 420) : r < 0.95 ? rng.between(420, 5 * 420) : rng.between(5 * 420, 20 * 420);
      pause = { c: lastClaim + (answerAt - lastClaim) * rng.between(0.2, 0.7), mdrMinutes };
    }

    steps.sort((x, y) => x.c - y.c);
    let resumedAt: Date | null = null;
    const instant = (c: number): Date =>
      pause && resumedAt && c > pause.c ? this.siege.addBusinessMinutes(resumedAt, c - pause.c) : this.siege.addBusinessMinutes(escAt, c);

    // Claims and reorientations all come before the information request (asked after the last claim).
    for (const step of steps) if (!this.at(instant(step.c), step.act)) return null;
    if (pause) {
      const asked = instant(pause.c);
      if (!this.at(asked, (t) => this.q.demanderInfo(this.siegeAuteur(actor, holder), t, texts.demandeInfo(rng)))) return null;
      const provided = this.reseau.addBusinessMinutes(asked, pause.mdrMinutes);
      if (!this.at(provided, (t) => this.q.fournirInfo(this.mdr(), t, texts.infoFournie(rng)))) return null;
      resumedAt = provided;
    }
    const answered = instant(answerAt);
    if (!this.at(answered, (t) => this.q.repondre(this.siegeAuteur(actor, holder), t, texts.reponse(rng)))) return null;

    const relaisTarget = this.setup.politique('relais', p, holder?.id ?? null, themeId)?.cibleMinutes ?? 420;
    const closedAt = this.reseau.addBusinessMinutes(answered, slaDelay(rng, relaisTarget));
    if (!this.at(closedAt, (t) => this.q.clore(this.mdr(), t, texts.issue(rng)))) return null;
    return { at: closedAt, directionId: holder?.id ?? null };
  }

  // --- actors -------------------------------------------------------------------------------

  /** Who acts for the holder: a référent of the direction (the one named, if any), a manager, or the network coordinator. */
  private siegeActor(holder: DirectionInfo | null, referentId: string | null): Person {
    if (!holder) return this.rng.pick(this.setup.coordinators);
    const named = referentId ? holder.actors.find((p) => p.id === referentId) : undefined;
    if (named) return named;
    return holder.referents.length > 0 && this.rng.chance(0.9) ? this.rng.pick(holder.referents) : this.rng.pick(holder.actors);
  }

  private otherDirection(current: DirectionInfo | null): DirectionInfo | null {
    const candidates = this.setup.routable.filter((d) => d.id !== current?.id);
    return candidates.length > 0 ? this.rng.pick(candidates) : null;
  }

  private mdr(): Auteur {
    return { acteur: this.agent, unite: { type: 'maison', id: this.seed.maison.id } };
  }

  private siegeAuteur(who: Person, holder: DirectionInfo | null): Auteur {
    return { acteur: who, unite: holder ? { type: 'direction', id: holder.id } : { type: 'reseau', id: null } };
  }

  // --- time, events and clocks --------------------------------------------------------------

  /**
   * Does `act` at `at` unless that is after `now` (then the life stops there). Timers due before
   * it fire first, as they would have.
   */
  private at(at: Date, act: (at: Date) => void): boolean {
    if (this.stopped) return false;
    // Two actions never share an instant: the later one waits a second (an agent clicks twice, not at once).
    if (at <= this.lastDomainAt) at = new Date(this.lastDomainAt.getTime() + 1000);
    if (at > this.now) {
      this.stopped = true;
      return false;
    }
    this.advance(at);
    act(at);
    this.lastDomainAt = at;
    this.record();
    return true;
  }

  /** Fires the timers due before `next` (all those due by `now` when null). */
  private advance(next: Date | null): void {
    for (const fired of this.book.fireDue(next, this.now)) this.timeline(fired.type, fired.at, null, fired.data);
  }

  /** Records the aggregate's new events: timeline, holder history, and what the SLA consumer does with each. */
  private record(): void {
    const events = [...this.q.getUncommittedEvents()] as QuestionEvent[]; // uncommit() empties that very array
    this.q.uncommit();
    for (const e of events) {
      (e as { eventId: string }).eventId = this.rng.uuid();
      this.domainEvents++;
      this.timeline(e.type, e.at, e.acteur, e.data, e.eventId);
      this.detention(e);
      this.sla(e);
    }
  }

  private timeline(type: string, at: Date, acteur: { id: string; displayName: string; role: string } | null, data: Record<string, unknown>, eventId?: string): void {
    this.seq += 1;
    const record: TimelineRecord = {
      eventId: eventId ?? this.rng.uuid(),
      ticketType: 'question',
      ticketId: this.seed.id,
      seq: this.seq,
      type,
      at,
      acteurId: acteur ? acteur.id : null,
      acteurNom: acteur ? acteur.displayName : null,
      acteurRole: acteur ? acteur.role : null,
      visibilite: 'partage',
      uniteType: null,
      uniteId: null,
      data,
      previousHash: this.previousHash,
      format: 2,
    };
    // The same MAC chain as the application's (libs/timeline), under the current key.
    const hash = timelineEventMac(this.keyring.keys.get(this.keyring.currentKeyId)!, record);
    this.previousHash = hash;
    this.events.push({ ...record, hash });
  }

  private readonly events: Array<TimelineRecord & { hash: string }> = [];

  /** QuestionRepository.recordDetention: escalation and reorientation hand the question over, an answer ends the holding. */
  private detention(e: QuestionEvent): void {
    const hands = e.type === 'question.escaladee' || e.type === 'question.reorientee';
    if (!hands && e.type !== 'question.repondue') return;
    for (const d of this.detentions) if (d.jusquA === null) d.jusquA = e.at;
    if (!hands) return;
    const directionId = (e.data.directionId as string | null) ?? null;
    this.detentions.push({ id: this.rng.uuid(), directionId, depuis: e.at, jusquA: null });
    if (directionId) this.acces.add(directionId);
  }

  /** SlaConsumer.applyQuestionEvent, on the in-memory clocks. */
  private sla(e: QuestionEvent): void {
    const at = e.at;
    const p = this.seed.priorite;
    const themeId = this.seed.subject?.themeId ?? null;
    const siege = (directionId: string | null): Holder => (directionId ? { type: 'direction', id: directionId } : { type: 'coordination', id: null });
    const directionId = (e.data.directionId as string | null | undefined) ?? null;
    switch (e.type) {
      case 'question.escaladee':
        this.book.demarrer('prise_en_charge', at, p, directionId, themeId, siege(directionId));
        this.book.demarrer('reponse', at, p, directionId, themeId, siege(directionId));
        return;
      case 'question.reorientee':
        this.book.changerDetenteur(siege(directionId), at);
        return;
      case 'question.prise_en_charge':
        this.book.atteindre('prise_en_charge', at);
        return;
      case 'question.information_demandee':
        this.book.suspendre(['reponse'], at);
        return;
      case 'question.information_fournie':
        this.book.reprendre(['reponse'], at);
        return;
      case 'question.repondue':
        this.book.atteindre('prise_en_charge', at);
        this.book.atteindre('reponse', at);
        this.book.demarrer('relais', at, p, directionId, themeId, { type: 'maison', id: this.seed.maison.id });
        return;
      case 'question.close':
        this.book.atteindre('relais', at);
        this.book.annuler(['prise_en_charge', 'reponse'], at);
        return;
      case 'question.rouverte':
        this.book.annuler([...QUESTION_CLOCKS], at);
        return;
    }
  }

  // --- rows ---------------------------------------------------------------------------------

  private write(batch: VolumeBatch): void {
    const s = this.q.snapshot;
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    const id = s.id;
    batch.push('question', {
      id,
      reference: s.reference,
      maison_id: s.maisonId,
      objet: s.objet,
      description: s.description,
      canal: s.canal,
      priorite: s.priorite,
      dispositif_id: s.dispositifId,
      theme_id: s.themeId,
      statut: s.statut,
      direction_id: s.directionId,
      referent_id: s.referentId,
      reponse: s.reponse,
      issue: s.issue,
      created_by: s.createdBy,
      created_at: iso(s.createdAt),
      updated_at: iso(this.lastDomainAt),
      escaladee_at: iso(s.escaladeeAt),
      closed_at: iso(s.closedAt),
      version: this.domainEvents,
      fil_seq: this.seq,
      fil_hash: this.previousHash,
      fil_mac: timelineHeadMac(this.keyring.keys.get(this.keyring.currentKeyId)!, { ticketType: 'question', ticketId: id, seq: this.seq, hash: this.previousHash }),
      fil_cle: this.keyring.currentKeyId,
    });
    // Every question has its usager row (the API requires one). Personal data is anonymised a
    // year after closing (DESIGN.md: erased after a retention period), so about half the rows,
    // the older ones, keep only the consent.
    const usager = usagerFor(this.rng);
    const anonymiseLe = s.closedAt && s.closedAt.getTime() + YEAR_MS <= this.now.getTime() ? new Date(s.closedAt.getTime() + YEAR_MS) : null;
    batch.push('question_usager', {
      question_id: id,
      nom: anonymiseLe ? null : usager.nom,
      organisation: anonymiseLe ? null : usager.organisation,
      email: anonymiseLe ? null : usager.email,
      telephone: anonymiseLe ? null : usager.telephone,
      consentement: true,
      consenti_le: iso(s.createdAt),
      anonymise_le: iso(anonymiseLe),
    });
    for (const d of this.detentions)
      batch.push('question_detention', { id: d.id, question_id: id, direction_id: d.directionId, depuis: iso(d.depuis), jusqu_a: iso(d.jusquA), created_at: iso(d.depuis) });
    for (const directionId of this.acces) batch.push('question_acces_direction', { direction_id: directionId, question_created_at: iso(s.createdAt), question_id: id });
    for (const e of this.events)
      batch.push('timeline_event', {
        id: e.eventId,
        ticket_type: 'question',
        ticket_id: id,
        seq: e.seq,
        type: e.type,
        at: iso(e.at),
        acteur_id: e.acteurId,
        acteur_nom: e.acteurNom,
        acteur_role: e.acteurRole,
        visibilite: 'partage',
        unite_type: null,
        unite_id: null,
        data: JSON.stringify(e.data),
        hash: e.hash,
        previous_hash: e.previousHash,
        cle: this.keyring.currentKeyId,
        format: 2,
      });
    for (const c of this.book.clocks) {
      const st = c.clock.state;
      batch.push('sla_horloge', {
        id: c.id,
        ticket_type: 'question',
        ticket_id: id,
        affectation_id: SANS_AFFECTATION,
        horloge: c.horloge,
        cycle: c.cycle,
        etat: st.etat,
        cible_minutes: st.cibleMinutes,
        seuil_pct: st.seuilPct,
        politique_id: c.politique.id,
        politique_version: c.politique.version,
        calendrier_id: c.calendrierId,
        consomme_minutes: st.consommeMinutes,
        segment_depuis: iso(st.segmentDepuis),
        echeance: iso(st.echeance),
        avertissement_a: iso(st.avertissementA),
        generation: st.generation,
        demarree_a: iso(c.demarreeA),
        avertie_a: iso(st.avertieA),
        depassee_a: iso(st.depasseeA),
        atteinte_a: iso(st.atteinteA),
        version: c.version,
        created_at: iso(c.demarreeA),
      });
      for (const d of c.detentions)
        batch.push('sla_detention', {
          id: d.id,
          horloge_id: c.id,
          detenteur_type: d.holder.type,
          detenteur_id: d.holder.id,
          depuis: iso(d.depuis),
          jusqu_a: iso(d.jusquA),
          minutes: d.minutes,
        });
    }
    for (const f of this.book.fires)
      batch.push('sla_declenchement', { horloge_id: f.horlogeId, generation: f.generation, type: f.type, at: iso(f.at), retard_ms: f.retardMs });
    batch.push('sla_curseur', { ticket_type: 'question', ticket_id: id, seq: this.seq });
    batch.questions++;
  }
}

const YEAR_MS = 365 * 24 * 3600 * 1000;


import { AggregateRoot } from '@nestjs/cqrs';
import type { Acteur, Unite, Visibilite } from '@app/timeline';
import {
  InformationDemandeeEvent,
  InformationFournieEvent,
  LienSuiviRemisEvent,
  MessageAjouteEvent,
  QuestionCloseEvent,
  QuestionEscaladeeEvent,
  QuestionEvent,
  QuestionPriseEnChargeEvent,
  QuestionRecueEvent,
  QuestionReorienteeEvent,
  QuestionRepondueEvent,
  QuestionRepondueLocalementEvent,
  QuestionRouverteEvent,
} from './question.events';
import { nextStatut, QuestionAction, QuestionStatut } from './question.transitions';
import { SuiviExpireError, TransitionInterditeError } from './questions.errors';

export type Canal = 'guichet' | 'telephone' | 'email';
export type Priorite = 'normale' | 'haute';
export const CANAUX: readonly Canal[] = ['guichet', 'telephone', 'email'];
export const PRIORITES: readonly Priorite[] = ['normale', 'haute'];

export interface QuestionProps {
  id: string;
  reference: string;
  maisonId: string;
  objet: string;
  description: string;
  canal: Canal;
  priorite: Priorite;
  dispositifId: string | null;
  themeId: string | null;
  statut: QuestionStatut;
  /** The direction holding the question while at the siège; null there means the network coordination queue. */
  directionId: string | null;
  /** The référent (user id) who claimed it, or was named at escalation. */
  referentId: string | null;
  reponse: string | null;
  issue: string | null;
  createdBy: string;
  createdAt: Date;
  escaladeeAt: Date | null;
  closedAt: Date | null;
  version: number;
}

/** Who acts, and in which unit (for internal notes). */
export interface Auteur {
  acteur: Acteur;
  unite: Unite;
}

/** Where an escalation or a reorientation sends the question. */
export interface Destination {
  directionId: string | null;
  referentId: string | null;
  /** How the destination was chosen, for the timeline: explicit, the dispositif, the thème, or none (coordination). */
  routage: 'explicite' | 'dispositif' | 'theme' | 'coordination';
}

/**
 * The bottom-up ticket. Each intention is a method that checks the transition table, changes
 * the state and records one past-tense event; the handler saves state, timeline and outbox
 * from those events in one transaction.
 */
export class Question extends AggregateRoot<QuestionEvent> {
  private constructor(private props: QuestionProps) {
    super();
  }

  static recevoir(
    init: Omit<QuestionProps, 'statut' | 'directionId' | 'referentId' | 'reponse' | 'issue' | 'escaladeeAt' | 'closedAt' | 'version'>,
    auteur: Auteur,
  ): Question {
    const question = new Question({
      ...init,
      statut: 'recue',
      directionId: null,
      referentId: null,
      reponse: null,
      issue: null,
      escaladeeAt: null,
      closedAt: null,
      version: 0,
    });
    question.apply(
      new QuestionRecueEvent(init.id, init.createdAt, auteur.acteur, {
        reference: init.reference,
        objet: init.objet,
        canal: init.canal,
        priorite: init.priorite,
        dispositifId: init.dispositifId,
        themeId: init.themeId,
        maisonId: init.maisonId,
      }),
    );
    return question;
  }

  static rehydrate(props: QuestionProps): Question {
    return new Question({ ...props });
  }

  get id(): string {
    return this.props.id;
  }
  get statut(): QuestionStatut {
    return this.props.statut;
  }
  get version(): number {
    return this.props.version;
  }
  get snapshot(): Readonly<QuestionProps> {
    return { ...this.props };
  }

  /** `reutilisee`: the earlier answer reused (a published one or a similar question's), named on the event. */
  repondreLocalement(auteur: Auteur, at: Date, reponse: string, reutilisee: { reponsePublieeId?: string; questionSourceId?: string } | null = null): void {
    this.move('repondre_localement');
    this.props.reponse = reponse;
    const reutilisation = reutilisee?.reponsePublieeId
      ? { reponsePublieeId: reutilisee.reponsePublieeId }
      : reutilisee?.questionSourceId
        ? { questionSourceId: reutilisee.questionSourceId }
        : undefined;
    this.apply(new QuestionRepondueLocalementEvent(this.id, at, auteur.acteur, reutilisation ? { reponse, reutilisation } : { reponse }));
  }

  escalader(auteur: Auteur, at: Date, destination: Destination, message: string | null): void {
    const from = this.move('escalader');
    this.props.directionId = destination.directionId;
    this.props.referentId = destination.referentId;
    this.props.escaladeeAt = at;
    this.props.reponse = null;
    this.apply(
      new QuestionEscaladeeEvent(this.id, at, auteur.acteur, {
        directionId: destination.directionId,
        referentId: destination.referentId,
        routage: destination.routage,
        message,
        depuis: from,
      }),
    );
  }

  prendreEnCharge(auteur: Auteur, at: Date): void {
    this.move('prendre_en_charge');
    this.props.referentId = auteur.acteur.id;
    this.apply(new QuestionPriseEnChargeEvent(this.id, at, auteur.acteur, { referentId: auteur.acteur.id }));
  }

  demanderInfo(auteur: Auteur, at: Date, message: string): void {
    this.move('demander_info');
    this.apply(new InformationDemandeeEvent(this.id, at, auteur.acteur, { message }));
  }

  fournirInfo(auteur: Auteur, at: Date, message: string): void {
    this.move('fournir_info');
    this.apply(new InformationFournieEvent(this.id, at, auteur.acteur, { message }));
  }

  repondre(auteur: Auteur, at: Date, reponse: string): void {
    this.move('repondre');
    this.props.reponse = reponse;
    this.props.referentId ??= auteur.acteur.id;
    this.apply(new QuestionRepondueEvent(this.id, at, auteur.acteur, { reponse, directionId: this.props.directionId }));
  }

  reorienter(auteur: Auteur, at: Date, destination: Destination, motif: string): void {
    const ancienneDirectionId = this.props.directionId;
    this.move('reorienter');
    this.props.directionId = destination.directionId;
    this.props.referentId = destination.referentId;
    this.props.escaladeeAt = at;
    this.apply(
      new QuestionReorienteeEvent(this.id, at, auteur.acteur, {
        ancienneDirectionId,
        directionId: destination.directionId,
        referentId: destination.referentId,
        motif,
      }),
    );
  }

  clore(auteur: Auteur, at: Date, issue: string | null): void {
    const from = this.move('clore');
    this.props.issue = issue;
    this.props.closedAt = at;
    this.apply(new QuestionCloseEvent(this.id, at, auteur.acteur, { issue, depuis: from }));
  }

  rouvrir(auteur: Auteur, at: Date, motif: string): void {
    this.move('rouvrir');
    this.props.closedAt = null;
    this.props.issue = null;
    this.apply(new QuestionRouverteEvent(this.id, at, auteur.acteur, { motif }));
  }

  ajouterMessage(auteur: Auteur, at: Date, texte: string, visibilite: Visibilite): void {
    this.apply(
      new MessageAjouteEvent(this.id, at, auteur.acteur, { texte }, visibilite, visibilite === 'interne' ? auteur.unite : null),
    );
  }

  /**
   * The MdR hands the usager a tracking link: an internal event of the Maison, naming the link
   * (its id, never its token) and whether it replaces an earlier one. Refused once the closed
   * question's links have expired (`finValidite` passed): the page would not open.
   */
  remettreLienSuivi(auteur: Auteur, at: Date, lien: { lienId: string; remplace: boolean }, finValidite: Date | null): void {
    if (finValidite && finValidite.getTime() <= at.getTime()) throw new SuiviExpireError();
    this.apply(new LienSuiviRemisEvent(this.id, at, auteur.acteur, { lienId: lien.lienId, remplace: lien.remplace }, 'interne', auteur.unite));
  }

  /** Called by the repository once the row is written: the version the client now holds. */
  markSaved(version: number): void {
    this.props.version = version;
  }

  /** Checks the table, moves, and returns the state it left. */
  private move(action: QuestionAction): QuestionStatut {
    const from = this.props.statut;
    const to = nextStatut(from, action);
    if (!to) throw new TransitionInterditeError(from, action);
    this.props.statut = to;
    return from;
  }
}

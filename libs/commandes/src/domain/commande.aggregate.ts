import { randomUUID } from 'node:crypto';
import { AggregateRoot } from '@nestjs/cqrs';
import { DomainError } from '@app/core';
import type { Acteur, Unite, Visibilite } from '@app/timeline';
import { ANNUAIRE_OK, Brief, BRIEF_CHAMPS, BriefChamp, ConstatAnnuaire, erreursAnnuaire, erreursBrief, JoursOuvres, verifierBrief, VerificationBrief } from './brief';
import type { CommandeScope, UniteEmettrice } from './commande.access';
import {
  AffectationAccuseeEvent,
  AffectationAnnuleeEvent,
  AffectationLivreeEvent,
  AffectationRenvoyeeEvent,
  AffectationValideeEvent,
  AvancementSignaleEvent,
  BriefModifieEvent,
  ClarificationApporteeEvent,
  ClarificationDemandeeEvent,
  CommandeAnnuleeEvent,
  CommandeCloseEvent,
  CommandeEmiseEvent,
  CommandeEvent,
  CommandeMessageEvent,
  CommandeRedigeeEvent,
} from './commande.events';
import {
  AFFECTATION_TERMINEE,
  AffectationAction,
  AffectationStatut,
  CommandeAction,
  CommandeStatut,
  nextAffectationStatut,
  nextCommandeStatut,
} from './commande.transitions';
import {
  AffectationIntrouvableError,
  AffectationTransitionInterditeError,
  BriefIncompletError,
  BriefInvalideError,
  CommandeTransitionInterditeError,
} from './commandes.errors';

export interface CommandeProps {
  id: string;
  reference: string;
  statut: CommandeStatut;
  brief: Brief;
  emetteurId: string;
  emetteurUnite: UniteEmettrice;
  createdAt: Date;
  updatedAt: Date;
  emiseAt: Date | null;
  closeAt: Date | null;
  annuleeAt: Date | null;
  motifAnnulation: string | null;
  version: number;
}

/** One targeted MdR's share of the commande. Its own row and version: MdRs never conflict with each other. */
export interface AffectationProps {
  id: string;
  commandeId: string;
  maisonId: string;
  statut: AffectationStatut;
  /** Where `clarifier` returns to. */
  statutAvantClarification: AffectationStatut | null;
  pourcentage: number;
  /** Ids of the brief's deliverables this MdR has done. */
  livrablesFaits: string[];
  livraisonNote: string | null;
  livraisonLiens: string[];
  motifRenvoi: string | null;
  createdAt: Date;
  updatedAt: Date;
  accuseeAt: Date | null;
  livreeAt: Date | null;
  valideeAt: Date | null;
  annuleeAt: Date | null;
  version: number;
}

/** Who acts, and in which unit (for internal notes). */
export interface Auteur {
  acteur: Acteur;
  unite: Unite;
}

/** The policy the brief is checked against at issue time. */
export interface PolitiqueBrief {
  calendrier: JoursOuvres;
  delaiMinimumJoursOuvres: number;
}

export interface Avancement {
  pourcentage: number;
  note: string | null;
  /** The whole set of deliverables done (replaces the previous one); absent: unchanged. */
  livrablesFaits?: string[];
}

interface AffectationEtat {
  props: AffectationProps;
  nouvelle: boolean;
  modifiee: boolean;
}

/**
 * The top-down ticket, with its assignments inside: issuing all of them, cancelling the open
 * ones and closing when the last one ends are rules over the whole, so the commande is the
 * aggregate root and its row is the lock every change takes. Each intention checks one of the
 * two transition tables, changes state and records one past-tense event.
 */
export class Commande extends AggregateRoot<CommandeEvent> {
  private readonly affectations: Map<string, AffectationEtat>;
  private commandeModifiee = false;

  private constructor(
    private props: CommandeProps,
    affectations: AffectationProps[],
  ) {
    super();
    this.affectations = new Map(affectations.map((a) => [a.id, { props: { ...a }, nouvelle: false, modifiee: false }]));
  }

  /** A new draft. It may be incomplete, never wrong (see erreursBrief). */
  static rediger(
    init: { id: string; reference: string; brief: Brief; emetteurId: string; emetteurUnite: UniteEmettrice; createdAt: Date },
    auteur: Auteur,
    annuaire: ConstatAnnuaire = ANNUAIRE_OK,
  ): Commande {
    const errors = [...erreursBrief(init.brief, init.createdAt), ...erreursAnnuaire(annuaire)];
    if (errors.length > 0) throw new BriefInvalideError(errors);
    const commande = new Commande(
      {
        ...init,
        brief: cloneBrief(init.brief),
        statut: 'brouillon',
        updatedAt: init.createdAt,
        emiseAt: null,
        closeAt: null,
        annuleeAt: null,
        motifAnnulation: null,
        version: 0,
      },
      [],
    );
    commande.commandeModifiee = true;
    commande.apply(
      new CommandeRedigeeEvent(init.id, init.createdAt, auteur.acteur, {
        reference: init.reference,
        titre: init.brief.titre,
        echeance: iso(init.brief.echeance),
        maisonIds: init.brief.maisonIds,
        urgent: init.brief.urgent,
        themeId: init.brief.themeId,
        emetteurUnite: init.emetteurUnite,
      }),
    );
    return commande;
  }

  static rehydrate(props: CommandeProps, affectations: AffectationProps[]): Commande {
    return new Commande({ ...props, brief: cloneBrief(props.brief) }, affectations);
  }

  get id(): string {
    return this.props.id;
  }
  get statut(): CommandeStatut {
    return this.props.statut;
  }
  get version(): number {
    return this.props.version;
  }
  get snapshot(): Readonly<CommandeProps> {
    return { ...this.props, brief: cloneBrief(this.props.brief) };
  }
  get affectationsSnapshot(): AffectationProps[] {
    return [...this.affectations.values()].map((a) => ({ ...a.props, livrablesFaits: [...a.props.livrablesFaits] }));
  }
  affectation(id: string): Readonly<AffectationProps> | null {
    const a = this.affectations.get(id);
    return a ? { ...a.props } : null;
  }

  /** The access facts of this commande for a caller known by e-mail (contacts are matched by e-mail). */
  scopePour(email: string): CommandeScope {
    return {
      statut: this.props.statut,
      emetteurUnite: this.props.emetteurUnite,
      maisonIds: [...this.affectations.values()].map((a) => a.props.maisonId),
      estContact: estContact(this.props.brief.contacts, email),
    };
  }

  /** What the repository must write: the commande row, new and changed assignment rows. */
  get aEcrire(): { commande: boolean; nouvelles: AffectationProps[]; modifiees: AffectationProps[] } {
    const all = [...this.affectations.values()];
    return {
      commande: this.commandeModifiee,
      nouvelles: all.filter((a) => a.nouvelle).map((a) => ({ ...a.props })),
      modifiees: all.filter((a) => a.modifiee && !a.nouvelle).map((a) => ({ ...a.props })),
    };
  }

  /** Throws the 409 now, so that a handler does not look anything up for a move that cannot happen. */
  assertPeut(action: CommandeAction): void {
    if (!nextCommandeStatut(this.props.statut, action)) throw new CommandeTransitionInterditeError(this.props.statut, action);
  }

  /**
   * Edits the draft: the given fields replace the current ones. Only the fields that change are
   * checked for what a draft may never hold (a deadline moved into the past, a deliverable due
   * after it); an untouched field that went stale is for the verification to report.
   */
  modifier(auteur: Auteur, at: Date, changes: Partial<Brief>, annuaire: ConstatAnnuaire = ANNUAIRE_OK): void {
    this.assertPeut('modifier');
    const avant = this.props.brief;
    const apres: Brief = cloneBrief({ ...avant, ...changes });
    const champs = BRIEF_CHAMPS.filter((c) => stable(avant[c]) !== stable(apres[c]));
    // Saving the same draft twice is not a change: no event, no new version.
    if (champs.length === 0) return;
    const touches = new Set<string>(champs);
    if (touches.has('echeance')) touches.add('livrables');
    const errors = [...erreursBrief(apres, at).filter((e) => touches.has(racine(e.field))), ...erreursAnnuaire(annuaire)];
    if (errors.length > 0) throw new BriefInvalideError(errors);
    this.move('modifier', at);
    this.props.brief = apres;
    // Field names only: contacts are personal data and the brief itself is on the commande.
    this.apply(new BriefModifieEvent(this.id, at, auteur.acteur, { champs: champs as BriefChamp[] }));
  }

  /**
   * The brief as it stands, against the policy. `maisonsInconnues` are the targeted MdRs the
   * directory does not know (the directory is the caller's to read).
   */
  verifier(at: Date, politique: PolitiqueBrief, maisonsInconnues: readonly string[] = []): VerificationBrief {
    const v = verifierBrief(this.props.brief, at, politique.calendrier, politique.delaiMinimumJoursOuvres);
    if (maisonsInconnues.length === 0) return v;
    const [{ message }] = erreursAnnuaire({ maisonsInconnues, themeInconnu: false });
    return {
      complet: false,
      manquants: v.manquants.includes('maisonIds') ? v.manquants : [...v.manquants, 'maisonIds'],
      alertes: [...v.alertes, message],
      erreurs: [...v.erreurs, { field: 'maisonIds', message }],
    };
  }

  /** Issues the commande: one assignment per targeted MdR, all created here or none. */
  emettre(auteur: Auteur, at: Date, politique: PolitiqueBrief, maisonsInconnues: readonly string[] = []): void {
    this.assertPeut('emettre');
    const verification = this.verifier(at, politique, maisonsInconnues);
    if (!verification.complet) throw new BriefIncompletError(verification);
    this.move('emettre', at);
    this.props.emiseAt = at;
    const brief = this.props.brief;
    for (const maisonId of brief.maisonIds) {
      const props: AffectationProps = {
        id: randomUUID(),
        commandeId: this.id,
        maisonId,
        statut: 'envoyee',
        statutAvantClarification: null,
        pourcentage: 0,
        livrablesFaits: [],
        livraisonNote: null,
        livraisonLiens: [],
        motifRenvoi: null,
        createdAt: at,
        updatedAt: at,
        accuseeAt: null,
        livreeAt: null,
        valideeAt: null,
        annuleeAt: null,
        version: 0,
      };
      this.affectations.set(props.id, { props, nouvelle: true, modifiee: true });
    }
    this.apply(
      new CommandeEmiseEvent(this.id, at, auteur.acteur, {
        titre: brief.titre,
        objectif: brief.objectif,
        echeance: iso(brief.echeance),
        urgent: brief.urgent,
        justificationUrgence: brief.urgent ? brief.justificationUrgence : null,
        livrables: brief.livrables.map((l) => ({ id: l.id, libelle: l.libelle, echeance: iso(l.echeance) })),
        materiel: brief.materiel,
        nombreContacts: brief.contacts.length,
        themeId: brief.themeId,
        affectations: [...this.affectations.values()].map((a) => ({ affectationId: a.props.id, maisonId: a.props.maisonId })),
        alertes: verification.alertes,
      }),
    );
  }

  /**
   * Cancels the commande and, in the same breath, every assignment still open. `automatique`:
   * nobody asked for it, it followed `auteur`'s withdrawal of the last MdR.
   */
  annuler(auteur: Auteur, at: Date, motif: string, automatique = false): void {
    const depuis = this.move('annuler', at);
    this.props.annuleeAt = at;
    this.props.motifAnnulation = motif;
    const annulees: Array<{ affectationId: string; maisonId: string; depuis: AffectationStatut }> = [];
    for (const a of this.affectations.values()) {
      if (AFFECTATION_TERMINEE.includes(a.props.statut)) continue;
      annulees.push({ affectationId: a.props.id, maisonId: a.props.maisonId, depuis: a.props.statut });
      a.props.statut = 'annulee';
      a.props.statutAvantClarification = null;
      a.props.annuleeAt = at;
      a.props.updatedAt = at;
      a.modifiee = true;
    }
    this.apply(
      new CommandeAnnuleeEvent(this.id, at, auteur.acteur, { motif, depuis, affectationsAnnulees: annulees, automatique }),
    );
  }

  ajouterMessage(auteur: Auteur, at: Date, texte: string, visibilite: Visibilite): void {
    this.assertPeut('ecrire');
    this.apply(new CommandeMessageEvent(this.id, at, auteur.acteur, { texte }, visibilite, visibilite === 'interne' ? auteur.unite : null));
  }

  accuserReception(affectationId: string, auteur: Auteur, at: Date): void {
    const a = this.moveAffectation(affectationId, 'accuser_reception', at);
    a.props.accuseeAt = at;
    this.apply(new AffectationAccuseeEvent(this.id, at, auteur.acteur, this.ref(a)));
  }

  demanderClarification(affectationId: string, auteur: Auteur, at: Date, question: string): void {
    const a = this.affectationOuErreur(affectationId);
    const depuis = a.props.statut;
    this.moveAffectation(affectationId, 'demander_clarification', at);
    a.props.statutAvantClarification = depuis;
    this.apply(new ClarificationDemandeeEvent(this.id, at, auteur.acteur, { ...this.ref(a), question, depuis }));
  }

  clarifier(affectationId: string, auteur: Auteur, at: Date, reponse: string): void {
    const a = this.moveAffectation(affectationId, 'clarifier', at);
    a.props.statutAvantClarification = null;
    this.apply(new ClarificationApporteeEvent(this.id, at, auteur.acteur, { ...this.ref(a), reponse, retourA: a.props.statut }));
  }

  signalerAvancement(affectationId: string, auteur: Auteur, at: Date, avancement: Avancement): void {
    const a = this.affectationOuErreur(affectationId);
    if (!Number.isInteger(avancement.pourcentage) || avancement.pourcentage < 0 || avancement.pourcentage > 100) {
      throw new DomainError('AFFECTATION_AVANCEMENT_INVALIDE', 'unprocessable', 'Le pourcentage doit être un entier de 0 à 100.', {
        errors: [{ field: 'pourcentage', message: 'doit être un entier de 0 à 100.' }],
      });
    }
    const faits = avancement.livrablesFaits === undefined ? a.props.livrablesFaits : this.livrablesConnus(avancement.livrablesFaits);
    const depuis = a.props.statut;
    this.moveAffectation(affectationId, 'signaler_avancement', at);
    a.props.pourcentage = avancement.pourcentage;
    a.props.livrablesFaits = faits;
    this.apply(
      new AvancementSignaleEvent(this.id, at, auteur.acteur, {
        ...this.ref(a),
        pourcentage: avancement.pourcentage,
        livrablesFaits: faits,
        note: avancement.note,
        depuis,
      }),
    );
  }

  livrer(affectationId: string, auteur: Auteur, at: Date, livraison: { note: string; liens: string[] }): void {
    const a = this.moveAffectation(affectationId, 'livrer', at);
    a.props.livreeAt = at;
    a.props.livraisonNote = livraison.note;
    a.props.livraisonLiens = [...livraison.liens];
    a.props.motifRenvoi = null;
    // `pourcentage` and the ticks stay as the MdR last reported them: reads count a delivered
    // assignment as complete (AFFECTATION_REMISE), and a delivery sent back shows them again.
    this.apply(new AffectationLivreeEvent(this.id, at, auteur.acteur, { ...this.ref(a), note: livraison.note, liens: livraison.liens }));
  }

  valider(affectationId: string, auteur: Auteur, at: Date): void {
    const a = this.moveAffectation(affectationId, 'valider', at);
    a.props.valideeAt = at;
    a.props.motifRenvoi = null;
    this.apply(new AffectationValideeEvent(this.id, at, auteur.acteur, this.ref(a)));
    this.terminerSiToutEstFini(auteur, at);
  }

  renvoyer(affectationId: string, auteur: Auteur, at: Date, motif: string): void {
    const a = this.moveAffectation(affectationId, 'renvoyer', at);
    a.props.motifRenvoi = motif;
    this.apply(new AffectationRenvoyeeEvent(this.id, at, auteur.acteur, { ...this.ref(a), motif }));
  }

  /** The issuer withdraws one MdR from the commande. */
  annulerAffectation(affectationId: string, auteur: Auteur, at: Date, motif: string): void {
    const a = this.affectationOuErreur(affectationId);
    const depuis = a.props.statut;
    this.moveAffectation(affectationId, 'annuler', at);
    a.props.annuleeAt = at;
    a.props.statutAvantClarification = null;
    this.apply(new AffectationAnnuleeEvent(this.id, at, auteur.acteur, { ...this.ref(a), motif, depuis }));
    this.terminerSiToutEstFini(auteur, at);
  }

  /** Called by the repository once the commande row is written. */
  markSaved(version: number): void {
    this.props.version = version;
    this.commandeModifiee = false;
  }

  markAffectationSaved(id: string, version: number): void {
    const a = this.affectations.get(id);
    if (!a) return;
    a.props.version = version;
    a.nouvelle = false;
    a.modifiee = false;
  }

  /**
   * When no assignment is left open, the commande ends by itself: closed if at least one MdR's
   * work was validated, cancelled if every MdR was withdrawn. Nobody asked for it (`automatique`),
   * but someone's move caused it: that user is the event's acteur, so the fil says who ended it.
   */
  private terminerSiToutEstFini(auteur: Auteur, at: Date): void {
    if (this.props.statut !== 'emise') return;
    const all = [...this.affectations.values()];
    if (all.length === 0 || !all.every((a) => AFFECTATION_TERMINEE.includes(a.props.statut))) return;
    const validees = all.filter((a) => a.props.statut === 'validee').length;
    if (validees === 0) {
      this.annuler(auteur, at, 'Toutes les affectations ont été annulées.', true);
      return;
    }
    this.move('clore', at);
    this.props.closeAt = at;
    this.apply(new CommandeCloseEvent(this.id, at, auteur.acteur, { automatique: true, affectationsValidees: validees, affectationsAnnulees: all.length - validees }));
  }

  /** Checks the commande table, moves, and returns the state it left. */
  private move(action: CommandeAction, at: Date): CommandeStatut {
    const from = this.props.statut;
    const to = nextCommandeStatut(from, action);
    if (!to) throw new CommandeTransitionInterditeError(from, action);
    this.props.statut = to;
    this.props.updatedAt = at;
    this.commandeModifiee = true;
    return from;
  }

  private affectationOuErreur(id: string): AffectationEtat {
    const a = this.affectations.get(id);
    if (!a) throw new AffectationIntrouvableError();
    return a;
  }

  /** Checks the assignment table and moves; an assignment only moves while its commande is issued. */
  private moveAffectation(id: string, action: AffectationAction, at: Date): AffectationEtat {
    const a = this.affectationOuErreur(id);
    const from = a.props.statut;
    const to = this.props.statut === 'emise' ? nextAffectationStatut(from, action, a.props.statutAvantClarification) : null;
    if (!to) throw new AffectationTransitionInterditeError(from, action);
    a.props.statut = to;
    a.props.updatedAt = at;
    a.modifiee = true;
    return a;
  }

  private ref(a: AffectationEtat): { affectationId: string; maisonId: string; statut: AffectationStatut } {
    return { affectationId: a.props.id, maisonId: a.props.maisonId, statut: a.props.statut };
  }

  private livrablesConnus(ids: string[]): string[] {
    const connus = new Map(this.props.brief.livrables.map((l) => [l.id.toLowerCase(), l.id]));
    const inconnus = ids.filter((id) => !connus.has(id.toLowerCase()));
    if (inconnus.length > 0) {
      throw new DomainError('AFFECTATION_LIVRABLE_INCONNU', 'unprocessable', 'Ce livrable ne fait pas partie de la commande.', {
        errors: [{ field: 'livrablesFaits', message: `Livrable inconnu de cette commande : ${inconnus.join(', ')}.` }],
      });
    }
    // In brief order, once each: the stored set does not depend on how the client listed it.
    const faits = new Set(ids.map((id) => id.toLowerCase()));
    return this.props.brief.livrables.filter((l) => faits.has(l.id.toLowerCase())).map((l) => l.id);
  }
}

/** Contacts who are users take part in the commande: matched on their e-mail, case aside. */
export function estContact(contacts: ReadonlyArray<{ email: string | null }>, email: string): boolean {
  const e = email.trim().toLowerCase();
  return e !== '' && contacts.some((c) => c.email?.trim().toLowerCase() === e);
}

/** JSON with sorted keys: two equal values compare equal whatever the order their keys came in. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v,
  );
}

/** `livrables[2].echeance` → `livrables`. */
function racine(field: string): string {
  return field.replace(/[[.].*$/, '');
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

function cloneBrief(b: Brief): Brief {
  return {
    ...b,
    livrables: b.livrables.map((l) => ({ ...l })),
    materiel: Array.isArray(b.materiel) ? [...b.materiel] : b.materiel,
    contacts: b.contacts.map((c) => ({ ...c })),
    maisonIds: [...b.maisonIds],
  };
}

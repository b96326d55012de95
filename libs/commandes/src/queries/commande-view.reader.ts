import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthContext, Clock } from '@app/core';
import { SlaReader, SlaView } from '@app/sla';
import { PolitiqueCommandes } from '../commandes.policy';
import { canActAffectation, canActCommande, canReadCommande, CommandeScope, UniteEmettrice } from '../domain/commande.access';
import { Brief, verifierBrief } from '../domain/brief';
import { estContact } from '../domain/commande.aggregate';
import {
  AFFECTATION_ACTIONS,
  AFFECTATION_OUVERTE,
  AFFECTATION_REMISE,
  AFFECTATION_STATUTS,
  AffectationAction,
  AffectationStatut,
  COMMANDE_ACTIONS,
  CommandeAction,
  CommandeStatut,
  nextAffectationStatut,
  nextCommandeStatut,
} from '../domain/commande.transitions';

type Db = EntityManager | DataSource;

export interface LivrableView {
  id: string;
  libelle: string;
  echeance: string | null;
}

export interface AffectationView {
  id: string;
  commandeId: string;
  maison: { id: string; nom: string };
  statut: AffectationStatut;
  /** While a clarification is pending: the state the assignment returns to once answered. */
  statutAvantClarification: AffectationStatut | null;
  /** The last reported percentage; 100 once delivered or validated (AFFECTATION_REMISE). */
  pourcentage: number;
  /** The deliverables the MdR ticked; all of them once delivered or validated (AFFECTATION_REMISE). */
  livrablesFaits: string[];
  /** The brief's deliverables, as this MdR stands on each. */
  livrables: Array<LivrableView & { fait: boolean; enRetard: boolean }>;
  /** Still expected and past the commande's deadline. */
  enRetard: boolean;
  /** Siège business days past the deadline: until now while open, until the delivery once delivered. */
  joursDeRetard: number;
  accuseeAt: string | null;
  livreeAt: string | null;
  valideeAt: string | null;
  annuleeAt: string | null;
  livraison: { note: string | null; liens: string[] } | null;
  /** Why the last delivery was sent back, until the next one. */
  motifRenvoi: string | null;
  version: number;
  /** What the caller may do to this assignment now. */
  actions: AffectationAction[];
  /** This assignment's clocks. */
  sla: SlaView[];
}

/**
 * The commande's roll-up over its assignments not withdrawn (`annulee` ones count in neither
 * figure), each taken as its view shows it: a delivered or validated assignment is complete
 * (100 %, every deliverable done), an open one counts its last reported percentage and the
 * deliverables its MdR ticked. So a closed commande shows 100 % and every deliverable done.
 */
export interface ResumeCommande {
  parStatut: Record<AffectationStatut, number>;
  enRetard: number;
  /** Mean of the assignments' `pourcentage`, rounded, in percent (0 without any). */
  progressionMoyenne: number;
  /** Deliverables done, summed over the assignments (each assignment owes every deliverable of the brief). */
  livrablesFaits: number;
  /** Deliverables owed: the brief's count × the assignments not withdrawn. */
  livrablesTotal: number;
}

export interface CommandeView {
  id: string;
  reference: string;
  statut: CommandeStatut;
  titre: string | null;
  objectif: string | null;
  contexte: string | null;
  echeance: string | null;
  livrables: LivrableView[];
  materiel: string[] | 'aucun' | null;
  /** `utilisateurId` when the contact is a Relais user, who then follows the commande too. */
  contacts: Array<{ nom: string | null; role: string | null; email: string | null; telephone: string | null; utilisateurId: string | null }>;
  maisons: Array<{ id: string; nom: string | null }>;
  theme: { id: string; libelle: string } | null;
  budget: number | null;
  urgent: boolean;
  justificationUrgence: string | null;
  emetteur: { id: string; displayName: string; unite: { type: 'cabinet' | 'direction'; id: string | null; nom: string } };
  createdAt: string;
  updatedAt: string;
  emiseAt: string | null;
  closeAt: string | null;
  annuleeAt: string | null;
  motifAnnulation: string | null;
  version: number;
  affectations: AffectationView[];
  resume: ResumeCommande;
  /** What the caller may do to the commande now. */
  actions: CommandeAction[];
  /** SLA clocks of the commande's assignments (acknowledgement, deadline), latest cycle each. */
  sla: SlaView[];
}

/** The answer of a transition on an assignment: the assignment, and where its commande stands. */
export type AffectationAvecCommande = AffectationView & {
  commande: { id: string; reference: string; titre: string | null; statut: CommandeStatut; echeance: string | null; version: number };
};

/** The commande SELECT every read shares, over `source` (the table, or a CTE of one page). */
export const commandeSelect = (source = 'commande') => `
  SELECT c.*, u.display_name AS emetteur_nom, d.nom AS direction_nom, t.libelle AS theme_libelle
    FROM ${source} c
    JOIN users u ON u.id = c.emetteur_id
    LEFT JOIN direction d ON d.id = c.emetteur_unite_id
    LEFT JOIN theme t ON t.id = c.theme_id`;

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** The brief of a `commande` row as read by plain SQL (snake_case, jsonb already parsed). */
function briefDeLigne(row: any): Brief {
  return {
    titre: row.titre,
    objectif: row.objectif,
    contexte: row.contexte,
    echeance: row.echeance ? new Date(row.echeance) : null,
    livrables: (row.livrables as any[]).map((l) => ({ id: l.id, libelle: l.libelle, echeance: l.echeance ? new Date(l.echeance) : null })),
    materiel: row.materiel,
    contacts: (row.contacts as any[]).map((c) => ({ nom: c.nom ?? null, role: c.role ?? null, email: c.email ?? null, telephone: c.telephone ?? null })),
    maisonIds: row.maison_ids,
    themeId: row.theme_id,
    budget: row.budget === null ? null : Number(row.budget),
    urgent: row.urgent,
    justificationUrgence: row.justification_urgence,
  };
}

/**
 * Reads commandes as the caller may see them, assignments and roll-up included. Every reader
 * sees every assignment's state and progress (DESIGN.md: everyone involved follows progress);
 * what stays inside a unit is its internal notes, on the fil.
 */
@Injectable()
export class CommandeViewReader {
  constructor(
    private readonly clock: Clock,
    private readonly politique: PolitiqueCommandes,
    private readonly sla: SlaReader,
  ) {}

  async read(db: Db, ctx: AuthContext, id: string): Promise<CommandeView | null> {
    const rows = await db.query(`${commandeSelect()} WHERE c.id = $1`, [id]);
    const [view] = await this.views(db, ctx, rows);
    return view ?? null;
  }

  async readAffectation(db: Db, ctx: AuthContext, affectationId: string): Promise<AffectationAvecCommande | null> {
    const [a] = await db.query(`SELECT commande_id FROM affectation WHERE id = $1`, [affectationId]);
    if (!a) return null;
    const commande = await this.read(db, ctx, a.commande_id);
    const affectation = commande?.affectations.find((x) => x.id === affectationId);
    if (!commande || !affectation) return null;
    const { id, reference, titre, statut, echeance, version } = commande;
    return { ...affectation, commande: { id, reference, titre, statut, echeance, version } };
  }

  /** Views of commande rows (from `commandeSelect`), in the same order, minus those the caller may not read. */
  async views(db: Db, ctx: AuthContext, rows: any[]): Promise<CommandeView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const affectations: any[] = await db.query(
      `SELECT a.*, m.nom AS maison_nom FROM affectation a JOIN maison m ON m.id = a.maison_id
        WHERE a.commande_id = ANY($1::uuid[]) ORDER BY m.nom, a.id`,
      [ids],
    );
    const maisonIds = [...new Set(rows.flatMap((r) => r.maison_ids as string[]))];
    const maisons: Array<{ id: string; nom: string }> = maisonIds.length
      ? await db.query(`SELECT id, nom FROM maison WHERE id = ANY($1::uuid[])`, [maisonIds])
      : [];
    const emails = [...new Set(rows.flatMap((r) => (r.contacts as any[]).map((c) => c.email?.trim().toLowerCase()).filter(Boolean)))];
    const users: Array<{ id: string; email: string }> = emails.length
      ? await db.query(`SELECT id, lower(email) AS email FROM users WHERE lower(email) = ANY($1::text[]) AND actif`, [emails])
      : [];
    const nomMaison = new Map(maisons.map((m) => [m.id, m.nom]));
    const userByEmail = new Map(users.map((u) => [u.email, u.id]));
    const byCommande = new Map<string, any[]>();
    for (const a of affectations) byCommande.set(a.commande_id, [...(byCommande.get(a.commande_id) ?? []), a]);

    const clocks = await this.sla.forTickets(db, 'commande', ids);
    const now = this.clock.now();
    const out: CommandeView[] = [];
    for (const row of rows) {
      const affs = byCommande.get(row.id) ?? [];
      const unite: UniteEmettrice = row.emetteur_unite_type === 'cabinet' ? { type: 'cabinet', id: null } : { type: 'direction', id: row.emetteur_unite_id };
      const scope: CommandeScope = {
        statut: row.statut,
        emetteurUnite: unite,
        maisonIds: affs.map((a) => a.maison_id),
        estContact: estContact(row.contacts, ctx.email),
      };
      if (!canReadCommande(ctx, scope)) continue;
      const echeance: Date | null = row.echeance ? new Date(row.echeance) : null;
      const livrables: LivrableView[] = (row.livrables as any[]).map((l) => ({ id: l.id, libelle: l.libelle, echeance: l.echeance ? new Date(l.echeance).toISOString() : null }));
      const sla = clocks.get(row.id) ?? [];
      // A draft offers `emettre` only when the brief check would let it through (same rule, same moment).
      const emettable = row.statut === 'brouillon' && verifierBrief(briefDeLigne(row), now, this.politique.calendrier, this.politique.delaiMinimumJoursOuvres).complet
        && (row.maison_ids as string[]).every((id) => nomMaison.has(id));
      const affectationViews = affs.map((a) => ({
        ...this.affectationView(ctx, scope, row.statut, a, echeance, livrables, now),
        sla: sla.filter((c) => c.affectationId === a.id),
      }));
      out.push({
        id: row.id,
        reference: row.reference,
        statut: row.statut,
        titre: row.titre,
        objectif: row.objectif,
        contexte: row.contexte,
        echeance: iso(echeance),
        livrables,
        materiel: row.materiel,
        contacts: (row.contacts as any[]).map((c) => ({
          nom: c.nom,
          role: c.role,
          email: c.email,
          telephone: c.telephone,
          utilisateurId: (c.email && userByEmail.get(c.email.trim().toLowerCase())) ?? null,
        })),
        maisons: (row.maison_ids as string[]).map((id) => ({ id, nom: nomMaison.get(id) ?? null })),
        theme: row.theme_id ? { id: row.theme_id, libelle: row.theme_libelle } : null,
        budget: row.budget === null ? null : Number(row.budget),
        urgent: row.urgent,
        justificationUrgence: row.justification_urgence,
        emetteur: {
          id: row.emetteur_id,
          displayName: row.emetteur_nom,
          unite: { type: unite.type, id: unite.id, nom: unite.type === 'cabinet' ? 'Cabinet' : row.direction_nom },
        },
        createdAt: iso(row.created_at)!,
        updatedAt: iso(row.updated_at)!,
        emiseAt: iso(row.emise_at),
        closeAt: iso(row.close_at),
        annuleeAt: iso(row.annulee_at),
        motifAnnulation: row.motif_annulation,
        version: row.version,
        affectations: affectationViews,
        resume: resumeOf(affectationViews, livrables.length),
        actions: COMMANDE_ACTIONS.filter(
          (action) => nextCommandeStatut(row.statut, action) && canActCommande(ctx, scope, action) && (action !== 'emettre' || emettable),
        ),
        sla,
      });
    }
    return out;
  }

  private affectationView(
    ctx: AuthContext,
    scope: CommandeScope,
    statutCommande: CommandeStatut,
    a: any,
    echeance: Date | null,
    livrables: LivrableView[],
    now: Date,
  ): AffectationView {
    const statut: AffectationStatut = a.statut;
    const ouverte = AFFECTATION_OUVERTE.includes(statut);
    const livreeAt: Date | null = a.livree_at ? new Date(a.livree_at) : null;
    const livree = statut === 'livree' || statut === 'validee';
    const reference = ouverte ? now : livree ? livreeAt : null;
    const enRetard = ouverte && echeance !== null && now.getTime() > echeance.getTime();
    const joursDeRetard =
      reference !== null && echeance !== null && reference.getTime() > echeance.getTime()
        ? this.politique.calendrier.businessDaysBetween(echeance, reference)
        : 0;
    const remise = AFFECTATION_REMISE.includes(statut);
    const faits = new Set<string>(remise ? livrables.map((l) => l.id) : (a.livrables_faits ?? []));
    return {
      id: a.id,
      commandeId: a.commande_id,
      maison: { id: a.maison_id, nom: a.maison_nom },
      statut,
      statutAvantClarification: a.statut_avant_clarification,
      pourcentage: remise ? 100 : a.pourcentage,
      livrablesFaits: livrables.filter((l) => faits.has(l.id)).map((l) => l.id),
      livrables: livrables.map((l) => {
        const due = l.echeance ? new Date(l.echeance) : echeance;
        const fait = faits.has(l.id);
        return { ...l, fait, enRetard: ouverte && !fait && due !== null && now.getTime() > due.getTime() };
      }),
      enRetard,
      joursDeRetard,
      accuseeAt: iso(a.accusee_at),
      livreeAt: iso(livreeAt),
      valideeAt: iso(a.validee_at),
      annuleeAt: iso(a.annulee_at),
      livraison: livreeAt ? { note: a.livraison_note, liens: a.livraison_liens ?? [] } : null,
      motifRenvoi: a.motif_renvoi,
      version: a.version,
      actions:
        statutCommande === 'emise'
          ? AFFECTATION_ACTIONS.filter(
              (action) => nextAffectationStatut(statut, action, a.statut_avant_clarification) && canActAffectation(ctx, scope, action, a.maison_id),
            )
          : [],
      sla: [],
    };
  }
}

function resumeOf(affectations: AffectationView[], livrablesParAffectation: number): ResumeCommande {
  const parStatut = Object.fromEntries(AFFECTATION_STATUTS.map((s) => [s, 0])) as Record<AffectationStatut, number>;
  for (const a of affectations) parStatut[a.statut] += 1;
  const actives = affectations.filter((a) => a.statut !== 'annulee');
  return {
    parStatut,
    enRetard: affectations.filter((a) => a.enRetard).length,
    progressionMoyenne: actives.length ? Math.round(actives.reduce((sum, a) => sum + a.pourcentage, 0) / actives.length) : 0,
    livrablesFaits: actives.reduce((sum, a) => sum + a.livrablesFaits.length, 0),
    livrablesTotal: actives.length * livrablesParAffectation,
  };
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuthContext,
  Clock,
  DomainError,
  FieldError,
  ForbiddenError,
  isMdrRole,
  NotFoundError,
  StaleVersionError,
  ValidationFailedError,
  withIdempotency,
} from '@app/core';
import { porteeTableau } from '@app/dashboards';
import { referencesInconnues } from '@app/directory';
import { Meteo, METEOS } from '../persistence/barometre.entities';
import { COORDONNEES_VILLES } from './coordonnees';
import { donneesPersonnellesDans, messageDonneesPersonnelles } from './donnees-personnelles';
import { Comptes, comptesVides, meteoDuMois, scoreMoyen, tendance, Tendance, totalDes } from './meteo-du-mois';

export interface ReleveInput {
  maisonId: string;
  meteo: Meteo;
  commentaire?: string;
  themeId?: string | null;
  dispositifId?: string | null;
}

export interface ReleveView {
  id: string;
  maisonId: string;
  meteo: Meteo;
  commentaire: string;
  theme: { id: string; libelle: string } | null;
  dispositif: { id: string; nom: string } | null;
  auteur: { id: string; displayName: string };
  releveLe: string;
}

export interface OperationsDuMois {
  /** Questions received by the Maison in the month (Europe/Paris). */
  questions: number;
  /** Of those, the ones escalated to the siège. */
  escaladees: number;
  /** SLA clocks of the Maison's questions breached in the month. */
  depassementsSla: number;
  /** The dispositifs most asked about (three at most). */
  dispositifs: Array<{ dispositifId: string; libelle: string; questions: number }>;
}

export interface TerritoireBarometre {
  maisonId: string;
  nom: string;
  ville: string;
  departementCode: string;
  /** Approximate town-centre coordinates (the map); null for a town not known. */
  latitude: number | null;
  longitude: number | null;
  comptes: Comptes;
  total: number;
  scoreMoyen: number | null;
  meteoDuMois: Meteo | null;
  meteoMoisPrecedent: Meteo | null;
  tendance: Tendance | null;
  /** The Maison's detail; null in the network summary an MdR sees of the other Maisons. */
  detail: {
    /** The thèmes of the month's pluie and orage entries (three at most). */
    themesMauvaisTemps: Array<{ themeId: string; libelle: string; releves: number }>;
    operations: OperationsDuMois;
  } | null;
}

export interface Barometre {
  mois: string;
  moisPrecedent: string;
  perimetre: { type: 'reseau' | 'direction' | 'maison'; id: string | null; libelle: string };
  genereA: string;
  total: { comptes: Comptes; total: number; scoreMoyen: number | null; meteoDuMois: Meteo | null; tendance: Tendance | null };
  territoires: TerritoireBarometre[];
}

export interface SyntheseView {
  id: string;
  maison: { id: string; nom: string };
  mois: string;
  texte: string;
  auteur: { id: string; displayName: string };
  publieeLe: string;
  modifieeLe: string | null;
  version: number;
}

const MOIS = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** 'YYYY-MM' of the month before. */
export function moisPrecedent(mois: string): string {
  const [a, m] = mois.split('-').map(Number);
  return m === 1 ? `${a - 1}-12` : `${a}-${String(m - 1).padStart(2, '0')}`;
}

/** The month `at` falls in, in Europe/Paris. */
export function moisDe(at: Date): string {
  return new Intl.DateTimeFormat('fr-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(at).slice(0, 7);
}

/** The clause "column in month $n" (Europe/Paris; the month's first day as 'YYYY-MM-01'). */
const dansLeMois = (col: string, n: number) =>
  `${col} >= ($${n}::date::timestamp AT TIME ZONE 'Europe/Paris') AND ${col} < (($${n}::date + interval '1 month')::timestamp AT TIME ZONE 'Europe/Paris')`;

class SyntheseExistanteError extends DomainError {
  constructor(version: number) {
    super('SYNTHESE_EXISTANTE', 'conflict', 'La synthèse de ce mois est déjà publiée : modifiez-la en envoyant son ETag dans If-Match.', { versionActuelle: version });
  }
}

/**
 * The barometer « Quel temps fait-il chez vous ? » (issue 15, ADR 0020): entries recorded at an
 * MdR's desk, the month per territory beside its operations, and the monthly summaries.
 */
@Injectable()
export class BarometreService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** An MdR agent or responsable records an entry for their own Maison. */
  async enregistrer(ctx: AuthContext, input: ReleveInput, idempotencyKey?: string): Promise<{ body: ReleveView; replayed: boolean }> {
    if (!isMdrRole(ctx.role)) throw new ForbiddenError('Seuls les agents et responsables d’une Maison de la Région enregistrent la météo de leur Maison.');
    if (ctx.maisonId !== input.maisonId) throw new NotFoundError('Maison de la Région introuvable.');
    // The comment is optional: the weather alone is worth recording.
    const commentaire = (input.commentaire ?? '').trim();
    const errors: FieldError[] = [];
    const found = donneesPersonnellesDans(commentaire);
    if (found.length > 0) errors.push({ field: 'commentaire', message: messageDonneesPersonnelles(found) });
    if (errors.length > 0) throw new DomainError('DONNEES_PERSONNELLES', 'unprocessable', errors[0].message, { errors });

    const result = await this.dataSource.transaction((manager) =>
      withIdempotency(manager, { userId: ctx.userId, key: idempotencyKey, scope: 'POST /barometre', body: input }, async () => {
        await this.verifierReferences(manager, input);
        const id = randomUUID();
        await manager.query(
          `INSERT INTO barometre_releve (id, maison_id, meteo, commentaire, theme_id, dispositif_id, auteur_id, releve_le) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [id, input.maisonId, input.meteo, commentaire, input.themeId ?? null, input.dispositifId ?? null, ctx.userId, this.clock.now()],
        );
        return { status: 201, body: (await this.lireReleve(manager, id))! };
      }),
    );
    return { body: result.body, replayed: result.replayed };
  }

  private async verifierReferences(manager: EntityManager, input: { themeId?: string | null; dispositifId?: string | null }): Promise<void> {
    const errors = await referencesInconnues(manager, input);
    if (errors.length > 0) throw new DomainError('REFERENCE_INCONNUE', 'unprocessable', errors[0].message, { errors });
  }

  private async lireReleve(manager: EntityManager, id: string): Promise<ReleveView | null> {
    const [r] = await manager.query(
      `SELECT r.id, r.maison_id, r.meteo, r.commentaire, r.releve_le, r.theme_id, t.libelle AS theme_libelle, r.dispositif_id, d.nom AS dispositif_nom,
              u.id AS auteur_id, u.display_name
         FROM barometre_releve r
         JOIN users u ON u.id = r.auteur_id
         LEFT JOIN theme t ON t.id = r.theme_id
         LEFT JOIN dispositif d ON d.id = r.dispositif_id
        WHERE r.id = $1`,
      [id],
    );
    if (!r) return null;
    return {
      id: r.id,
      maisonId: r.maison_id,
      meteo: r.meteo,
      commentaire: r.commentaire,
      theme: r.theme_id ? { id: r.theme_id, libelle: r.theme_libelle } : null,
      dispositif: r.dispositif_id ? { id: r.dispositif_id, nom: r.dispositif_nom } : null,
      auteur: { id: r.auteur_id, displayName: r.display_name },
      releveLe: new Date(r.releve_le).toISOString(),
    };
  }

  /**
   * The month per territory (Maison). Who sees what (ADR 0020): an MdR its own Maison in detail
   * and, with `perimetre=reseau`, the other Maisons' weather without detail; managers, the
   * Cabinet, référents and admins the dashboards' scopes. A direction's perimeter lists every
   * Maison's weather, its operations counting the questions routed to that direction.
   */
  async barometre(ctx: AuthContext, params: { mois?: string; perimetre?: string }): Promise<Barometre> {
    const manager = this.dataSource.manager;
    const now = this.clock.now();
    const mois = params.mois ?? moisDe(now);
    if (!MOIS.test(mois)) throw new ValidationFailedError([{ field: 'mois', message: 'doit être un mois au format AAAA-MM.' }]);
    const precedent = moisPrecedent(mois);

    let perimetre: Barometre['perimetre'];
    let detailPour: (maisonId: string) => boolean = () => true;
    if (isMdrRole(ctx.role)) {
      if (!ctx.maisonId) throw new ForbiddenError('Votre compte n’est rattaché à aucune Maison de la Région.');
      const demande = params.perimetre ?? `maison:${ctx.maisonId}`;
      if (demande === 'reseau') {
        perimetre = { type: 'reseau', id: null, libelle: 'Réseau des Maisons de la Région' };
        const own = ctx.maisonId;
        detailPour = (id) => id === own;
      } else if (demande.toLowerCase() === `maison:${ctx.maisonId}`) {
        const [m] = await manager.query(`SELECT nom FROM maison WHERE id = $1`, [ctx.maisonId]);
        perimetre = { type: 'maison', id: ctx.maisonId, libelle: m?.nom ?? '' };
      } else {
        throw new DomainError('BAROMETRE_HORS_PERIMETRE', 'forbidden', 'Une Maison voit le détail de sa propre météo et le résumé du réseau (perimetre=reseau).');
      }
    } else {
      const portee = await porteeTableau(manager, ctx, params.perimetre);
      perimetre = { type: portee.perimetre.type, id: portee.perimetre.id, libelle: portee.libelle };
    }

    const maisons: Array<{ id: string; nom: string; ville: string; departement_code: string }> = await manager.query(
      perimetre.type === 'maison'
        ? `SELECT id, nom, ville, departement_code FROM maison WHERE id = $1`
        : `SELECT id, nom, ville, departement_code FROM maison ORDER BY nom`,
      perimetre.type === 'maison' ? [perimetre.id] : [],
    );
    const ids = maisons.map((m) => m.id);
    const debut = `${mois}-01`;
    const debutPrecedent = `${precedent}-01`;
    const filtreDirection = perimetre.type === 'direction' ? ' AND q.direction_id = $3' : '';
    const pOps: unknown[] = perimetre.type === 'direction' ? [debut, ids, perimetre.id] : [debut, ids];

    const [comptesRows, themesRows, opsRows, slaRows, dispositifsRows]: any[][] = await Promise.all([
      manager.query(
        `SELECT r.maison_id, r.meteo, (r.releve_le >= ($1::date::timestamp AT TIME ZONE 'Europe/Paris')) AS courant, count(*)::int AS n
           FROM barometre_releve r
          WHERE r.maison_id = ANY($3::uuid[])
            AND r.releve_le >= ($2::date::timestamp AT TIME ZONE 'Europe/Paris')
            AND r.releve_le < (($1::date + interval '1 month')::timestamp AT TIME ZONE 'Europe/Paris')
          GROUP BY 1, 2, 3`,
        [debut, debutPrecedent, ids],
      ),
      manager.query(
        `SELECT r.maison_id, t.id AS theme_id, t.libelle, count(*)::int AS n
           FROM barometre_releve r
           LEFT JOIN dispositif d ON d.id = r.dispositif_id
           JOIN theme t ON t.id = COALESCE(r.theme_id, d.theme_id)
          WHERE r.maison_id = ANY($2::uuid[]) AND r.meteo IN ('pluie', 'orage') AND ${dansLeMois('r.releve_le', 1)}
          GROUP BY 1, 2, 3`,
        [debut, ids],
      ),
      manager.query(
        `SELECT q.maison_id, count(*)::int AS questions, (count(*) FILTER (WHERE q.escaladee_at IS NOT NULL))::int AS escaladees
           FROM question q
          WHERE q.maison_id = ANY($2::uuid[]) AND ${dansLeMois('q.created_at', 1)}${filtreDirection}
          GROUP BY 1`,
        pOps,
      ),
      manager.query(
        `SELECT q.maison_id, count(*)::int AS n
           FROM sla_horloge h
           JOIN question q ON q.id = h.ticket_id
          WHERE h.ticket_type = 'question' AND h.depassee_a IS NOT NULL AND q.maison_id = ANY($2::uuid[]) AND ${dansLeMois('h.depassee_a', 1)}${filtreDirection}
          GROUP BY 1`,
        pOps,
      ),
      manager.query(
        `SELECT q.maison_id, d.id AS dispositif_id, d.nom, count(*)::int AS n
           FROM question q
           JOIN dispositif d ON d.id = q.dispositif_id
          WHERE q.maison_id = ANY($2::uuid[]) AND ${dansLeMois('q.created_at', 1)}${filtreDirection}
          GROUP BY 1, 2, 3`,
        pOps,
      ),
    ]);

    const courant = new Map<string, Comptes>();
    const avant = new Map<string, Comptes>();
    for (const r of comptesRows) {
      const map = r.courant ? courant : avant;
      if (!map.has(r.maison_id)) map.set(r.maison_id, comptesVides());
      map.get(r.maison_id)![r.meteo as Meteo] += r.n;
    }
    const parMaison = <T>(rows: any[], f: (r: any) => T) => {
      const m = new Map<string, T[]>();
      for (const r of rows) m.set(r.maison_id, [...(m.get(r.maison_id) ?? []), f(r)]);
      return m;
    };
    const top = <T extends { libelle: string }>(items: T[], n: (x: T) => number) => [...items].sort((a, b) => n(b) - n(a) || a.libelle.localeCompare(b.libelle, 'fr')).slice(0, 3);
    const themes = parMaison(themesRows, (r) => ({ themeId: r.theme_id as string, libelle: r.libelle as string, releves: r.n as number }));
    const dispositifs = parMaison(dispositifsRows, (r) => ({ dispositifId: r.dispositif_id as string, libelle: r.nom as string, questions: r.n as number }));
    const ops = new Map<string, any>(opsRows.map((r) => [r.maison_id, r]));
    const sla = new Map<string, number>(slaRows.map((r) => [r.maison_id, r.n]));

    const territoires: TerritoireBarometre[] = maisons.map((m) => {
      const c = courant.get(m.id) ?? comptesVides();
      const p = avant.get(m.id) ?? comptesVides();
      return {
        maisonId: m.id,
        nom: m.nom,
        ville: m.ville,
        departementCode: m.departement_code,
        latitude: COORDONNEES_VILLES[m.ville]?.latitude ?? null,
        longitude: COORDONNEES_VILLES[m.ville]?.longitude ?? null,
        comptes: c,
        total: totalDes(c),
        scoreMoyen: scoreMoyen(c),
        meteoDuMois: meteoDuMois(c),
        meteoMoisPrecedent: meteoDuMois(p),
        tendance: tendance(c, p),
        detail: detailPour(m.id)
          ? {
              themesMauvaisTemps: top(themes.get(m.id) ?? [], (t) => t.releves),
              operations: {
                questions: ops.get(m.id)?.questions ?? 0,
                escaladees: ops.get(m.id)?.escaladees ?? 0,
                depassementsSla: sla.get(m.id) ?? 0,
                dispositifs: top(dispositifs.get(m.id) ?? [], (d) => d.questions),
              },
            }
          : null,
      };
    });
    const somme = (maps: Map<string, Comptes>) => {
      const s = comptesVides();
      for (const c of maps.values()) for (const k of METEOS) s[k] += c[k];
      return s;
    };
    const totalCourant = somme(courant);
    const totalAvant = somme(avant);
    return {
      mois,
      moisPrecedent: precedent,
      perimetre,
      genereA: now.toISOString(),
      total: { comptes: totalCourant, total: totalDes(totalCourant), scoreMoyen: scoreMoyen(totalCourant), meteoDuMois: meteoDuMois(totalCourant), tendance: tendance(totalCourant, totalAvant) },
      territoires,
    };
  }

  /**
   * The Maison's responsable publishes the month's summary: one per Maison and month. A second
   * publication is an update and needs the summary's ETag in If-Match (409 without it, 412 stale).
   */
  async publierSynthese(
    ctx: AuthContext,
    input: { mois: string; texte: string },
    ifMatch: number | undefined,
    idempotencyKey?: string,
  ): Promise<{ body: SyntheseView; status: 200 | 201; replayed: boolean }> {
    if (ctx.role !== 'responsable_mdr' || !ctx.maisonId) throw new ForbiddenError('Seul le responsable d’une Maison de la Région publie sa synthèse du mois.');
    const texte = input.texte.trim();
    const errors: FieldError[] = [];
    if (texte === '') errors.push({ field: 'texte', message: 'Le texte est obligatoire.' });
    const found = donneesPersonnellesDans(texte);
    if (found.length > 0) errors.push({ field: 'texte', message: messageDonneesPersonnelles(found).replace('le commentaire', 'la synthèse') });
    if (errors.length > 0) throw new DomainError('DONNEES_PERSONNELLES', 'unprocessable', errors[0].message, { errors });
    const maisonId = ctx.maisonId;

    const result = await this.dataSource.transaction((manager) =>
      withIdempotency(manager, { userId: ctx.userId, key: idempotencyKey, scope: 'POST /barometre/syntheses', body: { ...input, ifMatch: ifMatch ?? null } }, async () => {
        const now = this.clock.now();
        const [existante] = await manager.query(`SELECT id, version FROM barometre_synthese WHERE maison_id = $1 AND mois = $2 FOR UPDATE`, [maisonId, input.mois]);
        if (existante) {
          if (ifMatch === undefined) throw new SyntheseExistanteError(existante.version);
          if (ifMatch !== existante.version) throw new StaleVersionError(ifMatch, existante.version);
          await manager.query(`UPDATE barometre_synthese SET texte = $2, modifiee_le = $3, auteur_id = $4, version = version + 1 WHERE id = $1`, [existante.id, texte, now, ctx.userId]);
          return { status: 200, body: (await this.lireSyntheses(manager, { id: existante.id }))[0] };
        }
        const id = randomUUID();
        const inserted = await manager.query(
          `INSERT INTO barometre_synthese (id, maison_id, mois, texte, auteur_id, publiee_le, version) VALUES ($1, $2, $3, $4, $5, $6, 1)
           ON CONFLICT (maison_id, mois) DO NOTHING RETURNING id`,
          [id, maisonId, input.mois, texte, ctx.userId, now],
        );
        if (inserted.length === 0) throw new SyntheseExistanteError(1);
        return { status: 201, body: (await this.lireSyntheses(manager, { id }))[0] };
      }),
    );
    return { body: result.body, status: result.status as 200 | 201, replayed: result.replayed };
  }

  /** The month's summaries of every Maison: every staff member reads the feed. */
  async syntheses(_ctx: AuthContext, params: { mois?: string }): Promise<{ mois: string; items: SyntheseView[] }> {
    const mois = params.mois ?? moisDe(this.clock.now());
    return { mois, items: await this.lireSyntheses(this.dataSource.manager, { mois }) };
  }

  private async lireSyntheses(manager: EntityManager, where: { id?: string; mois?: string }): Promise<SyntheseView[]> {
    const rows: any[] = await manager.query(
      `SELECT s.id, s.mois, s.texte, s.publiee_le, s.modifiee_le, s.version, m.id AS maison_id, m.nom AS maison_nom, u.id AS auteur_id, u.display_name
         FROM barometre_synthese s
         JOIN maison m ON m.id = s.maison_id
         JOIN users u ON u.id = s.auteur_id
        WHERE ${where.id ? 's.id = $1' : 's.mois = $1'}
        ORDER BY COALESCE(s.modifiee_le, s.publiee_le) DESC, m.nom`,
      [where.id ?? where.mois],
    );
    return rows.map((r) => ({
      id: r.id,
      maison: { id: r.maison_id, nom: r.maison_nom },
      mois: r.mois,
      texte: r.texte,
      auteur: { id: r.auteur_id, displayName: r.display_name },
      publieeLe: new Date(r.publiee_le).toISOString(),
      modifieeLe: r.modifiee_le ? new Date(r.modifiee_le).toISOString() : null,
      version: r.version,
    }));
  }
}

import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, ICommandHandler, IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, Clock, DomainError, FieldError, ForbiddenError, NotFoundError, ValidationFailedError, withIdempotency } from '@app/core';
import { CalendarRegistry, CALENDRIER_RESEAU } from '@app/sla';
import { DOMAINES_AUTONOMIE, DomaineAutonomie, GroupeAutonomie } from './autonomie.entities';
import { chiffresAutonomie, ChiffresAutonomie, decalerMois } from './jauge-autonomie';

export const LIBELLES_DOMAINES: Record<DomaineAutonomie, string> = {
  communication: 'Communication',
  evenements: 'Événements',
  partenariats: 'Partenariats',
  budget: 'Budget',
  reponse_usagers: 'Réponse aux usagers',
};

export interface NoteAutonomie {
  domaine: DomaineAutonomie;
  actuelle: number;
  souhaitee: number;
}

export interface EnqueteAutonomie {
  id: string;
  libelle: string;
  ouverte: boolean;
  ouverteLe: string;
  fermeeLe: string | null;
}

export interface MaReponseAutonomie {
  enqueteId: string;
  groupe: GroupeAutonomie;
  notes: NoteAutonomie[];
  version: number;
  misAJourLe: string;
}

/**
 * Who answers the survey (ADR 0021): the heads of the MdRs (`responsable_mdr`, and a manager whose
 * perimeter is one MdR) for the `mdr` group; the siège's decision makers (`manager` of a direction
 * or of the network, `cabinet`) for the `siege` group. Agents, référents and admins do not answer:
 * the field study asked who decides, not who executes or administers.
 */
export function groupeAutonomie(ctx: AuthContext): GroupeAutonomie | null {
  if (ctx.role === 'responsable_mdr') return 'mdr';
  if (ctx.role === 'manager') return ctx.perimetre === 'maison' ? 'mdr' : 'siege';
  if (ctx.role === 'cabinet') return 'siege';
  return null;
}

/** Who may read each respondent's own ratings: the network's managers and the admins (ADR 0021). */
export function voitReponsesIndividuelles(ctx: AuthContext): boolean {
  return ctx.role === 'admin' || (ctx.role === 'manager' && ctx.perimetre === 'reseau');
}

const enqueteDto = (r: { id: string; libelle: string; ouverte: boolean; ouverte_le: Date; fermee_le: Date | null }): EnqueteAutonomie => ({
  id: r.id,
  libelle: r.libelle,
  ouverte: r.ouverte,
  ouverteLe: new Date(r.ouverte_le).toISOString(),
  fermeeLe: r.fermee_le ? new Date(r.fermee_le).toISOString() : null,
});

// ---------------------------------------------------------------------------------------------
// Opening a wave

export class OuvrirEnqueteAutonomieCommand extends Command<{ body: EnqueteAutonomie; replayed: boolean }> {
  constructor(
    readonly ctx: AuthContext,
    readonly libelle: string,
    /** The Idempotency-Key header: a retried opening does not open (and close) twice. */
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

/** Opens a wave and closes the one open before it (one wave at a time). Admins and network managers. */
@CommandHandler(OuvrirEnqueteAutonomieCommand)
export class OuvrirEnqueteAutonomieHandler implements ICommandHandler<OuvrirEnqueteAutonomieCommand, { body: EnqueteAutonomie; replayed: boolean }> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async execute({ ctx, libelle, idempotencyKey }: OuvrirEnqueteAutonomieCommand): Promise<{ body: EnqueteAutonomie; replayed: boolean }> {
    if (!voitReponsesIndividuelles(ctx)) throw new ForbiddenError('Seuls les managers du réseau et les administrateurs ouvrent une enquête.');
    const now = this.clock.now();
    const result = await this.dataSource.transaction((m) =>
      withIdempotency(m, { userId: ctx.userId, key: idempotencyKey, scope: 'POST /autonomie/enquetes', body: { libelle } }, async () => {
        // Serialise openings: two at once would both close the old wave and race on the unique index.
        await m.query(`SELECT pg_advisory_xact_lock(hashtext('enquete_autonomie'))`);
        await m.query(`UPDATE enquete_autonomie SET ouverte = false, fermee_le = $1 WHERE ouverte`, [now]);
        const [row] = await m.query(
          `INSERT INTO enquete_autonomie (id, libelle, ouverte, ouverte_par_id, ouverte_le) VALUES ($1, $2, true, $3, $4)
           RETURNING id, libelle, ouverte, ouverte_le, fermee_le`,
          [randomUUID(), libelle.trim(), ctx.userId, now],
        );
        return { status: 201, body: enqueteDto(row) };
      }),
    );
    return { body: result.body, replayed: result.replayed };
  }
}

export class ListerEnquetesAutonomieQuery extends Query<EnqueteAutonomie[]> {
  constructor(readonly ctx: AuthContext) {
    super();
  }
}

@QueryHandler(ListerEnquetesAutonomieQuery)
export class ListerEnquetesAutonomieHandler implements IQueryHandler<ListerEnquetesAutonomieQuery, EnqueteAutonomie[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ ctx }: ListerEnquetesAutonomieQuery): Promise<EnqueteAutonomie[]> {
    lecteurAutorise(ctx);
    const rows = await this.dataSource.query(`SELECT id, libelle, ouverte, ouverte_le, fermee_le FROM enquete_autonomie ORDER BY ouverte DESC, ouverte_le DESC, id LIMIT 100`);
    return rows.map(enqueteDto);
  }
}

function lecteurAutorise(ctx: AuthContext): void {
  if (ctx.role !== 'admin' && groupeAutonomie(ctx) === null) throw new ForbiddenError('L’enquête sur l’autonomie est réservée aux responsables de Maison et aux décideurs du siège.');
}

// ---------------------------------------------------------------------------------------------
// Answering

export class RepondreEnqueteAutonomieCommand extends Command<MaReponseAutonomie> {
  constructor(
    readonly ctx: AuthContext,
    readonly params: { enqueteId?: string; notes: NoteAutonomie[] },
  ) {
    super();
  }
}

/** Every area exactly once: a partial answer would skew the per-area comparison between groups. */
export function verifierNotes(notes: NoteAutonomie[]): void {
  const errors: FieldError[] = [];
  const vus = new Set<string>();
  notes.forEach((n, i) => {
    if (vus.has(n.domaine)) errors.push({ field: `notes.${i}.domaine`, message: `Le domaine « ${n.domaine} » est noté deux fois.` });
    vus.add(n.domaine);
  });
  const manquants = DOMAINES_AUTONOMIE.filter((d) => !vus.has(d));
  if (manquants.length) errors.push({ field: 'notes', message: `Chaque domaine doit être noté : il manque ${manquants.join(', ')}.` });
  if (errors.length) throw new ValidationFailedError(errors);
}

/**
 * Records or replaces the caller's answer to a wave (the open one unless named). One answer per
 * respondent and wave: answering again replaces the ratings and bumps the version.
 */
@CommandHandler(RepondreEnqueteAutonomieCommand)
export class RepondreEnqueteAutonomieHandler implements ICommandHandler<RepondreEnqueteAutonomieCommand, MaReponseAutonomie> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ ctx, params }: RepondreEnqueteAutonomieCommand): Promise<MaReponseAutonomie> {
    const groupe = groupeAutonomie(ctx);
    if (!groupe) throw new ForbiddenError('L’enquête sur l’autonomie s’adresse aux responsables de Maison et aux décideurs du siège.');
    verifierNotes(params.notes);
    return this.dataSource.transaction(async (m) => {
      const [enquete] = params.enqueteId
        ? await m.query(`SELECT id, ouverte FROM enquete_autonomie WHERE id = $1 FOR SHARE`, [params.enqueteId])
        : await m.query(`SELECT id, ouverte FROM enquete_autonomie WHERE ouverte FOR SHARE`);
      if (!enquete) throw new NotFoundError(params.enqueteId ? 'Enquête introuvable.' : 'Aucune enquête sur l’autonomie n’est ouverte.');
      if (!enquete.ouverte) throw new DomainError('ENQUETE_FERMEE', 'conflict', 'Cette enquête est close : elle ne reçoit plus de réponses.');
      const [reponse] = await m.query(
        `INSERT INTO reponse_autonomie (id, enquete_id, repondant_id, groupe, maison_id, version)
         VALUES ($1, $2, $3, $4, $5, 1)
         ON CONFLICT (enquete_id, repondant_id)
         DO UPDATE SET groupe = EXCLUDED.groupe, maison_id = EXCLUDED.maison_id, version = reponse_autonomie.version + 1, updated_at = now()
         RETURNING id, version, updated_at`,
        [randomUUID(), enquete.id, ctx.userId, groupe, groupe === 'mdr' ? ctx.maisonId : null],
      );
      await m.query(`DELETE FROM note_autonomie WHERE reponse_id = $1`, [reponse.id]);
      const notes = DOMAINES_AUTONOMIE.map((d) => params.notes.find((n) => n.domaine === d)!);
      await m.query(
        `INSERT INTO note_autonomie (reponse_id, domaine, actuelle, souhaitee)
         SELECT $1, * FROM unnest($2::varchar[], $3::smallint[], $4::smallint[])`,
        [reponse.id, notes.map((n) => n.domaine), notes.map((n) => n.actuelle), notes.map((n) => n.souhaitee)],
      );
      return { enqueteId: enquete.id, groupe, notes: notes.map(({ domaine, actuelle, souhaitee }) => ({ domaine, actuelle, souhaitee })), version: reponse.version, misAJourLe: new Date(reponse.updated_at).toISOString() };
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Reading: current vs wished per area and group, beside the computed gauge

export interface StatNote {
  /** Mean of the ratings, two decimals; null without answer. */
  moyenne: number | null;
  /** How many respondents gave 1, 2, 3, 4, 5. */
  distribution: [number, number, number, number, number];
}

export interface StatGroupe {
  repondants: number;
  actuelle: StatNote;
  souhaitee: StatNote;
  /** souhaitee.moyenne − actuelle.moyenne, two decimals: how much more autonomy is wished. */
  ecart: number | null;
}

export interface DomaineEnquete {
  domaine: DomaineAutonomie;
  libelle: string;
  mdr: StatGroupe;
  siege: StatGroupe;
}

export interface ReponseIndividuelle {
  repondant: { id: string; displayName: string };
  groupe: GroupeAutonomie;
  maisonId: string | null;
  notes: NoteAutonomie[];
  misAJourLe: string;
}

export interface ResultatEnqueteAutonomie {
  enquete: EnqueteAutonomie;
  repondants: { mdr: number; siege: number };
  domaines: DomaineEnquete[];
  /** The computed gauge's network figure for the last complete month (Europe/Paris). */
  jaugeReseau: ChiffresAutonomie & { mois: string };
  maReponse: MaReponseAutonomie | null;
  /** Each respondent's answer: only for the network's managers and admins (ADR 0021); otherwise null. */
  reponses: ReponseIndividuelle[] | null;
}

export class GetEnqueteAutonomieQuery extends Query<ResultatEnqueteAutonomie> {
  constructor(
    readonly ctx: AuthContext,
    readonly enqueteId?: string,
  ) {
    super();
  }
}

const rond2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

@QueryHandler(GetEnqueteAutonomieQuery)
export class GetEnqueteAutonomieHandler implements IQueryHandler<GetEnqueteAutonomieQuery, ResultatEnqueteAutonomie> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calendars: CalendarRegistry,
    private readonly clock: Clock,
  ) {}

  async execute({ ctx, enqueteId }: GetEnqueteAutonomieQuery): Promise<ResultatEnqueteAutonomie> {
    lecteurAutorise(ctx);
    const m = this.dataSource.manager;
    // The wave asked for, else the open one, else the latest.
    const [enquete] = enqueteId
      ? await m.query(`SELECT id, libelle, ouverte, ouverte_le, fermee_le FROM enquete_autonomie WHERE id = $1`, [enqueteId])
      : await m.query(`SELECT id, libelle, ouverte, ouverte_le, fermee_le FROM enquete_autonomie ORDER BY ouverte DESC, ouverte_le DESC LIMIT 1`);
    if (!enquete) throw new NotFoundError(enqueteId ? 'Enquête introuvable.' : 'Aucune enquête sur l’autonomie n’a encore été ouverte.');

    const reseau = await this.calendars.get(m, CALENDRIER_RESEAU);
    const mois = decalerMois(reseau.localDay(this.clock.now()).slice(0, 7), -1);
    const [stats, groupes, jauge, notes]: [any[], any[], any[], any[]] = await Promise.all([
      m.query(
        `SELECT n.domaine, r.groupe, 'actuelle' AS sorte, n.actuelle AS note, count(*)::int AS nb
           FROM note_autonomie n JOIN reponse_autonomie r ON r.id = n.reponse_id
          WHERE r.enquete_id = $1 GROUP BY 1, 2, 4
         UNION ALL
         SELECT n.domaine, r.groupe, 'souhaitee', n.souhaitee, count(*)::int
           FROM note_autonomie n JOIN reponse_autonomie r ON r.id = n.reponse_id
          WHERE r.enquete_id = $1 GROUP BY 1, 2, 4`,
        [enquete.id],
      ),
      m.query(`SELECT groupe, count(*)::int AS nb FROM reponse_autonomie WHERE enquete_id = $1 GROUP BY groupe`, [enquete.id]),
      m.query(
        `SELECT (count(*) FILTER (WHERE q.escaladee_at IS NULL AND q.reponse IS NOT NULL))::int AS "reponduesLocalement",
                (count(*) FILTER (WHERE q.escaladee_at IS NOT NULL))::int AS escaladees,
                (count(*) FILTER (WHERE q.escaladee_at IS NOT NULL AND EXISTS (
                   SELECT 1 FROM reponse_publiee rp
                    WHERE rp.dispositif_id = q.dispositif_id AND rp.retiree_le IS NULL AND rp.publiee_le < q.escaladee_at)))::int AS "escaladeesAvecReponsePubliee"
           FROM question q
          WHERE q.created_at >= ($1::date::timestamp AT TIME ZONE 'Europe/Paris')
            AND q.created_at < ($2::date::timestamp AT TIME ZONE 'Europe/Paris')`,
        [`${mois}-01`, `${decalerMois(mois, 1)}-01`],
      ),
      m.query(
        `SELECT r.id, r.repondant_id, u.display_name, r.groupe, r.maison_id, r.version, r.updated_at, n.domaine, n.actuelle, n.souhaitee
           FROM reponse_autonomie r JOIN users u ON u.id = r.repondant_id JOIN note_autonomie n ON n.reponse_id = r.id
          WHERE r.enquete_id = $1 ${voitReponsesIndividuelles(ctx) ? '' : 'AND r.repondant_id = $2'}
          ORDER BY r.groupe, u.display_name, r.id`,
        voitReponsesIndividuelles(ctx) ? [enquete.id] : [enquete.id, ctx.userId],
      ),
    ]);

    const nbGroupe = (g: GroupeAutonomie) => groupes.find((r) => r.groupe === g)?.nb ?? 0;
    const statNote = (domaine: string, groupe: string, sorte: string): StatNote => {
      const distribution: StatNote['distribution'] = [0, 0, 0, 0, 0];
      for (const s of stats) if (s.domaine === domaine && s.groupe === groupe && s.sorte === sorte) distribution[s.note - 1] = s.nb;
      const total = distribution.reduce((a, b) => a + b, 0);
      return { moyenne: total ? rond2(distribution.reduce((a, nb, i) => a + nb * (i + 1), 0) / total) : null, distribution };
    };
    const statGroupe = (domaine: string, groupe: GroupeAutonomie): StatGroupe => {
      const actuelle = statNote(domaine, groupe, 'actuelle');
      const souhaitee = statNote(domaine, groupe, 'souhaitee');
      return {
        repondants: actuelle.distribution.reduce((a, b) => a + b, 0),
        actuelle,
        souhaitee,
        ecart: actuelle.moyenne !== null && souhaitee.moyenne !== null ? rond2(souhaitee.moyenne - actuelle.moyenne) : null,
      };
    };

    const parReponse = new Map<string, ReponseIndividuelle & { version: number }>();
    for (const n of notes) {
      let r = parReponse.get(n.id);
      if (!r)
        parReponse.set(
          n.id,
          (r = { repondant: { id: n.repondant_id, displayName: n.display_name }, groupe: n.groupe, maisonId: n.maison_id, notes: [], misAJourLe: new Date(n.updated_at).toISOString(), version: n.version }),
        );
      r.notes.push({ domaine: n.domaine, actuelle: n.actuelle, souhaitee: n.souhaitee });
    }
    const ordre = (a: NoteAutonomie, b: NoteAutonomie) => DOMAINES_AUTONOMIE.indexOf(a.domaine) - DOMAINES_AUTONOMIE.indexOf(b.domaine);
    for (const r of parReponse.values()) r.notes.sort(ordre);
    const mienne = [...parReponse.values()].find((r) => r.repondant.id === ctx.userId);

    return {
      enquete: enqueteDto(enquete),
      repondants: { mdr: nbGroupe('mdr'), siege: nbGroupe('siege') },
      domaines: DOMAINES_AUTONOMIE.map((d) => ({ domaine: d, libelle: LIBELLES_DOMAINES[d], mdr: statGroupe(d, 'mdr'), siege: statGroupe(d, 'siege') })),
      jaugeReseau: { mois, ...chiffresAutonomie(jauge[0]) },
      maReponse: mienne ? { enqueteId: enquete.id, groupe: mienne.groupe, notes: mienne.notes, version: mienne.version, misAJourLe: mienne.misAJourLe } : null,
      reponses: voitReponsesIndividuelles(ctx) ? [...parReponse.values()].map(({ version: _v, ...r }) => r) : null,
    };
  }
}

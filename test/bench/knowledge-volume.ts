import { Client } from 'pg';
import { Prng, WeightedPicker } from '../../apps/worker/src/volume/prng';

/*
 * Generated knowledge for the search and suggestions benchmarks (issue 14): published answers
 * (FAQ entries) and documents with their extracted text, written in plausible French from the
 * seeded directory's dispositifs (name, keywords, public, description, thème). Reusable: it
 * needs a migrated database with the demo directory (`cli.js setup`), nothing else; the
 * questions of `seed:volume` are optional (answers then name no source question).
 */

export interface KnowledgeVolumeOptions {
  /** Published answers to add (about 5 % of them withdrawn, as real FAQ entries get replaced). */
  reponses: number;
  /** Documents to add (about 85 % PDFs with extracted text, the rest images or unreadable PDFs). */
  documents: number;
  /** PRNG seed: same seed, same directory → the same rows. */
  seed?: number;
  /** The present of the generated history (publication dates over the 24 months before). */
  now?: Date;
  /** Rows per INSERT. */
  batchSize?: number;
  log?: (line: string) => void;
}

export interface KnowledgeVolumeReport {
  reponses: number;
  retirees: number;
  documents: number;
  documentsAvecTexte: number;
  /** Characters of extracted text written, all documents together. */
  caracteresTexte: number;
  secondes: number;
}

interface Dispositif {
  id: string;
  nom: string;
  motsCles: string[];
  publicVise: string | null;
  description: string | null;
  theme: string | null;
  directionId: string;
}

const QUESTIONS = [
  (d: Dispositif, k: string) => `Un ${k} est-il éligible à ${d.nom} ?`,
  (d: Dispositif, k: string) => `Quelles dépenses sont prises en charge par ${d.nom} pour un projet de ${k} ?`,
  (d: Dispositif) => `Peut-on cumuler ${d.nom} avec une aide de l’État ?`,
  (d: Dispositif) => `Quel est le délai d’instruction d’un dossier ${d.nom} ?`,
  (d: Dispositif, k: string) => `Quelles pièces fournir pour une demande ${d.nom} (${k}) ?`,
  (d: Dispositif) => `Le dispositif ${d.nom} est-il encore ouvert cette année ?`,
  (d: Dispositif, k: string) => `Comment est calculé le montant de l’aide pour ${k} ?`,
  (d: Dispositif) => `Qui contacter à la Région pour un dossier ${d.nom} déjà déposé ?`,
  (d: Dispositif, k: string) => `Une association peut-elle demander ${d.nom} pour ${k} ?`,
  (d: Dispositif, k: string) => `Versement du solde de ${d.nom} : quels justificatifs pour ${k} ?`,
];

const OUVERTURES = [
  (d: Dispositif) => `Oui, sous conditions : ${d.nom} s’adresse à ${lower(d.publicVise) ?? 'un public défini par le règlement'}.`,
  (d: Dispositif) => `Le règlement de ${d.nom} le prévoit.`,
  () => 'La réponse dépend de la nature du projet et du statut du porteur.',
  (d: Dispositif) => `C’est la question la plus fréquente sur ${d.nom}.`,
];

const PHRASES = [
  (_d: Dispositif, k: string) => `Les dépenses liées à ${k} sont éligibles lorsqu’elles figurent dans le plan de financement déposé avec la demande.`,
  () => 'Le dossier se dépose en ligne sur le portail des aides de la Région, avant le début des travaux.',
  () => 'L’aide prend la forme d’une subvention plafonnée, versée en deux fois : une avance à la notification, le solde sur justificatifs.',
  () => 'Le cumul avec une aide de l’État est possible dans la limite de 80 % de financements publics.',
  (d: Dispositif) => `La direction qui porte ${d.nom} instruit le dossier en deux mois environ, puis la commission permanente vote l’aide.`,
  () => 'Pièces à fournir : statuts, Kbis ou avis de situation Insee, devis détaillés, plan de financement et RIB.',
  (_d: Dispositif, k: string) => `Pour ${k}, la Maison de la Région peut aider l’usager à compléter son dossier.`,
  () => 'Un projet déjà commencé avant le dépôt de la demande n’est pas éligible.',
  (d: Dispositif) => (d.description ? `Pour rappel : ${d.description}` : 'Le règlement d’intervention précise les conditions.'),
  (_d: Dispositif, k: string) => `Les projets de ${k} situés en zone de revitalisation rurale bénéficient d’un taux majoré.`,
  () => 'En cas de doute, orienter l’usager vers le référent de la direction avec le numéro de dossier.',
];

const TITRES_DOCUMENT = [
  (d: Dispositif) => `Règlement d’intervention ${d.nom}`,
  (d: Dispositif) => `Guide du porteur de projet — ${d.nom}`,
  (d: Dispositif, k: string) => `Fiche pratique : ${k}`,
  (d: Dispositif) => `Foire aux questions ${d.nom}`,
  (d: Dispositif) => `Délibération de la commission permanente — ${d.nom}`,
  (d: Dispositif, k: string) => `Note aux Maisons de la Région : ${k}`,
  (d: Dispositif) => `Formulaire de demande ${d.nom}`,
  (d: Dispositif) => `Présentation ${d.nom} aux partenaires`,
];

const SECTIONS = [
  'Article 1 — Objet du dispositif',
  'Article 2 — Bénéficiaires',
  'Article 3 — Dépenses éligibles',
  'Article 4 — Montant de l’aide',
  'Article 5 — Modalités de dépôt',
  'Article 6 — Instruction et décision',
  'Article 7 — Versement',
  'Article 8 — Contrôle et reversement',
];

const lower = (s: string | null) => (s ? s.charAt(0).toLowerCase() + s.slice(1) : null);

/** A paragraph of règlement-like prose about the dispositif, around one of its words. */
function paragraphe(rng: Prng, d: Dispositif): string {
  const k = motDe(rng, d);
  const n = 2 + rng.int(4);
  return Array.from({ length: n }, () => rng.pick(PHRASES)(d, k)).join(' ');
}

function motDe(rng: Prng, d: Dispositif): string {
  const mots = d.motsCles.length ? d.motsCles : [d.theme?.toLowerCase() ?? 'projet'];
  return rng.pick(mots);
}

/** A document's text: sections of paragraphs, log-normal length around 8,000 characters (2,000 to 60,000). */
function texteDocument(rng: Prng, d: Dispositif): string {
  const cible = Math.min(60_000, Math.max(2_000, Math.round(8_000 * Math.exp(0.8 * rng.gaussian()))));
  const out: string[] = [`${d.nom}\n${d.theme ?? ''}\n`];
  let length = out[0].length;
  let section = 0;
  while (length < cible) {
    const part = section < SECTIONS.length && rng.chance(0.3) ? `\n${SECTIONS[section++]}\n` : `${paragraphe(rng, d)}\n`;
    out.push(part);
    length += part.length;
  }
  return out.join('');
}

/**
 * Adds generated published answers and documents to the database at `databaseUrl` (superuser or
 * owner: it inserts directly). Dispositifs are drawn with a Zipf-like popularity, as questions
 * are; answers are written by the référents, documents by the owning direction. Returns counts.
 */
export async function addKnowledgeVolume(databaseUrl: string, options: KnowledgeVolumeOptions): Promise<KnowledgeVolumeReport> {
  const started = process.hrtime.bigint();
  const rng = new Prng(options.seed ?? 14);
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 1_000;
  const log = options.log ?? (() => undefined);
  const client = new Client({ connectionString: databaseUrl, application_name: 'relais-knowledge-volume' });
  await client.connect();
  try {
    await client.query(`SET synchronous_commit = off`);
    const dispositifs: Dispositif[] = (
      await client.query(
        `SELECT d.id, d.nom, d.mots_cles, d.public_vise, d.description, t.libelle AS theme, d.direction_id
           FROM dispositif d LEFT JOIN theme t ON t.id = d.theme_id ORDER BY d.code`,
      )
    ).rows.map((r) => ({ id: r.id, nom: r.nom, motsCles: r.mots_cles ?? [], publicVise: r.public_vise, description: r.description, theme: r.theme, directionId: r.direction_id }));
    const auteurs: string[] = (await client.query(`SELECT id FROM users WHERE role = 'referent' ORDER BY email`)).rows.map((r) => r.id);
    if (dispositifs.length === 0 || auteurs.length === 0) throw new Error('Annuaire absent : lancez d’abord `cli.js setup` (migrations et annuaire de démonstration).');
    const parDirection = new Map<string, string>();
    for (const r of (await client.query(`SELECT DISTINCT ON (direction_id) direction_id, id FROM users WHERE direction_id IS NOT NULL ORDER BY direction_id, email`)).rows) {
      parDirection.set(r.direction_id, r.id);
    }
    const populaires = new WeightedPicker(dispositifs, dispositifs.map((_, i) => 1 / (i % 17 + 1)));
    const jour = 86_400_000;
    const depuis = now.getTime() - 730 * jour;

    let retirees = 0;
    for (let done = 0; done < options.reponses; ) {
      const n = Math.min(batchSize, options.reponses - done);
      const cols: unknown[][] = [[], [], [], [], [], [], [], []];
      for (let i = 0; i < n; i++) {
        const d = populaires.pick(rng);
        const k = motDe(rng, d);
        const publiee = new Date(depuis + rng.next() * 730 * jour);
        const retiree = rng.chance(0.05) ? new Date(publiee.getTime() + rng.next() * (now.getTime() - publiee.getTime())) : null;
        if (retiree) retirees++;
        const reponse = [rng.pick(OUVERTURES)(d), ...Array.from({ length: 2 + rng.int(5) }, () => rng.pick(PHRASES)(d, k))].join(' ');
        [rng.uuid(), d.id, rng.pick(QUESTIONS)(d, k).slice(0, 300), reponse, rng.chance(0.7) ? 'interne' : 'externe', rng.pick(auteurs), publiee, retiree].forEach((v, c) => cols[c].push(v));
      }
      await client.query(
        `INSERT INTO reponse_publiee (id, dispositif_id, question, reponse, diffusion, auteur_id, publiee_le, retiree_le)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[], $8::timestamptz[])`,
        cols,
      );
      done += n;
      log(`  ${done.toLocaleString('fr-FR')} / ${options.reponses.toLocaleString('fr-FR')} réponses publiées`);
    }

    let avecTexte = 0;
    let caracteres = 0;
    const docBatch = Math.max(1, Math.floor(batchSize / 10));
    for (let done = 0; done < options.documents; ) {
      const n = Math.min(docBatch, options.documents - done);
      const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], [], [], []];
      for (let i = 0; i < n; i++) {
        const d = populaires.pick(rng);
        const id = rng.uuid();
        const pdf = rng.chance(0.9);
        const texte = pdf && rng.chance(0.95) ? texteDocument(rng, d) : null;
        if (texte) {
          avecTexte++;
          caracteres += texte.length;
        }
        const auteur = parDirection.get(d.directionId) ?? rng.pick(auteurs);
        [
          id,
          d.id,
          rng.pick(TITRES_DOCUMENT)(d, motDe(rng, d)).slice(0, 200),
          rng.chance(0.6) ? 'externe' : 'interne',
          pdf ? 'application/pdf' : 'image/png',
          pdf ? 'pdf' : 'png',
          String(texte ? texte.length * 3 : 150_000 + rng.int(2_000_000)),
          `bench/${id}`,
          auteur,
          d.directionId,
          new Date(depuis + rng.next() * 730 * jour),
          texte,
        ].forEach((v, c) => cols[c].push(v));
      }
      await client.query(
        `INSERT INTO document (id, dispositif_id, titre, diffusion, type_mime, extension, taille, cle, auteur_id, auteur_direction_id, cree_le, texte)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::uuid[], $10::uuid[], $11::timestamptz[], $12::text[])`,
        cols,
      );
      done += n;
      if (done % (docBatch * 10) === 0 || done === options.documents) log(`  ${done.toLocaleString('fr-FR')} / ${options.documents.toLocaleString('fr-FR')} documents`);
    }
    await client.query(`ANALYZE reponse_publiee`);
    await client.query(`ANALYZE document`);
    return {
      reponses: options.reponses,
      retirees,
      documents: options.documents,
      documentsAvecTexte: avecTexte,
      caracteresTexte: caracteres,
      secondes: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } finally {
    await client.end();
  }
}

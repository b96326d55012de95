import { createHash } from 'node:crypto';
import type { SuiviView } from '@app/questions';

/**
 * The usager's tracking page, rendered on the server: plain HTML and one inline stylesheet, no
 * script, readable at 320 px, in French. Everything it prints comes from SuiviView, which holds
 * no person's name, no note, no message and no answer.
 */

/** Colours checked for contrast (WCAG AA): #1d1d1b on #fff, #fff on #a3142e, #3d3d3a on #f4f1ee. */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1.05rem;line-height:1.5;color:#1d1d1b;background:#fff}
header,footer{padding:.75rem 1rem}
header{background:#a3142e;color:#fff}
header p{margin:0;font-weight:600}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.reference{font-size:1.1rem}
.etape{border-left:.35rem solid #a3142e;padding:.25rem 0 .25rem .85rem;background:#f4f1ee}
.etape p{margin:.35rem 0}
.etape .titre{font-weight:700}
ol{padding-left:1.25rem}
li{margin:.35rem 0}
time{white-space:nowrap}
footer{border-top:1px solid #d6d1cc;color:#3d3d3a;background:#f4f1ee;font-size:.95rem}
footer p{max-width:40rem;margin:0 auto;padding:0 1rem}
`.trim();

/** For the CSP: the stylesheet is allowed by its hash, nothing else is (no script at all). */
const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');
export const SUIVI_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  // The web app's icon (served beside it), and nothing else.
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join(';');

/** The headers of every answer of /suivi (page, 404, 429): nobody keeps, indexes or leaks the address. */
export const SUIVI_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy': SUIVI_CSP,
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' });
const JOUR = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

function date(at: Date): string {
  return `<time datetime="${JOUR.format(at)}">${escapeHtml(DATE.format(at))}</time>`;
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><p>Région Occitanie · Maisons de la Région</p></header>
<main>
${body}
</main>
<footer><p>Les pages de suivi ne montrent que l’avancement des demandes : aucune donnée personnelle n’y figure.</p></footer>
</body>
</html>
`;
}

export function suiviPage(view: SuiviView): string {
  const reference = escapeHtml(view.reference);
  // The town only when the name does not already say it ("Maison de Ma Région – Carcassonne").
  const lieu = view.maison.adresse ?? (view.maison.nom.includes(view.maison.ville) ? null : view.maison.ville);
  const maison = [view.maison.nom, lieu].filter((l): l is string => Boolean(l)).map((l) => `<p>${escapeHtml(l)}</p>`);
  if (view.maison.horaires) maison.push(`<p>Horaires : ${escapeHtml(view.maison.horaires)}</p>`);
  const etapes = view.etapes.map((e) => `<li>${escapeHtml(e.libelle)} : ${date(e.at)}</li>`).join('\n');
  const fin = view.expireLe
    ? `<p>Cette page restera consultable jusqu’au ${date(view.expireLe)}.</p>`
    : '<p>Cette page est mise à jour à chaque étape de votre demande.</p>';
  return layout(
    `Suivi de votre demande ${view.reference} — Région Occitanie`,
    `<h1>Suivi de votre demande</h1>
<p class="reference">Référence : <strong>${reference}</strong></p>
<section class="etape" aria-labelledby="etape-titre">
<h2 id="etape-titre">Où en est votre demande</h2>
<p class="titre">${escapeHtml(view.etape.titre)}</p>
<p>${escapeHtml(view.etape.texte)}</p>
</section>
<section aria-labelledby="etapes-titre">
<h2 id="etapes-titre">Les étapes</h2>
<ol>
${etapes}
</ol>
</section>
<section aria-labelledby="contact-titre">
<h2 id="contact-titre">Votre interlocuteur</h2>
${maison.join('\n')}
</section>
${fin}`,
  );
}

/** One page for every token that opens nothing (wrong, revoked, expired): the same bytes whatever the reason. */
export const SUIVI_INTROUVABLE = layout(
  'Lien de suivi introuvable — Région Occitanie',
  `<h1>Lien de suivi introuvable</h1>
<p>Ce lien de suivi ne correspond à aucune demande, ou il n’est plus valable.</p>
<p>Vérifiez l’adresse inscrite sur votre reçu, ou adressez-vous à la Maison de la Région qui a enregistré votre demande.</p>`,
);

export const SUIVI_TROP_DE_REQUETES = layout(
  'Trop de consultations — Région Occitanie',
  `<h1>Trop de consultations</h1>
<p>Cette page a été demandée trop souvent depuis votre connexion. Réessayez dans une minute.</p>`,
);

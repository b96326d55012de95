import { DateTime } from 'luxon';
import { NOTIFICATION_TYPES, NotificationType } from '../notification.types';

/**
 * The e-mails' French texts, plain text and HTML, as plain functions. They put in a mail only
 * what the notification row holds (reference, titre — which by contract names no usager —, kind,
 * date, link): nothing is looked up about the ticket, so no usager's personal data can reach a
 * mail through them. Every inserted value is escaped in the HTML part.
 */

/** What happened, as the subject and the digest's headings say it (one line per kind). */
export const LIBELLES_COURRIEL: Record<NotificationType, { sujet: string; rubrique: string }> = {
  question_escaladee: { sujet: 'question escaladée vers votre direction', rubrique: 'Questions escaladées vers votre direction' },
  question_repondue: { sujet: 'réponse reçue', rubrique: 'Questions répondues' },
  info_demandee: { sujet: 'information demandée', rubrique: 'Informations demandées' },
  commande_recue: { sujet: 'commande reçue', rubrique: 'Commandes reçues' },
  clarification_apportee: { sujet: 'clarification apportée', rubrique: 'Clarifications apportées' },
  livraison_renvoyee: { sujet: 'livraison renvoyée', rubrique: 'Livraisons renvoyées' },
  clarification_demandee: { sujet: 'clarification demandée', rubrique: 'Clarifications demandées' },
  livraison_effectuee: { sujet: 'livraison effectuée', rubrique: 'Livraisons effectuées' },
  sla_avertissement: { sujet: 'délai bientôt atteint', rubrique: 'Délais bientôt atteints' },
  sla_depassement: { sujet: 'délai dépassé', rubrique: 'Délais dépassés' },
  capitalisation_suggeree: { sujet: 'questions similaires, réponse à publier', rubrique: 'Réponses à publier (questions similaires)' },
};

/** The part of a notification row a mail shows. */
export interface NotificationCourriel {
  type: NotificationType;
  reference: string;
  titre: string;
  lien: string;
  creeeA: Date;
}

export interface Courriel {
  sujet: string;
  texte: string;
  html: string;
}

export const CHEMIN_PREFERENCES = '/preferences';
const ZONE = 'Europe/Paris';

export function echapperHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One line: a header or a list item must not be split (nor a header injected) by a newline in a value. */
function uneLigne(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

/**
 * The absolute address of a web app path. Only a path of the app itself (`/questions/…`) is
 * accepted: anything else (`//elsewhere`, `javascript:`, a full URL) links to the app's home, so
 * a malformed row can never send a reader off-site.
 */
export function lienAbsolu(base: string, chemin: string): string {
  const racine = base.replace(/\/+$/, '');
  return /^\/(?![/\\])[^\s]*$/.test(chemin) ? `${racine}${chemin}` : `${racine}/`;
}

function dateHeure(at: Date): string {
  return DateTime.fromJSDate(at, { zone: ZONE }).setLocale('fr').toFormat("d LLLL yyyy 'à' HH'h'mm");
}

function jourLong(jour: string): string {
  return DateTime.fromISO(jour, { zone: ZONE }).setLocale('fr').toFormat('cccc d LLLL yyyy');
}

function pied(base: string): { texte: string; html: string } {
  const preferences = lienAbsolu(base, CHEMIN_PREFERENCES);
  return {
    texte: `—\nVous recevez ce courriel selon vos préférences de notification dans Relais.\nPour les modifier (immédiat, résumé quotidien ou aucun courriel) : ${preferences}\n`,
    html:
      `<hr style="border:none;border-top:1px solid #ccc;margin:24px 0 12px">` +
      `<p style="font-size:13px;color:#555">Vous recevez ce courriel selon vos préférences de notification dans Relais. ` +
      `<a href="${echapperHtml(preferences)}">Modifier mes préférences</a> (immédiat, résumé quotidien ou aucun courriel).</p>`,
  };
}

function page(titre: string, corps: string): string {
  return (
    `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${echapperHtml(titre)}</title></head>` +
    `<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#1e1e1e;line-height:1.5">${corps}</body></html>`
  );
}

/** The mail of one notification, sent at once. */
export function courrielImmediat(n: NotificationCourriel, base: string): Courriel {
  const reference = uneLigne(n.reference);
  const titre = uneLigne(n.titre);
  const lien = lienAbsolu(base, n.lien);
  const sujet = `[Relais] ${reference} : ${LIBELLES_COURRIEL[n.type].sujet}`;
  const quand = dateHeure(n.creeeA);
  const bas = pied(base);
  return {
    sujet,
    texte: `Bonjour,\n\n${titre}\n\nRéférence : ${reference}\nLe ${quand}\n\nOuvrir dans Relais : ${lien}\n\n${bas.texte}`,
    html: page(
      sujet,
      `<p>Bonjour,</p><p><strong>${echapperHtml(titre)}</strong></p>` +
        `<p>Référence : ${echapperHtml(reference)}<br>Le ${echapperHtml(quand)}</p>` +
        `<p><a href="${echapperHtml(lien)}">Ouvrir ${echapperHtml(reference)} dans Relais</a></p>${bas.html}`,
    ),
  };
}

/**
 * The daily digest: every notification it carries, grouped by kind (in the order of
 * NOTIFICATION_TYPES), oldest first within a kind. `jour` is the local day it is sent for.
 */
export function courrielResume(notifications: NotificationCourriel[], jour: string, base: string): Courriel {
  const n = notifications.length;
  const sujet = `[Relais] Résumé du ${jourLong(jour)} : ${n} notification${n > 1 ? 's' : ''}`;
  const groupes = NOTIFICATION_TYPES.map((type) => ({
    type,
    items: notifications.filter((x) => x.type === type).sort((a, b) => a.creeeA.getTime() - b.creeeA.getTime()),
  })).filter((g) => g.items.length > 0);
  const texte: string[] = ['Bonjour,', '', `Voici ce qui s’est passé pour vous dans Relais (${n} notification${n > 1 ? 's' : ''}).`, ''];
  const html: string[] = ['<p>Bonjour,</p>', `<p>Voici ce qui s’est passé pour vous dans Relais (${n} notification${n > 1 ? 's' : ''}).</p>`];
  for (const g of groupes) {
    const rubrique = `${LIBELLES_COURRIEL[g.type].rubrique} (${g.items.length})`;
    texte.push(rubrique);
    html.push(`<h2 style="font-size:16px;margin:20px 0 8px">${echapperHtml(rubrique)}</h2><ul>`);
    for (const item of g.items) {
      const lien = lienAbsolu(base, item.lien);
      const reference = uneLigne(item.reference);
      const titre = uneLigne(item.titre);
      texte.push(`- ${reference} : ${titre} (le ${dateHeure(item.creeeA)})`, `  ${lien}`);
      html.push(
        `<li><a href="${echapperHtml(lien)}">${echapperHtml(reference)}</a> : ${echapperHtml(titre)} ` +
          `<span style="color:#555">(le ${echapperHtml(dateHeure(item.creeeA))})</span></li>`,
      );
    }
    texte.push('');
    html.push('</ul>');
  }
  const bas = pied(base);
  return { sujet, texte: `${texte.join('\n')}\n${bas.texte}`, html: page(sujet, html.join('') + bas.html) };
}

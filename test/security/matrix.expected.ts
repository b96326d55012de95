import type { Role } from '@app/core';

/**
 * The access matrix of issue #17, reviewed by hand: what each route answers to each role (and to
 * no token at all), for a resource of the caller's own unit ("in") and for one of another unit
 * ("out"). test/security/matrix.e2e-spec.ts sends every cell and prints the actual table when a
 * cell differs, or when a route has no row here (paste its row after reviewing it).
 *
 * Columns: `anon` (no token), then one user per role of ROLES (libs/core/src/auth):
 */
export const COLUMNS = ['anon', 'agent_mdr', 'responsable_mdr', 'referent', 'cabinet', 'manager', 'admin'] as const;

/** Whom each role column is: an MdR of Carcassonne, the Tourisme direction, the Cabinet. */
export const USERS: Record<Role, string> = {
  agent_mdr: 'agent.carcassonne@relais.demo',
  responsable_mdr: 'responsable.carcassonne@relais.demo',
  referent: 'referent.tourisme@relais.demo',
  cabinet: 'cabinet.conseiller@relais.demo',
  // A manager scoped to a direction: the network-wide manager has no "out".
  manager: 'manager.tourisme@relais.demo',
  admin: 'admin@relais.demo',
};

/**
 * "in": Carcassonne's question escalated to Tourisme (in the state the transition needs), a
 * commande issued by the caller's unit (the Cabinet; Tourisme for the manager) to Carcassonne, a
 * Tourisme dispositif, document, link, published answer or invitation, the caller's own
 * notification, Carcassonne, Tourisme. "out": the same from Perpignan, the DEF, another user.
 * A row with one string has no unit-owned resource in its path.
 *
 * Statuses: 200/201/204 allowed; 401 no token; 403 the role may never do it; 404 not found or
 * out of the caller's scope (never 403: a ticket outside the scope does not exist for them);
 * 409 allowed but not in this state; 400/422 allowed, the fixed body refused for the role's unit.
 */
export const EXPECTED: Record<string, [string] | [string, string]> = {
  // route                                                      in: anon agent resp ref  cab  man  adm   out: the same
  'GET /api/v1/auth/configuration':                             ['200 200 200 200 200 200 200'],
  'POST /api/v1/auth/dev-login':                                ['200 200 200 200 200 200 200'],
  'GET /api/v1/auth/dev-users':                                 ['200 200 200 200 200 200 200'],
  'GET /api/v1/me':                                             ['401 200 200 200 200 200 200'],
  'POST /api/v1/questions':                                     ['401 201 201 403 403 403 403'],
  'GET /api/v1/questions':                                      ['401 200 200 200 403 200 403'],
  'GET /api/v1/file-referent':                                  ['401 403 403 200 403 200 403'],
  'GET /api/v1/questions/:id':                                  ['401 200 200 200 404 200 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/questions/:id/fil':                              ['401 200 200 200 404 200 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/questions/:id/fil/verification':                 ['401 200 200 200 404 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/repondre-localement':             ['401 200 200 404 404 404 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/escalader':                       ['401 200 200 404 404 404 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/prendre-en-charge':               ['401 403 403 200 404 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/demander-info':                   ['401 403 403 200 404 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/fournir-info':                    ['401 200 200 403 404 403 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/repondre':                        ['401 403 403 200 404 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/reorienter':                      ['401 403 403 200 404 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/clore':                           ['401 200 200 403 404 403 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/rouvrir':                         ['401 200 200 403 404 403 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/messages':                        ['401 201 201 201 404 201 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/questions/:id/lien-suivi':                      ['401 201 201 403 404 403 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/sla/politiques':                                 ['401 403 403 403 403 200 200'],
  'PUT /api/v1/sla/politiques/:id':                             ['401 403 403 403 403 403 200'],
  'GET /api/v1/calendriers':                                    ['401 200 200 200 200 200 200'],
  'GET /api/v1/calendriers/:id':                                ['401 200 200 200 200 200 200'],
  'PUT /api/v1/calendriers/:id':                                ['401 403 403 403 403 403 200'],
  'POST /api/v1/commandes':                                     ['401 403 403 403 201 201 403'],
  'GET /api/v1/commandes':                                      ['401 200 200 403 200 200 403'],
  'GET /api/v1/commandes/:id':                                  ['401 200 200 404 200 200 404', '401 404 404 404 404 404 404'],
  'PATCH /api/v1/commandes/:id':                                ['401 404 404 404 200 200 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/commandes/:id/verification':                     ['401 200 200 404 200 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/commandes/:id/emettre':                         ['401 404 404 404 200 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/commandes/:id/annuler':                         ['401 403 403 404 200 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/commandes/:id/messages':                        ['401 201 201 404 201 201 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/commandes/:id/fil':                              ['401 200 200 404 200 200 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/commandes/:id/fil/verification':                 ['401 200 200 404 200 200 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/affectations/:id':                               ['401 200 200 404 200 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/affectations/:id/accuser-reception':            ['401 200 200 404 403 403 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/affectations/:id/demander-clarification':       ['401 200 200 404 403 403 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/affectations/:id/clarifier':                    ['401 403 403 404 200 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/affectations/:id/avancement':                   ['401 200 200 404 403 403 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/affectations/:id/livrer':                       ['401 200 200 404 403 403 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/affectations/:id/valider':                      ['401 403 403 404 200 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/affectations/:id/renvoyer':                     ['401 403 403 404 200 200 404', '401 404 404 404 404 404 404'],
  'POST /api/v1/affectations/:id/annuler':                      ['401 403 403 404 200 200 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/maisons':                                        ['401 200 200 200 200 200 200'],
  'GET /api/v1/maisons/:id':                                    ['401 200 200 200 200 200 200', '401 200 200 200 200 200 200'],
  'PUT /api/v1/maisons/:id/specialisations':                    ['401 403 403 403 403 403 200', '401 403 403 403 403 403 200'],
  'GET /api/v1/directions':                                     ['401 200 200 200 200 200 200'],
  'GET /api/v1/directions/:id':                                 ['401 200 200 200 200 200 200', '401 200 200 200 200 200 200'],
  'GET /api/v1/themes':                                         ['401 200 200 200 200 200 200'],
  'GET /api/v1/dispositifs':                                    ['401 200 200 200 200 200 200'],
  'GET /api/v1/dispositifs/:id':                                ['401 200 200 200 200 200 200', '401 200 200 200 200 200 200'],
  'GET /api/v1/referents':                                      ['401 200 200 200 200 200 200'],
  'GET /api/v1/dispositifs/:id/referents-historique':           ['401 200 200 200 200 200 200', '401 200 200 200 200 200 200'],
  'GET /api/v1/questions/:id/suggestion-referent':              ['401 200 200 200 404 200 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/tableaux-de-bord/sla':                           ['401 403 200 200 200 200 200'],
  'GET /api/v1/tableaux-de-bord/commandes':                     ['401 403 200 403 200 200 200'],
  'GET /api/v1/tableaux-de-bord/capitalisation':                ['401 403 200 200 200 200 200'],
  'GET /suivi/:token':                                          ['200 200 200 200 200 200 200'],
  'GET /api/v1/webhooks':                                       ['401 403 403 403 403 403 200'],
  'POST /api/v1/webhooks':                                      ['401 403 403 403 403 403 201'],
  'POST /api/v1/webhooks/:id/desactiver':                       ['401 403 403 403 403 403 200'],
  'GET /api/v1/webhooks/:id/livraisons':                        ['401 403 403 403 403 403 200'],
  'POST /api/v1/webhooks/livraisons/:id/rejouer':               ['401 403 403 403 403 403 200'],
  'GET /api/v1/flux':                                           ['401 200 200 200 200 200 200'],
  'GET /api/v1/notifications':                                  ['401 200 200 200 200 200 200'],
  'GET /api/v1/notifications/compteur':                         ['401 200 200 200 200 200 200'],
  'POST /api/v1/notifications/lues':                            ['401 200 200 200 200 200 200'],
  'POST /api/v1/notifications/:id/lue':                         ['401 200 200 200 200 200 200', '401 404 404 404 404 404 404'],
  'GET /api/v1/me/preferences-notifications':                   ['401 200 200 200 200 200 200'],
  'PUT /api/v1/me/preferences-notifications':                   ['401 200 200 200 200 200 200'],
  'POST /api/v1/dispositifs/:id/documents':                     ['401 403 403 201 403 201 201', '401 403 403 403 403 403 201'],
  'GET /api/v1/dispositifs/:id/documents':                      ['401 200 200 200 200 200 200', '401 200 200 200 200 200 200'],
  'GET /api/v1/documents/:id/contenu':                          ['401 200 200 200 200 200 200', '401 200 200 200 200 200 200'],
  'DELETE /api/v1/documents/:id':                               ['401 403 403 204 403 204 204', '401 403 403 403 403 403 204'],
  'POST /api/v1/documents/:id/liens':                           ['401 403 403 201 403 201 201', '401 403 403 403 403 403 201'],
  'DELETE /api/v1/liens/:id':                                   ['401 403 403 204 403 204 204', '401 403 403 403 403 403 204'],
  'GET /public/documents/:token':                               ['200 200 200 200 200 200 200'],
  'GET /api/v1/recherche':                                      ['401 200 200 200 200 200 200'],
  'GET /api/v1/capitalisation/invitations':                     ['401 403 403 200 403 200 200'],
  'POST /api/v1/capitalisation/invitations/:id/ignorer':        ['401 404 404 200 404 200 200', '401 404 404 404 404 404 200'],
  'GET /api/v1/questions/suggestions':                          ['401 200 200 200 403 200 403'],
  'POST /api/v1/questions/:id/publier':                         ['401 409 409 201 404 201 404', '401 404 404 404 404 404 404'],
  'GET /api/v1/reponses-publiees':                              ['401 200 200 200 200 200 200'],
  'GET /api/v1/reponses-publiees/:id':                          ['401 200 200 200 200 200 200', '401 200 200 200 200 200 200'],
  'PATCH /api/v1/reponses-publiees/:id':                        ['401 403 403 200 403 200 403', '401 403 403 403 403 403 403'],
  'POST /api/v1/reponses-publiees/:id/retirer':                 ['401 403 403 200 403 200 403', '401 403 403 403 403 403 403'],
  'GET /api/v1/autonomie/jauge':                                ['401 403 200 200 200 200 200'],
  'GET /api/v1/autonomie':                                      ['401 403 200 403 200 200 200'],
  'GET /api/v1/autonomie/enquetes':                             ['401 403 200 403 200 200 200'],
  'POST /api/v1/autonomie/enquetes':                            ['401 403 403 403 403 403 201'],
  'POST /api/v1/autonomie/reponses':                            ['401 403 200 403 200 200 403'],
  'POST /api/v1/barometre':                                     ['401 201 201 403 403 403 403'],
  'GET /api/v1/barometre':                                      ['401 200 200 200 200 200 200'],
  'POST /api/v1/barometre/syntheses':                           ['401 403 201 403 403 403 403'],
  'GET /api/v1/barometre/syntheses':                            ['401 200 200 200 200 200 200'],
  'POST /api/v1/rgpd/acces':                                    ['401 403 403 403 403 403 200'],
  'POST /api/v1/rgpd/effacements':                              ['401 403 403 403 403 403 200'],
  'GET /api/v1/rgpd/journal':                                   ['401 403 403 403 403 403 200'],
  'GET /health/live':                                           ['200 200 200 200 200 200 200'],
  'GET /health/ready':                                          ['200 200 200 200 200 200 200'],
  'GET /health':                                                ['200 200 200 200 200 200 200'],
  'GET /metrics':                                               ['200 200 200 200 200 200 200'],
};

export function parseRow(cells: string): string[] {
  const parts = cells.trim().split(/\s+/);
  if (parts.length !== COLUMNS.length) throw new Error(`matrix row "${cells}": ${parts.length} cells for ${COLUMNS.length} columns`);
  return parts;
}

/** One row as it is written in EXPECTED (the actual table is printed in this form). */
export function formatRow(key: string, sides: string[][]): string {
  const cells = sides.map((side) => `'${side.map((s) => s.padEnd(3)).join(' ')}'`);
  return `  '${key}':`.padEnd(64) + `[${cells.join(', ')}],`;
}

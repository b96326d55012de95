/*
 * SQL fragments shared by the directory queries. The directory is reference data of a few
 * hundred rows: plain SQL shaped as the views, no pagination, no index beyond the foreign keys.
 */

/** Lower case, no accents (`f_unaccent`, from the initial migration), apostrophes removed. */
const folded = (expr: string) => `translate(lower(f_unaccent(${expr})), '''’ʼ', '')`;

/**
 * Search form of the text a user types: folded, any punctuation a space. « Ec'Eau » → `eceau`,
 * « ÉCO-CHÈQUE » → `eco cheque`.
 */
export const searchWords = (expr: string) => `btrim(regexp_replace(${folded(expr)}, '[^a-z0-9]+', ' ', 'g'))`;

/**
 * Search form of a name or keywords, where each typed word must start a word. Apostrophes both
 * split and join (` ec eau … eceau …`) so « eau » and « eceau » both find Ec'Eau Tourisme.
 * Matching word starts rather than any substring keeps « vélo » from finding « développement ».
 */
export const searchable = (expr: string) =>
  `(' ' || regexp_replace(lower(f_unaccent(${expr})), '[^a-z0-9]+', ' ', 'g') || ' ' || ${searchWords(expr)})`;

export const directionRef = (alias: string) =>
  `json_build_object('id', ${alias}.id, 'code', ${alias}.code, 'sigle', ${alias}.sigle, 'nom', ${alias}.nom)`;

export const themeRef = (alias: string) => `json_build_object('id', ${alias}.id, 'code', ${alias}.code, 'libelle', ${alias}.libelle)`;

export const dispositifRef = (alias: string) =>
  `json_build_object('id', ${alias}.id, 'code', ${alias}.code, 'nom', ${alias}.nom, 'historique', ${alias}.historique)`;

/** The correspondent Maisons of a thème (`themeIdExpr`), by name: whom to call in the network. */
export const correspondantsOf = (themeIdExpr: string) => `
  COALESCE((SELECT json_agg(json_build_object('id', cm.id, 'code', cm.code, 'nom', cm.nom, 'ville', cm.ville) ORDER BY cm.nom, cm.id)
              FROM specialisation cs JOIN maison cm ON cm.id = cs.maison_id
             WHERE cs.theme_id = ${themeIdExpr}), '[]')`;

export const MAISON_SELECT = `
  SELECT m.id, m.code, m.nom, m.ville,
         json_build_object('code', m.departement_code, 'nom', m.departement_nom) AS departement,
         m.type, m.adresse, m.horaires, m.verifie, m.source, m.note,
         COALESCE((SELECT json_agg(${themeRef('t')} ORDER BY t.libelle)
                     FROM specialisation s JOIN theme t ON t.id = s.theme_id
                    WHERE s.maison_id = m.id), '[]') AS specialisations,
         COALESCE((SELECT json_agg(json_build_object('id', u.id, 'displayName', u.display_name, 'email', u.email, 'telephone', u.telephone)
                                   ORDER BY u.display_name)
                     FROM users u
                    WHERE u.maison_id = m.id AND u.role = 'responsable_mdr' AND u.actif), '[]') AS responsables
    FROM maison m`;

export const DIRECTION_SELECT = `
  SELECT d.id, d.code, d.sigle, d.nom, d.type, d.historique, d.verifie, d.source, d.note
    FROM direction d`;

/** Current directions first, the siège's own before agencies and partners. */
export const DIRECTION_ORDER = `
  ORDER BY d.historique,
           array_position(ARRAY['direction_generale', 'direction', 'service', 'agence', 'groupement', 'fonds']::varchar[], d.type),
           d.nom, d.id`;

/** A dispositif with its owner and the active référents who answer for it. */
export const DISPOSITIF_SELECT = `
  SELECT d.id, d.code, d.nom,
         CASE WHEN t.id IS NULL THEN NULL ELSE ${themeRef('t')} END AS theme,
         ${directionRef('dir')} AS direction,
         d.public_vise AS "publicVise", d.description, d.mots_cles AS "motsCles",
         d.historique, d.verifie, d.source, d.note,
         COALESCE((SELECT json_agg(json_build_object('id', r.id, 'userId', u.id, 'displayName', u.display_name,
                                                     'email', u.email, 'telephone', u.telephone)
                                   ORDER BY u.display_name)
                     FROM referent_dispositif rd
                     JOIN referent r ON r.id = rd.referent_id
                     JOIN users u ON u.id = r.user_id AND u.actif
                    WHERE rd.dispositif_id = d.id), '[]') AS referents,
         ${correspondantsOf('d.theme_id')} AS correspondants
    FROM dispositif d
    JOIN direction dir ON dir.id = d.direction_id
    LEFT JOIN theme t ON t.id = d.theme_id`;

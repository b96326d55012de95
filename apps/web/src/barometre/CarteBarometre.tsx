import { DEPARTEMENTS, PROJECTION, VIEWBOX } from './occitanie-departements';
import { LIBELLE_METEO, type Meteo, METEOS, type Territoire } from './queries';

const COULEUR = Object.fromEntries(METEOS.map((m) => [m.meteo, m.couleur])) as Record<Meteo, string>;

// Longitude/latitude to the drawing of the départements (occitanie-departements.ts, generated).
const P = PROJECTION;
export const x = (longitude: number) => P.minX + ((longitude - P.ouest) / (P.est - P.ouest)) * (P.maxX - P.minX);
export const y = (latitude: number) => P.minY + ((P.nord - latitude) / (P.nord - P.sud)) * (P.maxY - P.minY);
const LARGEUR_MAX = 640;

/** What a screen reader hears of a point: the Maison, its weather of the month and its entries. */
export function libellePoint(t: Territoire): string {
  const meteo = t.meteoDuMois ? LIBELLE_METEO[t.meteoDuMois as Meteo].toLowerCase() : 'aucun relevé';
  return `${t.nom} : ${meteo}${t.total > 0 ? ` (${t.total} relevé${t.total > 1 ? 's' : ''})` : ''}`;
}

/**
 * The Maisons on the outlines of Occitanie's départements (a plain SVG, no tiles: works offline),
 * placed by the approximate coordinates of their town, coloured by the weather of the month (a
 * hollow point: no entry). Each point is an image named by its
 * Maison and weather; the table beside it carries the same figures.
 */
export function CarteBarometre({ territoires, mois }: { territoires: Territoire[]; mois: string }) {
  const places = territoires.filter((t) => t.latitude != null && t.longitude != null);
  return (
    <figure className="carte-barometre">
      <svg
        viewBox={`${VIEWBOX.x} ${VIEWBOX.y} ${VIEWBOX.largeur} ${VIEWBOX.hauteur}`}
        width="100%"
        role="group"
        aria-label={`Carte des Maisons de la Région, météo de ${mois}`}
        style={{ maxWidth: LARGEUR_MAX }}
      >
        <rect x={VIEWBOX.x} y={VIEWBOX.y} width={VIEWBOX.largeur} height={VIEWBOX.hauteur} fill="#f4f7fa" />
        <g aria-hidden="true">
          {DEPARTEMENTS.map((d) => (
            <path key={d.code} d={d.path} fill="#e6ebf0" stroke="#9aa5b1" strokeWidth={0.5} strokeLinejoin="round" />
          ))}
        </g>
        {places.map((t) => {
          const cx = x(t.longitude!);
          const cy = y(t.latitude!);
          const couleur = t.meteoDuMois ? COULEUR[t.meteoDuMois as Meteo] : '#ffffff';
          return (
            <g key={t.maisonId} role="img" aria-label={libellePoint(t)}>
              <title>{libellePoint(t)}</title>
              <circle cx={cx} cy={cy} r={3.6} fill={couleur} stroke="#33404d" strokeWidth={t.meteoDuMois ? 0.4 : 0.8} />
              <text x={cx + 4.8} y={cy + 1.8} fontSize={5.2} fill="#1f2933" aria-hidden="true">
                {t.ville}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        Légende :{' '}
        {METEOS.map((m) => (
          <span key={m.meteo} className="legende-meteo">
            <svg width="12" height="12" aria-hidden="true">
              <circle cx="6" cy="6" r="5" fill={m.couleur} stroke="#33404d" />
            </svg>{' '}
            {m.libelle}{' '}
          </span>
        ))}
        <span className="legende-meteo">○ aucun relevé</span>. Positions approximatives (centre de la ville). Fond de carte : départements
        d’après svg-maps (CC BY 4.0).
      </figcaption>
    </figure>
  );
}

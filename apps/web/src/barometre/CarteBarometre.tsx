import { LIBELLE_METEO, type Meteo, METEOS, type Territoire } from './queries';

const COULEUR = Object.fromEntries(METEOS.map((m) => [m.meteo, m.couleur])) as Record<Meteo, string>;

// The box of Occitanie (longitude, latitude), a little wider than its Maisons.
const OUEST = -0.3;
const EST = 5.1;
const SUD = 42.5;
const NORD = 44.9;
const LARGEUR = 600;
// Equirectangular at 43.7° N: a degree of longitude is cos(43.7°) ≈ 0.72 of a degree of latitude.
const HAUTEUR = Math.round((LARGEUR * (NORD - SUD)) / ((EST - OUEST) * 0.723));

const x = (longitude: number) => ((longitude - OUEST) / (EST - OUEST)) * LARGEUR;
const y = (latitude: number) => ((NORD - latitude) / (NORD - SUD)) * HAUTEUR;

/** What a screen reader hears of a point: the Maison, its weather of the month and its entries. */
export function libellePoint(t: Territoire): string {
  const meteo = t.meteoDuMois ? LIBELLE_METEO[t.meteoDuMois as Meteo].toLowerCase() : 'aucun relevé';
  return `${t.nom} : ${meteo}${t.total > 0 ? ` (${t.total} relevé${t.total > 1 ? 's' : ''})` : ''}`;
}

/**
 * The Maisons on a plain SVG, placed by the approximate coordinates of their town, coloured by
 * the weather of the month (a hollow point: no entry). Each point is an image named by its
 * Maison and weather; the table beside it carries the same figures.
 */
export function CarteBarometre({ territoires, mois }: { territoires: Territoire[]; mois: string }) {
  const places = territoires.filter((t) => t.latitude != null && t.longitude != null);
  return (
    <figure className="carte-barometre">
      <svg viewBox={`0 0 ${LARGEUR} ${HAUTEUR}`} width="100%" role="group" aria-label={`Carte des Maisons de la Région, météo de ${mois}`} style={{ maxWidth: LARGEUR }}>
        <rect x={0} y={0} width={LARGEUR} height={HAUTEUR} fill="#f4f7fa" stroke="#c8d1da" />
        {places.map((t) => {
          const cx = x(t.longitude!);
          const cy = y(t.latitude!);
          const couleur = t.meteoDuMois ? COULEUR[t.meteoDuMois as Meteo] : '#ffffff';
          return (
            <g key={t.maisonId} role="img" aria-label={libellePoint(t)}>
              <title>{libellePoint(t)}</title>
              <circle cx={cx} cy={cy} r={10} fill={couleur} stroke="#33404d" strokeWidth={t.meteoDuMois ? 1 : 2} />
              <text x={cx + 13} y={cy + 4} fontSize={13} fill="#1f2933" aria-hidden="true">
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
        <span className="legende-meteo">○ aucun relevé</span>. Positions approximatives (centre de la ville).
      </figcaption>
    </figure>
  );
}

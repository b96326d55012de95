/**
 * Approximate town-centre coordinates (WGS 84, three decimals) of the towns of the Maisons de Ma
 * Région, for the barometer's map (ADR 0020). The directory has no coordinates and most Maisons
 * no street address in the reference data: these are the towns' centres, not the buildings.
 */
export const COORDONNEES_VILLES: Record<string, { latitude: number; longitude: number }> = {
  Albi: { latitude: 43.929, longitude: 2.148 },
  Alès: { latitude: 44.125, longitude: 4.081 },
  Auch: { latitude: 43.646, longitude: 0.586 },
  Béziers: { latitude: 43.344, longitude: 3.216 },
  Cahors: { latitude: 44.448, longitude: 1.441 },
  Carcassonne: { latitude: 43.213, longitude: 2.351 },
  Foix: { latitude: 42.965, longitude: 1.607 },
  Limoux: { latitude: 43.054, longitude: 2.219 },
  Mende: { latitude: 44.518, longitude: 3.5 },
  Millau: { latitude: 44.098, longitude: 3.078 },
  Montauban: { latitude: 44.018, longitude: 1.355 },
  Montpellier: { latitude: 43.611, longitude: 3.877 },
  Narbonne: { latitude: 43.184, longitude: 3.004 },
  Nîmes: { latitude: 43.837, longitude: 4.36 },
  Perpignan: { latitude: 42.699, longitude: 2.895 },
  Rodez: { latitude: 44.35, longitude: 2.575 },
  'Saint-Gaudens': { latitude: 43.108, longitude: 0.723 },
  Tarbes: { latitude: 43.233, longitude: 0.078 },
  Toulouse: { latitude: 43.604, longitude: 1.444 },
};

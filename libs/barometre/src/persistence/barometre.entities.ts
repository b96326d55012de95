/** The barometer's tables (issue 15): "Quel temps fait-il chez vous ?" entries and the monthly summaries. */
export const BAROMETRE_ENTITIES: Function[] = [];

/** The autonomy survey's tables (issue 15): respondents' ratings of current and wished autonomy. */
export const AUTONOMIE_ENTITIES: Function[] = [];

import { Initial1795640723913 } from './1795640723913-Initial';

/** Every migration, in order. Listed explicitly: a migration that is not here never runs. */
export const MIGRATIONS: Function[] = [Initial1795640723913];

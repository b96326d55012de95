export * from './persistence/barometre.entities';
export * from './barometre.module';
export * from './autonomie/autonomie.entities';
export * from './autonomie/autonomie.module';
export * from './autonomie/jauge-autonomie';
export * from './autonomie/jauge-csv';
export * from './autonomie/enquete-autonomie';

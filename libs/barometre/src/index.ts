export * from './persistence/barometre.entities';
export * from './barometre.module';
export * from './autonomie/autonomie.entities';
export * from './autonomie/autonomie.module';

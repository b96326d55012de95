export * from './persistence/barometre.entities';
export * from './barometre.module';
export * from './releves/meteo-du-mois';
export * from './releves/donnees-personnelles';
export * from './releves/barometre.service';
export * from './releves/barometre-csv';
export * from './autonomie/autonomie.entities';
export * from './autonomie/autonomie.module';

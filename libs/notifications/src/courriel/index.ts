export * from './courriel.templates';
export * from './resume.planning';
export * from './courriel.transport';
export * from './courriel.jobs';
export * from './courriel.consumer';
export * from './courriel.service';
export * from './courriel.module';

export * from './persistence/document.entities';
export * from './persistence/capitalisation.entities';
export * from './domain/document';
export * from './storage/document-storage';
export * from './storage/s3-document-storage';
export * from './documents.service';
export * from './knowledge.module';
export * from './texte/document-texte.consumer';

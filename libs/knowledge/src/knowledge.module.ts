import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/core';
import { DocumentsService } from './documents.service';
import { KNOWLEDGE_ENTITIES } from './persistence/document.entities';
import { DocumentStorage, LocalDocumentStorage } from './storage/document-storage';
import { DocumentTexteConsumer } from './texte/document-texte.consumer';
import { RechercheService } from './recherche/recherche.service';

/**
 * Documents and share links. The store is chosen by configuration (DOCUMENT_STOCKAGE): only
 * `local` exists; an S3-compatible one would be another DocumentStorage here.
 */
@Module({
  imports: [TypeOrmModule.forFeature(KNOWLEDGE_ENTITIES)],
  providers: [
    DocumentsService,
    DocumentTexteConsumer,
    RechercheService,
    { provide: DocumentStorage, inject: [AppConfig], useFactory: (config: AppConfig) => new LocalDocumentStorage(config.DOCUMENTS_DIR) },
  ],
  exports: [DocumentsService, DocumentStorage, DocumentTexteConsumer, RechercheService],
})
export class KnowledgeModule {}

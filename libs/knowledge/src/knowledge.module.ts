import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/core';
import { ReponsesPublieesService } from './capitalisation/reponses-publiees.service';
import { SuggestionsService } from './capitalisation/suggestions.service';
import { DocumentsService } from './documents.service';
import { KNOWLEDGE_ENTITIES } from './persistence/document.entities';
import { DocumentStorage, LocalDocumentStorage } from './storage/document-storage';
import { DocumentTexteConsumer } from './texte/document-texte.consumer';

/**
 * Documents and share links; capitalisation (published answers, suggestions; ADR 0016). The store is chosen by configuration (DOCUMENT_STOCKAGE): only
 * `local` exists; an S3-compatible one would be another DocumentStorage here.
 */
@Module({
  imports: [TypeOrmModule.forFeature(KNOWLEDGE_ENTITIES)],
  providers: [
    DocumentsService,
    DocumentTexteConsumer,
    ReponsesPublieesService,
    SuggestionsService,
    { provide: DocumentStorage, inject: [AppConfig], useFactory: (config: AppConfig) => new LocalDocumentStorage(config.DOCUMENTS_DIR) },
  ],
  exports: [DocumentsService, DocumentStorage, DocumentTexteConsumer, ReponsesPublieesService, SuggestionsService],
})
export class KnowledgeModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/core';
import { ReponsesPublieesService } from './capitalisation/reponses-publiees.service';
import { SuggestionsService } from './capitalisation/suggestions.service';
import { DocumentsService } from './documents.service';
import { KNOWLEDGE_ENTITIES } from './persistence/document.entities';
import { DocumentStorage, LocalDocumentStorage } from './storage/document-storage';
import { S3DocumentStorage } from './storage/s3-document-storage';
import { DocumentTexteConsumer } from './texte/document-texte.consumer';
import { InvitationCapitalisationConsumer } from './invitation/invitation.consumer';
import { InvitationsService } from './invitation/invitations.service';
import { RechercheService } from './recherche/recherche.service';

/**
 * Documents and share links; capitalisation (published answers, suggestions, ADR 0016; the
 * invitation à capitaliser, ADR 0017). The store is chosen by configuration (DOCUMENT_STOCKAGE):
 * a local folder or an S3-compatible bucket (ADR 0019).
 */
@Module({
  imports: [TypeOrmModule.forFeature(KNOWLEDGE_ENTITIES)],
  providers: [
    DocumentsService,
    DocumentTexteConsumer,
    InvitationCapitalisationConsumer,
    InvitationsService,
    ReponsesPublieesService,
    SuggestionsService,
    RechercheService,
    {
      provide: DocumentStorage,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => (config.DOCUMENT_STOCKAGE === 's3' ? new S3DocumentStorage(config.s3) : new LocalDocumentStorage(config.DOCUMENTS_DIR)),
    },
  ],
  exports: [DocumentsService, DocumentStorage, DocumentTexteConsumer, InvitationCapitalisationConsumer, InvitationsService, ReponsesPublieesService, SuggestionsService, RechercheService],
})
export class KnowledgeModule {}

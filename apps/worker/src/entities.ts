import { AUTONOMIE_ENTITIES, BAROMETRE_ENTITIES } from '@app/barometre';
import { COMMANDE_ENTITIES } from '@app/commandes';
import { CORE_ENTITIES } from '@app/core';
import { DASHBOARD_ENTITIES } from '@app/dashboards';
import { DIRECTORY_ENTITIES } from '@app/directory';
import { KNOWLEDGE_ENTITIES } from '@app/knowledge';
import { NOTIFICATION_ENTITIES } from '@app/notifications';
import { QUESTION_ENTITIES } from '@app/questions';
import { SLA_ENTITIES } from '@app/sla';
import { TIMELINE_ENTITIES } from '@app/timeline';

/** Every entity of every context: what the migrated schema must match (test/schema checks it). */
export const ALL_ENTITIES = [...CORE_ENTITIES, ...DIRECTORY_ENTITIES, ...TIMELINE_ENTITIES, ...QUESTION_ENTITIES, ...SLA_ENTITIES, ...COMMANDE_ENTITIES, ...DASHBOARD_ENTITIES, ...NOTIFICATION_ENTITIES, ...KNOWLEDGE_ENTITIES, ...BAROMETRE_ENTITIES, ...AUTONOMIE_ENTITIES];

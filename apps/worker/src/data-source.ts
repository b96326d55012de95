import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CORE_ENTITIES, dataSourceOptions, loadConfig } from '@app/core';
import { DIRECTORY_ENTITIES } from '@app/directory';

/** Every entity of every context: what the schema must match. */
export const ALL_ENTITIES = [...CORE_ENTITIES, ...DIRECTORY_ENTITIES];

/** The DataSource of the TypeORM CLI (`npm run migration:generate -- <name>`). */
export default new DataSource(dataSourceOptions(loadConfig(), ALL_ENTITIES));

import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig, ownerDataSourceOptions } from '@app/core';
import { ALL_ENTITIES } from './entities';

/** The DataSource of the TypeORM CLI (`npm run migration:generate -- <Name>`), as the schema's owner. */
export default new DataSource(ownerDataSourceOptions(loadConfig(), ALL_ENTITIES));

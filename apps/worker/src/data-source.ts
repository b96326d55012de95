import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions, loadConfig } from '@app/core';
import { ALL_ENTITIES } from './entities';

/** The DataSource of the TypeORM CLI (`npm run migration:generate -- <Name>`). */
export default new DataSource(dataSourceOptions(loadConfig(), ALL_ENTITIES));

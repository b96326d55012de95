import 'reflect-metadata';
import { loadConfigOrExit } from '@app/core';
import { createWorkerApp } from './worker.factory';

void createWorkerApp(loadConfigOrExit());

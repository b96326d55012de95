import { DataSource } from 'typeorm';
import { SystemClock } from '@app/core';
import { CalendarRegistry } from '@app/sla';
import { SlaRollup } from './sla/rollup';

/**
 * Rebuilds the dashboards' read model from every met clock, outside Nest (the volume generator
 * and the CLI call it on a bare DataSource).
 */
export function rebuildDashboardAggregates(dataSource: DataSource): Promise<{ jours: number; lignes: number }> {
  return new SlaRollup(dataSource, new CalendarRegistry(), new SystemClock()).reconstruire();
}

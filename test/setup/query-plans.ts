import { DataSource } from 'typeorm';

/** A PostgreSQL plan node (EXPLAIN FORMAT JSON), as the plan tests read it. */
export type PlanNode = Record<string, any> & { Plans?: PlanNode[] };

/**
 * A DataSource whose query() records the plan of each query instead of running it (and answers
 * no rows), so that a read handler can be asked for the very SQL it sends. With `only`, the
 * other queries run for real (a handler that needs a first query's row to send the next).
 */
export function explaining(dataSource: DataSource, plans: PlanNode[], only?: RegExp): DataSource {
  return new Proxy(dataSource, {
    get(target, prop) {
      if (prop !== 'query') return Reflect.get(target, prop);
      return async (sql: string, params: unknown[]) => {
        if (only && !only.test(sql)) return target.query(sql, params);
        const [row] = await target.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        plans.push(row['QUERY PLAN'][0].Plan);
        return [];
      };
    },
  });
}

/** Every node of a plan, depth first. */
export function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

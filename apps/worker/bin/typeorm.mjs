// Runs the TypeORM CLI against the compiled DataSource of the worker (build first: npm run build).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const dataSource = 'dist/apps/worker/apps/worker/src/data-source.js';
if (!existsSync(dataSource)) {
  console.error(`${dataSource} est absent : lancez d’abord « npm run build ».`);
  process.exit(1);
}
const [command, ...rest] = process.argv.slice(2);
const args = ['node_modules/typeorm/cli.js', command];
if (command === 'migration:generate') {
  const name = rest.shift();
  if (!name) {
    console.error('usage : npm run migration:generate -- NomDeLaMigration');
    process.exit(1);
  }
  args.push(`libs/core/src/database/migrations/${name}`, '--pretty');
}
args.push('-d', dataSource, ...rest);
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);

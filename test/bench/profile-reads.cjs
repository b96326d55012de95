// Runs test/bench/profile-reads.ts outside Jest (it times the API: no test runner in the
// process), TypeScript compiled on require by @swc/core with the Jest projects' options.
// Usage: TEST_DATABASE_URL=… TEST_REDIS_URL=… node test/bench/profile-reads.cjs [profile-create.ts]
// (the script to run, in test/bench; profile-reads.ts by default).
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const swc = require('@swc/core');

const options = {
  sourceMaps: 'inline',
  jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, keepClassNames: true },
  module: { type: 'commonjs' },
};
Module._extensions['.ts'] = (module, filename) => module._compile(swc.transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);
require(path.join(__dirname, process.argv[2] ?? 'profile-reads.ts'));

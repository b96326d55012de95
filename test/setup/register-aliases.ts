// Jest's moduleNameMapper does not apply to globalSetup: resolve the @app/* aliases here too.
// Imported first, so that it runs before any @app/* import is required.
import { register } from 'tsconfig-paths';

register({ baseUrl: `${__dirname}/../..`, paths: { '@app/*': ['libs/*/src'] } });

import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Component tests (Vitest + Testing Library, in jsdom): `*.test.tsx` beside the components.
 * Jest runs them through test/web/components.e2e-spec.ts, so `npm test` and CI count each one.
 */
export default defineConfig({
  root: here,
  // Vite's and Vitest's caches in the repository's node_modules, not apps/web/node_modules: a file
  // written under apps/ would make `npm start`'s build-if-stale rebuild dist/ mid-run (test/ops).
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite/relais-web', import.meta.url)),
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    // French dates and numbers as the app shows them (Europe/Paris).
    env: { TZ: 'Europe/Paris' },
    restoreMocks: true,
  },
});

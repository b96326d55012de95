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

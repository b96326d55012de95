import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  // Vite's and Vitest's caches in the repository's node_modules, not apps/web/node_modules: a file
  // written under apps/ would make `npm start`'s build-if-stale rebuild dist/ mid-run (test/ops).
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite/relais-web', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Browsers of the Région's tablets and desktops: evergreen, ES2022.
    target: 'es2022',
    reportCompressedSize: true,
    // dist/web/.vite/manifest.json: which chunk each route loads (apps/web/scripts/bundle-report.mjs).
    manifest: true,
  },
  server: {
    // `npm run dev:web` next to `npm start`: the API answers on its own port.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});

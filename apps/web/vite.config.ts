import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
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

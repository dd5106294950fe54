import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console builds to dist/console, which `medshield serve` serves next to the API.
 * `npm run dev:console` serves it with hot reload and forwards /api to a running
 * `medshield serve` (MEDSHIELD_API, default http://127.0.0.1:8080).
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // The console's CSP allows scripts from its own origin only; keep every script a file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': { target: process.env.MEDSHIELD_API ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});

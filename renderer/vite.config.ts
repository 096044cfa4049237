/**
 * The web UI build: one Vue app served by the hub (`out/renderer`) to the Electron windows and to
 * browsers on the studio LAN. `base: './'` keeps asset URLs relative so any mount point works.
 * `npm run dev:web` proxies the hub's sockets and API to `LIVEDECK_HUB` (default 127.0.0.1:5170).
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const hub = process.env.LIVEDECK_HUB ?? 'http://127.0.0.1:5170';

export default defineConfig({
  root: here,
  base: './',
  plugins: [vue()],
  resolve: {
    alias: {
      '@protocol': path.join(repoRoot, 'server', 'protocol', 'index.ts'),
      // The business rules the hub applies, pure and free of zod (server/rules/index.ts).
      '@rules': path.join(repoRoot, 'server', 'rules', 'index.ts'),
    },
  },
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: path.join(repoRoot, 'out', 'renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/socket.io': { target: hub, ws: true },
      '/api': { target: hub },
    },
  },
});

// Desktop build: main (with the hub as a second entry, run in a utility process), preload, renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve('electron/main/index.ts'), hub: resolve('electron/main/hub.ts') },
        external: ['better-sqlite3', 'electron', 'vite'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve('electron/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    build: { outDir: 'out/renderer', rollupOptions: { input: resolve('renderer/index.html') } },
    resolve: { alias: { '@protocol': resolve('server/protocol/index.ts') } },
    plugins: [vue()],
  },
});

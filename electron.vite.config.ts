// Desktop build: main (with the hub as a second entry, run in a utility process), preload, renderer.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import web from './renderer/vite.config';

// electron-vite picks output format and targets from the installed runtime. Where its download
// failed (it is optional), build for the version package.json asks for, so the output is the same.
const require = createRequire(import.meta.url);
const runtimeInstalled = (() => {
  try {
    return fs.existsSync(require.resolve('electron/package.json'));
  } catch {
    return false;
  }
})();
if (!runtimeInstalled && !process.env.ELECTRON_MAJOR_VER) {
  const pkg = JSON.parse(fs.readFileSync(resolve('package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  const major = /\d+/.exec(pkg.optionalDependencies?.electron ?? '')?.[0];
  if (major) process.env.ELECTRON_MAJOR_VER = major;
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: { index: resolve('electron/main/index.ts'), hub: resolve('electron/main/hub.ts') },
        external: ['better-sqlite3', 'electron', 'vite'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file that requires nothing but `electron`.
      rolldownOptions: { input: { index: resolve('electron/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  // The same web UI the hub serves to browsers on the studio LAN (renderer/vite.config.ts), so the
  // same browser targets: a tablet prompter gets this very build.
  renderer: {
    ...web,
    server: undefined,
    build: { ...web.build, target: web.build?.target ?? 'es2022', rolldownOptions: { input: resolve('renderer/index.html') } },
  },
});

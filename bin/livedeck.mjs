#!/usr/bin/env node
// The `livedeck` command. The hub is TypeScript: it runs from a prebuilt bundle of server/ that matches
// the sources (scripts/hub-bundle.mjs builds one when they changed), else through tsx, which compiles
// on load, so a checkout needs no build step either way. LIVEDECK_FROM_SOURCES=1 always takes tsx.
import { pathToFileURL } from 'node:url';
import { hubBundle } from '../scripts/hub-bundle.mjs';

async function fromBundle() {
  const bundle = process.env.LIVEDECK_FROM_SOURCES === '1' ? null : await hubBundle();
  try {
    return bundle ? (await import(pathToFileURL(bundle).href)).run : null;
  } catch {
    // A damaged bundle (a half-deleted cache): the sources still run.
    return null;
  }
}

let run = await fromBundle();
if (!run) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ run } = await import('../server/cli/main.ts'));
}
await run(process.argv.slice(2));

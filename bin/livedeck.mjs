#!/usr/bin/env node
// The `livedeck` command. The hub is TypeScript; tsx compiles it on load, so a checkout needs no build.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../server/cli/main.ts');
await run(process.argv.slice(2));

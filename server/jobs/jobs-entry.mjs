// Starts the job worker from the TypeScript sources (tsx compiles them in this thread too).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

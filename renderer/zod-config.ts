/**
 * Imported first by main.ts, before any schema is built: zod 4 decides per object schema, when it is
 * made, whether to compile a fast parser with `new Function`, probing for eval to find out. The page's
 * CSP forbids eval (script-src 'self'), so that probe is reported as a violation on every load; jitless
 * parsing never tries it. Our payloads are small, so the interpreted parser costs nothing visible.
 */
import { z } from 'zod';

z.config({ jitless: true });

// PLACEHOLDER: owned by helper "web"; replace the body, keep the signature.
import { Hono } from 'hono';
import type { ServerEnv } from './server-env.js';

/** The dashboard: the built files of src/web, with index.html for every other GET (client routing). */
export function webRoutes(_options: { dir?: string }): Hono<ServerEnv> {
  return new Hono<ServerEnv>();
}

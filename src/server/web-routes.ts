import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { ServerEnv } from './server-env.js';

/** Paths the API owns: an unknown one there is a JSON 404, never the dashboard's index.html. */
const API_PREFIXES = ['/api', '/v1', '/health', '/metrics'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AgentMesh: dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The dashboard is not built</h1>
<p>The dashboard is not built: run <code>npm run build</code>, then reload this page.
The API under <code>/api</code> and <code>/v1</code> works without it.</p>
</body></html>`;

/** The dashboard: the built files of src/web, with index.html for every other GET (client routing). */
export function webRoutes(options: { dir?: string }): Hono<ServerEnv> {
  const root = resolve(options.dir ?? defaultWebDir());
  const app = new Hono<ServerEnv>();
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const path = c.req.path;
    if (API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return next();
    const indexPath = join(root, 'index.html');
    if (!existsSync(indexPath)) {
      return c.html(NOT_BUILT_PAGE, 503, { 'cache-control': 'no-store' });
    }
    const file = await staticFile(root, path);
    if (file) {
      const immutable = file.startsWith(join(root, 'assets') + sep);
      return send(file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    }
    // A path with a file extension that is not there is a missing asset, not a client route.
    if (extname(path) !== '' && !path.endsWith('.html')) return c.text('Not found', 404);
    return send(indexPath, 'no-cache');
  });
  return app;
}

/** The file under `root` that `urlPath` names, or null when there is none or the path leaves `root`. */
async function staticFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // Decoding may reveal `..` or `\`; resolving and checking the prefix catches every way out.
  if (decoded.includes('\0')) return null;
  const candidate = resolve(root, `.${sep}${decoded.replace(/^[/\\]+/, '')}`);
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  if (candidate === root) return null;
  try {
    const info = await stat(candidate);
    return info.isFile() ? candidate : null;
  } catch {
    return null;
  }
}

/** A response with the file's bytes, its content type and the given cache policy. */
async function send(file: string, cacheControl: string): Promise<Response> {
  const body = await readFile(file);
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: { 'content-type': type, 'cache-control': cacheControl, 'content-length': String(body.length) },
  });
}

/** `<package root>/dist/web`: the package root is the nearest directory up whose package.json is agentmesh's. */
export function defaultWebDir(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isAgentMeshManifest(manifest)) return join(dir, 'dist', 'web');
    const parent = dirname(dir);
    if (parent === dir) return join(dirname(from), '..', '..', 'dist', 'web');
    dir = parent;
  }
}

function isAgentMeshManifest(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'agentmesh';
  } catch {
    return false;
  }
}

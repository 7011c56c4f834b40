import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, resolveConfig } from '../../src/config/index.js';
import type { ConfigOverrides } from '../../src/config/resolve-config.js';
import { createApiKey } from '../../src/runtime/api-keys.js';
import { openServerParts, type ServerParts } from '../../src/runtime/open-server.js';
import { createServer } from '../../src/server/create-server.js';
import { startServer } from '../../src/server/start-server.js';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/sim/simulator.js';
import type { ApiKeyRole } from '../../src/store/access-store.js';

/** Options for {@link startApiServer}. */
export interface StartApiServerOptions {
  /** agentmesh.yaml for the server (agents and teams); every agent calls the simulator either way. */
  yaml?: string;
  sim?: SimulatorOptions;
  /** Keys to create before serving (then every request needs one); none: the server is open (local admin). */
  keys?: ApiKeyRole[];
  /** Passed to createServer. */
  maxBodyBytes?: number;
}

/** A real `agentmesh serve` stack in this process: SQLite file in a temp dir, simulator over loopback. */
export interface ApiServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  dir: string;
  dbPath: string;
  sim: RunningSimulator;
  parts: ServerParts;
  /** The secret of each key created, by role. */
  keys: Partial<Record<ApiKeyRole, string>>;
  /** `fetch(url + path)` with the role's key (none for `anonymous`) and JSON bodies. */
  request(
    path: string,
    init?: {
      method?: string;
      body?: unknown;
      as?: ApiKeyRole | 'anonymous';
      headers?: Record<string, string>;
    },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the server's whole stack (stores, agents, gateway, runs, HTTP) against a fresh simulator. */
export async function startApiServer(options: StartApiServerOptions = {}): Promise<ApiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-api-'));
  const sim = await startSimulator(options.sim ?? {});
  const dbPath = join(dir, 'agentmesh.db');
  const overrides: ConfigOverrides = { baseUrl: sim.url, model: 'sim-model', noCache: true, db: dbPath };
  if (options.yaml !== undefined) await writeFile(join(dir, 'agentmesh.yaml'), options.yaml);
  const file = options.yaml === undefined ? null : await loadConfigFile({ cwd: dir, env: {} });
  const config = resolveConfig({ file, env: {}, cwd: dir, overrides });
  const parts = await openServerParts({ config, file, env: {}, cwd: dir, overrides, warn: () => {} });
  const keys: Partial<Record<ApiKeyRole, string>> = {};
  for (const role of options.keys ?? []) {
    keys[role] = (await createApiKey(parts.access, { name: `test-${role}`, role })).secret;
  }
  const app = createServer({
    ...parts,
    ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
  });
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  const request: ApiServer['request'] = (path, init = {}) => {
    const role = init.as ?? (options.keys?.[0] ? options.keys[0] : 'anonymous');
    const secret = role === 'anonymous' ? undefined : keys[role];
    const headers: Record<string, string> = { ...init.headers };
    if (secret) headers.authorization = `Bearer ${secret}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${server.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.body !== undefined && {
        body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      }),
    });
  };
  return {
    url: server.url,
    dir,
    dbPath,
    sim,
    parts,
    keys,
    request,
    close: async () => {
      await server.close();
      await parts.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

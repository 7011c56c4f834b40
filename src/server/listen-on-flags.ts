import type { Env, Hono } from 'hono';
import { AgentMeshError } from '../errors/index.js';
import { type RunningServer, startServer } from './start-server.js';

/**
 * {@link startServer} for a CLI command: a port in use, a host that is not this machine's or a port that
 * needs privileges becomes a one-line `usage` error naming `--port` / `--host`.
 */
export async function listenOnFlags<E extends Env>(
  app: Hono<E>,
  { port, host }: { port: number; host: string },
): Promise<RunningServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new AgentMeshError({
      code: 'usage',
      message: `--port must be a whole number from 0 to 65535; got ${port}.`,
    });
  }
  try {
    return await startServer(app, { port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${host}:${port}`;
    const message =
      code === 'EADDRINUSE'
        ? `--port ${port} is already in use on ${host}; pick another port, or --port 0 for any free one.`
        : code === 'EACCES'
          ? `Not allowed to listen on ${where}; ports below 1024 need privileges: pick --port 1024 or above.`
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? `--host ${host} is not an address of this machine; use 127.0.0.1 (the default) or one of its interfaces.`
            : `Cannot listen on ${where} (${code ?? String(error)}); check --host and --port.`;
    throw new AgentMeshError({ code: 'usage', message, context: { host, port }, cause: error });
  }
}

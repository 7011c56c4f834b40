import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Env, Hono } from 'hono';

/** Options for {@link startServer}. */
export interface StartServerOptions {
  /** 0: any free port. */
  port: number;
  /** The interface to listen on, e.g. `127.0.0.1`. */
  host: string;
}

/** A listening server. */
export interface RunningServer {
  /** `http://host:port` with the port actually bound. */
  url: string;
  /** Stops listening and closes every connection (a scraper's keep-alive one too). */
  close(): Promise<void>;
}

/**
 * Serves `app` on Node's HTTP server; resolves once listening.
 * @throws the listen error as Node gives it (`EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`, …)
 */
export async function startServer<E extends Env>(
  app: Hono<E>,
  { port, host }: StartServerOptions,
): Promise<RunningServer> {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostInUrl}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

import type { Hono } from 'hono';
import type { ResolvedConfig } from '../../config/resolved-config.js';
import { openAlertStore } from '../../runtime/open-alert-store.js';
import { openRunStore } from '../../runtime/open-run-store.js';
import { openTelemetry, type Telemetry } from '../../runtime/open-telemetry.js';
import { createServer } from '../../server/create-server.js';
import { listenOnFlags } from '../../server/listen-on-flags.js';
import { isLoopbackHost } from '../../server/loopback-host.js';
import { createMetricsRegistry } from '../../telemetry/metrics/metrics-registry.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';

/** The port `agentmesh serve` listens on without `--port`. */
export const DEFAULT_SERVE_PORT = 8787;

/** Flags of `agentmesh serve` and `agentmesh metrics`, as commander hands them over. */
export interface ServeFlags {
  /** 0: any free port. */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  config?: string;
  db?: string;
}

/**
 * `agentmesh serve`: `/health`, `/metrics` and `/api/alerts` over the configured run store until Ctrl-C
 * or SIGTERM. The URL goes to stdout; what is served (and the missing auth) to stderr, then the logs.
 */
export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const config = await configOf(flags, io);
  const store = openRunStore(config);
  const alerts = openAlertStore(config);
  try {
    return await serveUntilAborted({
      io,
      config,
      port: flags.port ?? DEFAULT_SERVE_PORT,
      host: flags.host ?? '127.0.0.1',
      app: (onError) =>
        createServer({ config, store, alerts, registry: createMetricsRegistry({ store }), onError }),
      announce: (url) =>
        `agentmesh serve listening on ${url}: /health, /metrics and /api/alerts only, no authentication yet`,
      printUrl: (url) => url,
    });
  } finally {
    await alerts.close();
    await store.close();
  }
}

/** Options for {@link serveUntilAborted}. */
export interface ServeUntilAbortedOptions {
  io: CliIo;
  config: ResolvedConfig;
  port: number;
  host: string;
  /** The app, given where to report request errors (the error log). */
  app: (onError: (error: unknown) => void) => Hono;
  /** The line for stderr once listening. */
  announce: (url: string) => string;
  /** The line for stdout (for scripts) once listening. */
  printUrl: (url: string) => string;
}

/**
 * Listens (a bad `--port` / `--host` fails before anything is logged), says so, warns when the host is
 * not loopback, logs to the files and the console until `io.signal` aborts, then closes the server.
 */
export async function serveUntilAborted(options: ServeUntilAbortedOptions): Promise<number> {
  const { io, config, port, host } = options;
  let telemetry: Telemetry | undefined;
  const onError = (error: unknown) => telemetry?.loggers.error.error({ err: error }, 'request failed');
  const server = await listenOnFlags(options.app(onError), { port, host });
  try {
    writeLine(io.stderr, options.announce(server.url));
    warnIfExposed(io, host);
    writeLine(io.stdout, options.printUrl(server.url));
    telemetry = openTelemetry(config, { console: true });
    telemetry.loggers.system.info({ url: server.url, store: config.store.path }, 'server started');
    await abortOf(io.signal);
    telemetry.loggers.system.info({ url: server.url }, 'server stopping');
    return EXIT.ok;
  } finally {
    await server.close();
    await telemetry?.shutdown();
  }
}

/** The config of `--config` / `--db` (and agentmesh.yaml, the environment). */
export function configOf(flags: ServeFlags, io: CliIo): Promise<ResolvedConfig> {
  return resolveCliConfig(
    { ...(flags.config && { config: flags.config }), ...(flags.db && { db: flags.db }) },
    io,
  );
}

/** One warning line when the server listens beyond this machine: it has no authentication yet. */
export function warnIfExposed(io: CliIo, host: string): void {
  if (isLoopbackHost(host)) return;
  writeLine(
    io.stderr,
    `agentmesh: warning: --host ${host} is not loopback and there is no authentication yet: anyone who can reach this port can read it (and change alerts); keep it behind a firewall or use 127.0.0.1`,
  );
}

/** Resolves when `signal` aborts (Ctrl-C, SIGTERM). */
function abortOf(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

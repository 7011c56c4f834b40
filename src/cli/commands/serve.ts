import { openAlertStore } from '../../runtime/open-alert-store.js';
import { openRunStore } from '../../runtime/open-run-store.js';
import { openTelemetry } from '../../runtime/open-telemetry.js';
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
 * or SIGTERM. The URL goes to stdout, what is served (and the missing auth) to stderr.
 */
export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const { port = DEFAULT_SERVE_PORT, host = '127.0.0.1' } = flags;
  const config = await resolveCliConfig(
    { ...(flags.config && { config: flags.config }), ...(flags.db && { db: flags.db }) },
    io,
  );
  const store = openRunStore(config);
  const alerts = openAlertStore(config);
  const telemetry = openTelemetry(config, { console: true });
  try {
    const app = createServer({
      config,
      store,
      alerts,
      registry: createMetricsRegistry({ store }),
      onError: (error) => telemetry.loggers.error.error({ err: error }, 'request failed'),
    });
    const server = await listenOnFlags(app, { port, host });
    writeLine(
      io.stderr,
      `agentmesh serve listening on ${server.url}: /health, /metrics and /api/alerts only, no authentication yet`,
    );
    warnIfExposed(io, host);
    writeLine(io.stdout, server.url);
    telemetry.loggers.system.info({ url: server.url, store: config.store.path }, 'server started');
    await abortOf(io.signal);
    await server.close();
    telemetry.loggers.system.info({ url: server.url }, 'server stopped');
    return EXIT.ok;
  } finally {
    await telemetry.shutdown();
    await alerts.close();
    await store.close();
  }
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
export function abortOf(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

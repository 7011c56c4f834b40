import type { Env, Hono } from 'hono';
import { loadConfigFile } from '../../config/load-config.js';
import { type ConfigOverrides, resolveConfig } from '../../config/resolve-config.js';
import type { ResolvedConfig } from '../../config/resolved-config.js';
import { openServerParts } from '../../runtime/open-server.js';
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
 * `agentmesh serve`: the HTTP API, the OpenAI-compatible endpoint and the dashboard until Ctrl-C or
 * SIGTERM. Without any API key it listens on 127.0.0.1 only, whatever `--host` says, and says so.
 * The URL goes to stdout; what is served to stderr, then the logs.
 */
export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const file = await loadConfigFile({
    ...(flags.config && { path: flags.config }),
    cwd: io.cwd,
    env: io.env,
  });
  const overrides: ConfigOverrides = flags.db ? { db: flags.db } : {};
  const config = resolveConfig({ file, env: io.env, cwd: io.cwd, overrides });
  // Runs are logged and traced like CLI runs, by the telemetry serveUntilAborted opens once listening
  // (so the banner is the first line); no run can start before that.
  let telemetry: Telemetry | undefined;
  const parts = await openServerParts({
    config,
    file,
    env: io.env,
    cwd: io.cwd,
    overrides,
    listeners: [
      (event, state) => {
        for (const listener of telemetry?.listeners ?? []) listener(event, state);
      },
    ],
    warn: (message) => writeLine(io.stderr, `agentmesh: ${message}`),
  });
  try {
    const keysExist = await parts.access.hasLiveKeys();
    const requested = flags.host ?? '127.0.0.1';
    const host = keysExist || isLoopbackHost(requested) ? requested : '127.0.0.1';
    if (host !== requested) {
      writeLine(
        io.stderr,
        `agentmesh: no API key exists, so the server listens on 127.0.0.1 only (not ${requested}); create one with agentmesh keys create --role admin --name NAME, then serve on ${requested}`,
      );
    }
    const registry = createMetricsRegistry({ store: parts.store, liveMetrics: parts.liveMetrics });
    return await serveUntilAborted({
      io,
      config,
      port: flags.port ?? DEFAULT_SERVE_PORT,
      host,
      app: (onError) => createServer({ ...parts, registry, onError }),
      announce: (url) =>
        keysExist
          ? `agentmesh serve: dashboard ${url}/, API ${url}/api, OpenAI-compatible ${url}/v1; API keys required`
          : `agentmesh serve: dashboard ${url}/, API ${url}/api, OpenAI-compatible ${url}/v1; no API keys yet, so anyone on this machine is admin`,
      printUrl: (url) => url,
      onTelemetry: (opened) => {
        telemetry = opened;
      },
    });
  } finally {
    // Runs in flight are cancelled and recorded before the logs close.
    await parts.close();
  }
}

/** Options for {@link serveUntilAborted}. */
export interface ServeUntilAbortedOptions<E extends Env> {
  io: CliIo;
  config: ResolvedConfig;
  port: number;
  host: string;
  /** The app, given where to report request errors (the error log). */
  app: (onError: (error: unknown) => void) => Hono<E>;
  /** The line for stderr once listening. */
  announce: (url: string) => string;
  /** The line for stdout (for scripts) once listening. */
  printUrl: (url: string) => string;
  /** Told the logs and traces once they are open (after listening); they close when the server stops. */
  onTelemetry?: (telemetry: Telemetry) => void;
}

/**
 * Listens (a bad `--port` / `--host` fails before anything is logged), says so, warns when the host is
 * not loopback, logs to the files and the console until `io.signal` aborts, then closes the server.
 */
export async function serveUntilAborted<E extends Env>(
  options: ServeUntilAbortedOptions<E>,
): Promise<number> {
  const { io, config, port, host } = options;
  let telemetry: Telemetry | undefined;
  const onError = (error: unknown) => telemetry?.loggers.error.error({ err: error }, 'request failed');
  const server = await listenOnFlags(options.app(onError), { port, host });
  try {
    writeLine(io.stderr, options.announce(server.url));
    warnIfExposed(io, host);
    writeLine(io.stdout, options.printUrl(server.url));
    telemetry = openTelemetry(config, { console: true });
    options.onTelemetry?.(telemetry);
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

/** One warning line when the server listens beyond this machine. */
export function warnIfExposed(io: CliIo, host: string): void {
  if (isLoopbackHost(host)) return;
  writeLine(
    io.stderr,
    `agentmesh: warning: --host ${host} is not loopback: anyone who can reach this port can reach this server; keep it behind a firewall, and behind TLS (a reverse proxy) when it takes API keys`,
  );
}

/** Resolves when `signal` aborts (Ctrl-C, SIGTERM). */
function abortOf(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

import { openRunStore } from '../../runtime/open-run-store.js';
import { openTelemetry } from '../../runtime/open-telemetry.js';
import { createMetricsServer } from '../../server/create-server.js';
import { listenOnFlags } from '../../server/listen-on-flags.js';
import { createMetricsRegistry } from '../../telemetry/metrics/metrics-registry.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import { abortOf, type ServeFlags, warnIfExposed } from './serve.js';

/**
 * `agentmesh metrics --port N`: only `/metrics` (the same metrics as `agentmesh serve`, from the configured
 * run store) until Ctrl-C or SIGTERM, for setups that want Prometheus without the rest of the server.
 */
export async function metricsCommand(flags: ServeFlags & { port: number }, io: CliIo): Promise<number> {
  const { port, host = '127.0.0.1' } = flags;
  const config = await resolveCliConfig(
    { ...(flags.config && { config: flags.config }), ...(flags.db && { db: flags.db }) },
    io,
  );
  const store = openRunStore(config);
  const telemetry = openTelemetry(config, { console: true });
  try {
    const app = createMetricsServer({
      registry: createMetricsRegistry({ store }),
      onError: (error) => telemetry.loggers.error.error({ err: error }, 'request failed'),
    });
    const server = await listenOnFlags(app, { port, host });
    writeLine(
      io.stderr,
      `agentmesh metrics listening on ${server.url}/metrics (metrics only, no authentication)`,
    );
    warnIfExposed(io, host);
    writeLine(io.stdout, `${server.url}/metrics`);
    telemetry.loggers.system.info({ url: server.url, store: config.store.path }, 'metrics server started');
    await abortOf(io.signal);
    await server.close();
    telemetry.loggers.system.info({ url: server.url }, 'metrics server stopped');
    return EXIT.ok;
  } finally {
    await telemetry.shutdown();
    await store.close();
  }
}

import { openRunStore } from '../../runtime/open-run-store.js';
import { createMetricsServer } from '../../server/create-server.js';
import { createMetricsRegistry } from '../../telemetry/metrics/metrics-registry.js';
import type { CliIo } from '../cli-io.js';
import { configOf, type ServeFlags, serveUntilAborted } from './serve.js';

/**
 * `agentmesh metrics --port N`: only `/metrics` (the same metrics as `agentmesh serve`, from the configured
 * run store) until Ctrl-C or SIGTERM, for setups that want Prometheus without the rest of the server.
 */
export async function metricsCommand(flags: ServeFlags & { port: number }, io: CliIo): Promise<number> {
  const config = await configOf(flags, io);
  const store = openRunStore(config);
  try {
    return await serveUntilAborted({
      io,
      config,
      port: flags.port,
      host: flags.host ?? '127.0.0.1',
      app: (onError) => createMetricsServer({ registry: createMetricsRegistry({ store }), onError }),
      announce: (url) =>
        `agentmesh metrics listening on ${url}/metrics (metrics only, no authentication yet)`,
      printUrl: (url) => `${url}/metrics`,
    });
  } finally {
    await store.close();
  }
}

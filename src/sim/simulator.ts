import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleChatCompletions, type SimulatorState } from './chat-completions.js';
import { openAiErrorBody } from './error-bodies.js';
import { sendJson } from './http-io.js';
import { PrefixCache } from './prefix-cache.js';
import { handleSimControl } from './sim-control-routes.js';
import { SimRequestLog, type SimRequestRecord } from './sim-request-log.js';
import {
  type ResolvedSimulatorOptions,
  reconfigureSimulator,
  resolveSimulatorOptions,
  runtimeOptionsOf,
  type SimRuntimeOptions,
  type SimulatorOptions,
} from './simulator-options.js';
import { parseToolScript, type SimToolScript } from './tool-script.js';

export type { SimToolCall } from './chat-request.js';
export { configureSim, fetchSimRequests, scriptSimTools, simControlUrl } from './sim-control-client.js';
export type { SimFault } from './sim-fault.js';
export type { SimRequestRecord } from './sim-request-log.js';
export type { SimRuntimeOptions, SimStyle, SimulatorOptions } from './simulator-options.js';
export { SIM_RUNTIME_OPTIONS } from './simulator-options.js';
export type { SimScriptedCall, SimToolScript } from './tool-script.js';
export { MAX_DIRECTIVE_REASKS } from './tool-turn.js';

/** A simulator that is listening; close it when done. */
export interface RunningSimulator {
  /** Base URL for OpenAI-compatible clients, e.g. `http://127.0.0.1:43117/v1`. */
  url: string;
  port: number;
  /** Chat-completion requests received, and how many of them got an injected fault. */
  stats(): { requests: number; failures: number };
  /** The request log (copies), oldest first; only those with `seq > afterSeq` when given. Also `GET /sim/requests?after=N`. */
  requests(afterSeq?: number): SimRequestRecord[];
  /**
   * Changes faults and latency for requests arriving from now on (in-flight ones keep theirs), e.g.
   * `configure({ failRate: 1 })` then `configure({ failRate: 0 })`. Also `POST /sim/config`.
   * Throws a `usage` error for other options or bad values, changing nothing. Returns the options now in force.
   */
  configure(partial: Partial<SimRuntimeOptions>): SimRuntimeOptions;
  /**
   * Scripts the tool calls of requests arriving from now on (replacing any earlier script); `null` clears it.
   * Also `POST /sim/tool-script` / `DELETE /sim/tool-script`. Throws a `usage` error for an invalid script.
   * @example sim.scriptTools({ turns: [{ calls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }] })
   */
  scriptTools(script: SimToolScript | null): void;
  /** Stops listening and drops every open connection, hung ones included. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts an OpenAI-compatible LLM simulator: deterministic role-aware answers, provider-faithful
 * wire formats, prefix-cache accounting and injectable faults. For demos, tests and benchmarks.
 * @example const sim = await startSimulator({ style: 'deepseek', failRate: 0.1 });
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveSimulatorOptions(options);
  const state: SimulatorState = {
    options: resolved,
    cache: new PrefixCache(),
    stats: { requests: 0, failures: 0 },
    log: new SimRequestLog(resolved.requestLogLimit),
    now: Date.now,
    toolScript: undefined,
  };
  const server = createServer((req, res) => {
    route(req, res, state).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, openAiErrorBody(`Simulator bug: ${String(error)}`, 'server_error'));
    });
  });
  const port = await listen(server, resolved);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(resolved.host)}:${port}/v1`,
    port,
    stats: () => ({ ...state.stats }),
    requests: (afterSeq) => state.log.list(afterSeq),
    configure: (partial) => {
      state.options = reconfigureSimulator(state.options, partial);
      return runtimeOptionsOf(state.options);
    },
    scriptTools: (script) => {
      state.toolScript = script === null ? undefined : parseToolScript(script);
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Without this, hung and keep-alive sockets would hold close() open indefinitely.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function route(req: IncomingMessage, res: ServerResponse, state: SimulatorState): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://sim').pathname.replace(/\/+$/, '');
  if (req.method === 'POST' && path === '/v1/chat/completions') {
    return handleChatCompletions(req, res, state);
  }
  if (req.method === 'GET' && path === '/v1/models') {
    return sendJson(res, 200, modelList(state.options));
  }
  if (path.startsWith('/sim/')) return handleSimControl(req, res, state);
  req.resume();
  sendJson(
    res,
    404,
    openAiErrorBody(`Unknown route ${req.method} ${path || '/'}.`, 'invalid_request_error', 'not_found'),
  );
}

function modelList(options: ResolvedSimulatorOptions) {
  const data = options.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'agentmesh-sim' }));
  return { object: 'list', data };
}

function listen(server: Server, { port, host }: ResolvedSimulatorOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The host clients should dial: wildcard binds are reached over loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAgentMeshError } from '../errors/index.js';
import type { SimulatorState } from './chat-completions.js';
import { openAiErrorBody } from './error-bodies.js';
import { readBody, sendJson } from './http-io.js';
import { reconfigureSimulator, runtimeOptionsOf } from './simulator-options.js';
import { parseToolScript, type SimToolScript } from './tool-script.js';

/**
 * The control routes, for tests that run the simulator as a subprocess:
 * `GET /sim/requests[?after=N]` (the request log), `GET /sim/stats`, `GET /sim/config` and
 * `POST /sim/config` (a JSON object of run-time options; 400 naming the problem when invalid),
 * `GET`/`POST`/`DELETE /sim/tool-script` (read, set or clear the scripted tool calls; see {@link SimToolScript}).
 */
export async function handleSimControl(
  req: IncomingMessage,
  res: ServerResponse,
  state: SimulatorState,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  const path = url.pathname.replace(/\/+$/, '');
  if (req.method === 'GET' && path === '/sim/requests') {
    const after = Number(url.searchParams.get('after') ?? 0);
    if (!Number.isInteger(after) || after < 0) {
      return sendJson(res, 400, openAiErrorBody('Query parameter after must be a whole number >= 0.'));
    }
    return sendJson(res, 200, { requests: state.log.list(after) });
  }
  if (req.method === 'GET' && path === '/sim/stats') return sendJson(res, 200, { ...state.stats });
  if (req.method === 'GET' && path === '/sim/config') {
    return sendJson(res, 200, runtimeOptionsOf(state.options));
  }
  if (req.method === 'POST' && path === '/sim/config') return configure(req, res, state);
  if (path === '/sim/tool-script') {
    if (req.method === 'POST') return setToolScript(req, res, state);
    if (req.method === 'DELETE') state.toolScript = undefined;
    if (req.method === 'GET' || req.method === 'DELETE') {
      req.resume();
      return sendJson(res, 200, { script: state.toolScript ?? null });
    }
  }
  req.resume();
  sendJson(
    res,
    404,
    openAiErrorBody(`Unknown route ${req.method} ${path}.`, 'invalid_request_error', 'not_found'),
  );
}

async function configure(req: IncomingMessage, res: ServerResponse, state: SimulatorState): Promise<void> {
  const raw = await readBody(req);
  let partial: unknown;
  try {
    partial = JSON.parse(raw ?? '');
  } catch {
    return sendJson(res, 400, openAiErrorBody('POST /sim/config needs a JSON object body.'));
  }
  try {
    state.options = reconfigureSimulator(state.options, partial);
  } catch (error) {
    if (!isAgentMeshError(error)) throw error;
    return sendJson(res, 400, openAiErrorBody(error.message));
  }
  sendJson(res, 200, runtimeOptionsOf(state.options));
}

async function setToolScript(
  req: IncomingMessage,
  res: ServerResponse,
  state: SimulatorState,
): Promise<void> {
  const raw = await readBody(req);
  let json: unknown;
  try {
    json = JSON.parse(raw ?? '');
  } catch {
    return sendJson(res, 400, openAiErrorBody('POST /sim/tool-script needs a JSON object body.'));
  }
  try {
    state.toolScript = parseToolScript(json);
  } catch (error) {
    if (!isAgentMeshError(error)) throw error;
    return sendJson(res, 400, openAiErrorBody(error.message));
  }
  sendJson(res, 200, { script: state.toolScript });
}

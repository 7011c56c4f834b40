import type { SimRequestRecord } from './sim-request-log.js';
import type { SimRuntimeOptions } from './simulator-options.js';
import type { SimToolScript } from './tool-script.js';

/** The control base of a simulator from its client URL: `http://127.0.0.1:N/v1` → `http://127.0.0.1:N/sim`. */
export function simControlUrl(simUrl: string): string {
  return `${simUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/sim`;
}

/** The request log of a simulator running elsewhere (e.g. `agentmesh sim`), via `GET /sim/requests`. */
export async function fetchSimRequests(simUrl: string, afterSeq = 0): Promise<SimRequestRecord[]> {
  const res = await fetch(`${simControlUrl(simUrl)}/requests?after=${afterSeq}`);
  const body = (await res.json()) as { requests?: SimRequestRecord[]; error?: { message: string } };
  if (!res.ok || body.requests === undefined) throw new Error(`GET /sim/requests: ${body.error?.message}`);
  return body.requests;
}

/** Changes a running simulator's faults or latency via `POST /sim/config`; resolves to the options in force. */
export async function configureSim(
  simUrl: string,
  partial: Partial<SimRuntimeOptions>,
): Promise<SimRuntimeOptions> {
  const res = await fetch(`${simControlUrl(simUrl)}/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(partial),
  });
  const body = (await res.json()) as SimRuntimeOptions & { error?: { message: string } };
  if (!res.ok) throw new Error(`POST /sim/config: ${body.error?.message}`);
  return body;
}

/**
 * Scripts the tool calls of a simulator running elsewhere via `POST /sim/tool-script` (replacing any
 * earlier script); `null` clears it (`DELETE /sim/tool-script`). Resolves to the script now in force.
 */
export async function scriptSimTools(
  simUrl: string,
  script: SimToolScript | null,
): Promise<SimToolScript | null> {
  const res = await fetch(`${simControlUrl(simUrl)}/tool-script`, {
    method: script === null ? 'DELETE' : 'POST',
    ...(script === null
      ? {}
      : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(script) }),
  });
  const body = (await res.json()) as { script?: SimToolScript | null; error?: { message: string } };
  if (!res.ok || body.script === undefined) {
    throw new Error(`${script === null ? 'DELETE' : 'POST'} /sim/tool-script: ${body.error?.message}`);
  }
  return body.script;
}

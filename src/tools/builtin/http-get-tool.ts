import { z } from 'zod';
import { AgentMeshError } from '../../errors/index.js';
import { defineTool, type ToolDefinition } from '../tool.js';
import { isHostAllowed } from './host-allowlist.js';
import { toolFailed, toolRefused } from './tool-errors.js';

/** Redirects followed at most, each checked against the allowlist. */
export const HTTP_GET_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Media types shown as text; anything else is described, not dumped. */
const TEXT_TYPE =
  /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|x-yaml|toml|csv|x-ndjson)\b)/i;

/** `tools.http`: where `http_get` may go and how much it may take. */
export interface HttpGetOptions {
  allowHosts: readonly string[];
  timeoutMs: number;
  maxBytes: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

const httpGetArgs = z.object({
  url: z
    .string()
    .min(1)
    .max(4_000)
    .describe('The http:// or https:// URL to fetch, e.g. "https://docs.example.com/api".'),
});

/** `http_get`: GETs a URL on an allowed host (every redirect hop checked), returning status, type and bounded text. */
export function httpGetTool(options: HttpGetOptions): ToolDefinition<z.infer<typeof httpGetArgs>> {
  const hosts = options.allowHosts.length === 0 ? 'none' : options.allowHosts.join(', ');
  return defineTool({
    name: 'http_get',
    description:
      `Fetch a web page or API response with HTTP GET. Only these hosts are allowed: ${hosts}. Returns the ` +
      `status, content type and the body as text (cut at ${options.maxBytes} bytes).`,
    parameters: httpGetArgs,
    sideEffects: false,
    source: 'builtin',
    // The tool enforces its own timeout (tools.http.timeoutMs); the loop's is a backstop a little later.
    timeoutMs: options.timeoutMs + 1_000,
    async execute({ url }, context) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = AbortSignal.any([context.signal, timeout]);
      try {
        return await fetchAllowed(url, options, signal);
      } catch (error) {
        if (context.signal.aborted) throw context.signal.reason;
        if (timeout.aborted) {
          throw new AgentMeshError({
            code: 'tool_timeout',
            message: `http_get gave up on ${url} after ${options.timeoutMs} ms (tools.http.timeoutMs); try again later or another URL.`,
            context: { url, timeoutMs: options.timeoutMs },
          });
        }
        throw error;
      }
    },
  });
}

async function fetchAllowed(
  requested: string,
  options: HttpGetOptions,
  signal: AbortSignal,
): Promise<string> {
  const fetchFn = options.fetch ?? fetch;
  let url = checkedUrl(requested, requested, options.allowHosts);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetchFn(url, {
        redirect: 'manual',
        signal,
        headers: { accept: 'text/*, application/json, */*;q=0.5' },
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw toolFailed(
        `Could not fetch ${url.href}: ${networkReason(error)}; check the URL or try again later.`,
        { url: url.href },
        error,
      );
    }
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null)
      return describe(url, requested, response, options.maxBytes);
    await response.body?.cancel();
    if (hop >= HTTP_GET_MAX_REDIRECTS) {
      throw toolFailed(
        `${requested} redirected more than ${HTTP_GET_MAX_REDIRECTS} times; fetch the final URL directly.`,
        {
          url: requested,
        },
      );
    }
    url = checkedUrl(new URL(location, url).href, requested, options.allowHosts);
  }
}

/** Parses and checks one hop: http(s) only, no credentials, host on the allowlist. */
function checkedUrl(text: string, requested: string, allowHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw toolFailed(`"${text}" is not a valid URL; give a full URL such as https://example.com/page.`, {
      url: text,
    });
  }
  const via = text === requested ? '' : ` (a redirect from ${requested})`;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw toolRefused(`http_get fetches only http and https URLs, not ${url.protocol}${via}.`, { url: text });
  }
  if (url.username !== '' || url.password !== '') {
    throw toolRefused(
      `http_get does not send credentials in URLs${via}; give the URL without user:password@.`,
      {
        url: requested,
      },
    );
  }
  if (!isHostAllowed(url.hostname, allowHosts)) {
    const allowed = allowHosts.length === 0 ? 'none' : allowHosts.join(', ');
    throw toolRefused(
      `Host ${url.hostname} is not on the allowlist${via} (allowed: ${allowed}); use a URL on an allowed host.`,
      { url: url.href, host: url.hostname },
    );
  }
  return url;
}

async function describe(url: URL, requested: string, response: Response, maxBytes: number): Promise<string> {
  const type = response.headers.get('content-type') ?? '';
  const head = [
    `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    `content-type: ${type || '(none)'}`,
    ...(url.href === new URL(requested).href ? [] : [`final URL: ${url.href}`]),
  ];
  const { bytes, truncated } = await readBounded(response, maxBytes);
  const textual = type === '' ? !bytes.subarray(0, 8192).includes(0) : TEXT_TYPE.test(type);
  if (!textual) {
    return [
      ...head,
      '',
      `(${truncated ? `more than ${maxBytes}` : bytes.length} bytes of ${type || 'binary data'}; not shown as text)`,
    ].join('\n');
  }
  const cut = truncated ? utf8Prefix(bytes) : bytes;
  const body = decode(cut, type);
  const note = truncated
    ? [`[truncated: the first ${cut.length} bytes are shown (tools.http.maxBytes is ${maxBytes})]`]
    : [];
  return [...head, '', body, ...note].join('\n');
}

/** Reads at most `maxBytes` of the body, then stops the download. */
async function readBounded(
  response: Response,
  maxBytes: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (response.body === null) return { bytes: Buffer.alloc(0), truncated: false };
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(parts), truncated: false };
    parts.push(value);
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      return { bytes: Buffer.concat(parts).subarray(0, maxBytes), truncated: true };
    }
  }
}

/** Drops a UTF-8 character cut in half at the end. */
function utf8Prefix(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && end > bytes.length - 3 && ((bytes[end - 1] ?? 0) & 0xc0) === 0x80) end--;
  // `end - 1` is now the lead byte of the last character (or an ASCII byte); keep it only when complete.
  const lead = bytes[end - 1] ?? 0;
  const needs = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - (end - 1) >= needs ? bytes : bytes.subarray(0, end - 1);
}

function decode(bytes: Buffer, contentType: string): string {
  const charset = /charset="?([\w-]+)"?/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes); // an unknown charset label
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (code !== undefined) return code;
  return typeof cause?.message === 'string'
    ? cause.message
    : error instanceof Error
      ? error.message
      : String(error);
}

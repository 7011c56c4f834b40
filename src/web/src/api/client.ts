import { authHeaders } from './api-key';

/** An API answer that was not 2xx, with the server's error code and the field it blames. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Calls `listener` whenever any request is answered 401 (the app then asks for a key). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Reports a 401 seen outside {@link api} (the event stream). */
export function reportUnauthorized(): void {
  for (const listener of unauthorizedListeners) listener();
}

/** Fetches `path` of this server as JSON with the stored key; throws {@link ApiError} for a non-2xx answer. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    ...(init.signal && { signal: init.signal }),
  });
  if (response.ok) return (await response.json()) as T;
  throw await errorOf(response);
}

/** The ApiError a failed response stands for (and the 401 alarm raised). */
export async function errorOf(response: Response): Promise<ApiError> {
  if (response.status === 401) reportUnauthorized();
  let body: { error?: { code?: string; message?: string; field?: string } } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const {
    code = `http_${response.status}`,
    message = `${response.status} ${response.statusText}`,
    field,
  } = body.error ?? {};
  return new ApiError(response.status, code, message, field);
}

/** The message to show for anything a call threw. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

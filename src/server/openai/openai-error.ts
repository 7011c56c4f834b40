import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isAgentMeshError } from '../../errors/index.js';
import { httpStatusOf } from '../http-errors.js';

/** OpenAI's error body: what its clients read to build `APIError`s. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

/** Our request fields as the OpenAI request names them (`team`, `agent` come from `model`). */
const PARAM_OF_FIELD: Record<string, string> = { task: 'messages', team: 'model', agent: 'model' };

/** An error answered in OpenAI's shape by the `/v1` routes. */
export class OpenAiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly body: OpenAiErrorBody,
  ) {
    super(body.error.message);
    this.name = 'OpenAiError';
  }

  /** A 400 naming the bad parameter. */
  static badRequest(message: string, param: string | null): OpenAiError {
    return new OpenAiError(400, { error: { message, type: 'invalid_request_error', code: null, param } });
  }

  /** A 404 for a model that is neither `team:<name>` nor `agent:<id>` of a known one. */
  static modelNotFound(message: string): OpenAiError {
    return new OpenAiError(404, {
      error: { message, type: 'invalid_request_error', code: 'model_not_found', param: 'model' },
    });
  }

  /** A 502: the run behind the completion failed, was cancelled or waits for a human. */
  static runFailed(message: string, code: string): OpenAiError {
    return new OpenAiError(502, { error: { message, type: 'server_error', code, param: null } });
  }
}

/** Any error as OpenAI's shape and a status; the text of an error we did not make is not shown. */
export function toOpenAiError(error: unknown): OpenAiError {
  if (error instanceof OpenAiError) return error;
  if (isAgentMeshError(error)) {
    const status = httpStatusOf(error.code);
    const field = error.context.field;
    const param = typeof field === 'string' ? (PARAM_OF_FIELD[field] ?? field) : null;
    const type = status < 500 ? 'invalid_request_error' : 'server_error';
    return new OpenAiError(status, { error: { message: error.message, type, code: error.code, param } });
  }
  return new OpenAiError(500, {
    error: {
      message: "Internal error; the server's error log has the details.",
      type: 'server_error',
      code: 'internal',
      param: null,
    },
  });
}

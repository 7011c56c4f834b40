import { AgentMeshError, isAgentMeshError } from '../../errors/index.js';

/** A `tool_failed` error: one line the model reads, saying what failed and what to do instead. */
export function toolFailed(
  message: string,
  context: Record<string, unknown> = {},
  cause?: unknown,
): AgentMeshError {
  return new AgentMeshError({ code: 'tool_failed', message, context, cause });
}

/** A `tool_refused` error: the call asked for something the tool may not do (a path, a host). */
export function toolRefused(message: string, context: Record<string, unknown> = {}): AgentMeshError {
  return new AgentMeshError({ code: 'tool_refused', message, context });
}

/**
 * Turns a file-system error while `action`-ing `shown` (workspace-relative) into a `tool_failed` line;
 * AgentMeshErrors pass through. Host paths from the error are not repeated: the model knows only `shown`.
 */
export function fileSystemFailure(error: unknown, action: string, shown: string): AgentMeshError {
  if (isAgentMeshError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const why = typeof code === 'string' ? (FS_REASONS[code] ?? code) : 'unexpected error';
  return toolFailed(`Cannot ${action} "${shown}": ${why}.`, { path: shown, fsCode: code }, error);
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'it does not exist; call list_files to see what exists',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory; give a file path',
  EEXIST: 'a file stands where a directory is needed',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'it goes through a loop of symbolic links',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the name is too long',
};

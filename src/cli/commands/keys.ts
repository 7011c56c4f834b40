// PLACEHOLDER: owned by helper "auth"; replace the bodies, keep the signatures.
import type { CliIo } from '../cli-io.js';

/** Flags shared by the `keys` subcommands. */
export interface KeysFlags {
  db?: string;
  config?: string;
  json?: boolean;
}

/** `agentmesh keys create --name N --role R`: prints the secret once (stdout), the record to stderr. */
export async function keysCreateCommand(
  _flags: KeysFlags & { name: string; role: 'admin' | 'operator' | 'viewer' },
  _io: CliIo,
): Promise<number> {
  throw new Error('keys create: not implemented yet');
}

/** `agentmesh keys list`. */
export async function keysListCommand(_flags: KeysFlags, _io: CliIo): Promise<number> {
  throw new Error('keys list: not implemented yet');
}

/** `agentmesh keys revoke <id|name>`. */
export async function keysRevokeCommand(_key: string, _flags: KeysFlags, _io: CliIo): Promise<number> {
  throw new Error('keys revoke: not implemented yet');
}

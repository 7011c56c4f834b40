import { AgentMeshError, isAgentMeshError } from '../../errors/index.js';
import { createApiKey } from '../../runtime/api-keys.js';
import { openAccessStore } from '../../runtime/open-access-store.js';
import type { AccessStore, ApiKeyRecord, ApiKeyRole } from '../../store/access-store.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';

/** Flags shared by the `keys` subcommands. */
export interface KeysFlags {
  db?: string;
  config?: string;
  json?: boolean;
}

async function withAccess<T>(
  flags: KeysFlags,
  io: CliIo,
  use: (access: AccessStore) => Promise<T>,
): Promise<T> {
  const config = await resolveCliConfig(
    { ...(flags.db && { db: flags.db }), ...(flags.config && { config: flags.config }) },
    io,
  );
  const access = openAccessStore(config);
  try {
    return await use(access);
  } finally {
    await access.close();
  }
}

/**
 * `agentmesh keys create --name N --role R`: prints the secret alone on stdout (so
 * `KEY=$(agentmesh keys create …)` works) and a note on stderr that it is shown this once.
 */
export async function keysCreateCommand(
  flags: KeysFlags & { name: string; role: ApiKeyRole },
  io: CliIo,
): Promise<number> {
  const { key, secret } = await withAccess(flags, io, (access) =>
    createApiKey(access, { name: flags.name, role: flags.role }),
  );
  writeLine(io.stdout, flags.json ? JSON.stringify({ key, secret }) : secret);
  writeLine(
    io.stderr,
    `Created API key ${key.keyId} "${key.name}" (role ${key.role}); its secret is shown this once, so store it now (send it as "Authorization: Bearer <key>").`,
  );
  return EXIT.ok;
}

/** `agentmesh keys list`: every key newest first, revoked ones too, never a secret. */
export async function keysListCommand(flags: KeysFlags, io: CliIo): Promise<number> {
  const keys = await withAccess(flags, io, (access) => access.listKeys());
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify({ keys }));
    return EXIT.ok;
  }
  if (keys.length === 0) {
    writeLine(
      io.stderr,
      'No API keys: agentmesh serve lets anyone on this machine in (127.0.0.1 only); agentmesh keys create --name N --role R makes one.',
    );
    return EXIT.ok;
  }
  for (const line of keysTable(keys)) writeLine(io.stdout, line);
  return EXIT.ok;
}

/** `agentmesh keys revoke <id|name>`: requests with the key get 401 from then on. */
export async function keysRevokeCommand(idOrName: string, flags: KeysFlags, io: CliIo): Promise<number> {
  const key = await withAccess(flags, io, async (access) => {
    try {
      return await access.revokeKey(idOrName, new Date().toISOString());
    } catch (error) {
      // An unknown key on the command line is bad input (exit 2), like an unknown alert id.
      if (isAgentMeshError(error) && error.code === 'not_found') {
        throw new AgentMeshError({ code: 'usage', message: error.message, context: error.context });
      }
      throw error;
    }
  });
  writeLine(
    io.stdout,
    flags.json
      ? JSON.stringify({ key })
      : `Revoked API key ${key.keyId} "${key.name}" (role ${key.role}) at ${key.revokedAt}; requests with it now get 401.`,
  );
  return EXIT.ok;
}

const COLUMNS: readonly [string, (key: ApiKeyRecord) => string][] = [
  ['ID', (k) => k.keyId],
  ['NAME', (k) => k.name],
  ['ROLE', (k) => k.role],
  ['PREFIX', (k) => `${k.prefix}…`],
  ['CREATED', (k) => k.createdAt],
  ['LAST USED', (k) => k.lastUsedAt ?? '-'],
  ['REVOKED', (k) => k.revokedAt ?? '-'],
];

/** The keys as aligned lines under a header. */
export function keysTable(keys: readonly ApiKeyRecord[]): string[] {
  const cells = [COLUMNS.map(([title]) => title), ...keys.map((key) => COLUMNS.map(([, cell]) => cell(key)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  return cells.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

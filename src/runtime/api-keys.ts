import { createHash, randomBytes } from 'node:crypto';
import { AgentMeshError } from '../errors/index.js';
import {
  type AccessStore,
  API_KEY_ROLES,
  type ApiKeyRecord,
  type ApiKeyRole,
} from '../store/access-store.js';

/** A key just made: its record, and the secret, which is shown this once and never stored. */
export interface CreatedApiKey {
  key: ApiKeyRecord;
  secret: string;
}

/** How every secret starts, so a leaked one is recognisable (and greppable) as ours. */
export const API_KEY_SECRET_PREFIX = 'am_';

/** How many characters of a secret are kept in the clear, to tell keys apart (`am_` + 7). */
export const API_KEY_PREFIX_LENGTH = 10;

/** The longest key name. */
export const MAX_API_KEY_NAME_LENGTH = 64;

const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Makes a random secret (`am_…`), stores only its SHA-256 with the name and role, and returns both. */
export async function createApiKey(
  access: AccessStore,
  { name, role, now = () => new Date() }: { name: string; role: ApiKeyRole; now?: () => Date },
): Promise<CreatedApiKey> {
  checkApiKeyName(name);
  checkApiKeyRole(role);
  // 24 random bytes are exactly 32 base64url characters: 192 bits, beyond guessing.
  const secret = `${API_KEY_SECRET_PREFIX}${randomBytes(24).toString('base64url')}`;
  const key = await access.createKey({
    keyId: `key_${randomBytes(6).toString('hex')}`,
    name,
    role,
    secretHash: hashApiKeySecret(secret),
    prefix: secret.slice(0, API_KEY_PREFIX_LENGTH),
    createdAt: now().toISOString(),
  });
  return { key, secret };
}

/**
 * The hash under which a secret is stored and looked up: SHA-256 hex. The secrets are random and long,
 * so a slow password hash would add latency to every request and no safety.
 */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Throws a one-line `usage` error (field `name`) unless `name` is 1–64 of `A-Z a-z 0-9 . _ -`. */
export function checkApiKeyName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw usageError('name', 'An API key needs a name saying who or what uses it, e.g. --name ci.');
  }
  if (name.length > MAX_API_KEY_NAME_LENGTH) {
    throw usageError(
      'name',
      `The API key name is ${name.length} characters long; use at most ${MAX_API_KEY_NAME_LENGTH}.`,
    );
  }
  if (!NAME_PATTERN.test(name)) {
    throw usageError(
      'name',
      `The API key name "${name}" may hold only letters, digits, ".", "_" and "-"; e.g. ci or deploy-bot.`,
    );
  }
}

/** Throws a one-line `usage` error (field `role`) unless `role` is admin, operator or viewer. */
export function checkApiKeyRole(role: unknown): asserts role is ApiKeyRole {
  if (typeof role !== 'string' || !API_KEY_ROLES.includes(role as ApiKeyRole)) {
    const shown = typeof role === 'string' ? `"${role}"` : String(role);
    throw usageError(
      'role',
      `Unknown API key role ${shown}; use admin (everything), operator (run, approve, cancel) or viewer (read only).`,
    );
  }
}

function usageError(field: string, message: string): AgentMeshError {
  return new AgentMeshError({ code: 'usage', message, context: { field } });
}

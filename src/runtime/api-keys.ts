// PLACEHOLDER: owned by helper "auth"; replace the bodies, keep the signatures.
import type { AccessStore, ApiKeyRecord, ApiKeyRole } from '../store/access-store.js';

/** A key just made: its record, and the secret, which is shown this once and never stored. */
export interface CreatedApiKey {
  key: ApiKeyRecord;
  secret: string;
}

/** Makes a random secret (`am_…`), stores only its SHA-256 with the name and role, and returns both. */
export async function createApiKey(
  _access: AccessStore,
  _request: { name: string; role: ApiKeyRole; now?: () => Date },
): Promise<CreatedApiKey> {
  throw new Error('createApiKey: not implemented yet');
}

/** The hash under which a secret is stored and looked up. */
export function hashApiKeySecret(_secret: string): string {
  throw new Error('hashApiKeySecret: not implemented yet');
}

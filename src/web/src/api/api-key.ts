const STORAGE_KEY = 'agentmesh.apiKey';

/** The API key the user signed in with, kept in localStorage; null when none. */
export function storedApiKey(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Saves (or, with null, forgets) the API key. */
export function storeApiKey(key: string | null): void {
  if (key === null) localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, key);
}

/** Request headers that carry the stored key, if any. */
export function authHeaders(): Record<string, string> {
  const key = storedApiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

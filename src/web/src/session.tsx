import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { storeApiKey, storedApiKey } from './api/api-key';
import type { ApiKeyRole, WhoAmIResponse } from './api/api-types';
import { ApiError, api, messageOf, onUnauthorized } from './api/client';

/** Who is signed in, what they may do, and how to sign in or out. */
export interface Session {
  state: 'loading' | 'ready' | 'needs-key' | 'unreachable';
  whoami: WhoAmIResponse | null;
  /** Why the last sign-in failed, or why the server could not be reached. */
  error: string | null;
  hasKey: boolean;
  /** operator and admin: start, cancel, resume runs and decide approvals. */
  canOperate: boolean;
  /** admin: create and change agents. */
  canAdmin: boolean;
  signIn(key: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

const RANK: Record<ApiKeyRole, number> = { viewer: 0, operator: 1, admin: 2 };

/** Holds the session: asks `/api/whoami` at start, after sign-in, and whenever any call gets a 401. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<Session['state']>('loading');
  const [whoami, setWhoami] = useState<WhoAmIResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hasKey, setHasKey] = useState(() => storedApiKey() !== null);

  const check = useCallback(async (): Promise<boolean> => {
    try {
      setWhoami(await api<WhoAmIResponse>('/api/whoami'));
      setState('ready');
      return true;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) {
        setState('needs-key');
        return false;
      }
      setError(`The server did not answer: ${messageOf(caught)}`);
      setState('unreachable');
      return false;
    }
  }, []);

  useEffect(() => {
    void check();
    return onUnauthorized(() => setState('needs-key'));
  }, [check]);

  const signIn = useCallback(
    async (key: string) => {
      storeApiKey(key.trim());
      setHasKey(true);
      setError(null);
      if (!(await check())) {
        storeApiKey(null);
        setHasKey(false);
        setError('That key was refused: check it was copied whole and has not been revoked.');
      }
    },
    [check],
  );

  const signOut = useCallback(() => {
    storeApiKey(null);
    setHasKey(false);
    setWhoami(null);
    setState('loading');
    void check();
  }, [check]);

  const rank = whoami ? RANK[whoami.role] : -1;
  const session: Session = {
    state,
    whoami,
    error,
    hasKey,
    canOperate: rank >= RANK.operator,
    canAdmin: rank >= RANK.admin,
    signIn,
    signOut,
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The current session (inside {@link SessionProvider}). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

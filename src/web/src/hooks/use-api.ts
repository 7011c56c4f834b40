import { useCallback, useEffect, useRef, useState } from 'react';
import { api, messageOf } from '../api/client';

/** The state of one GET: data once loaded, the error of the last try, and a way to load again. */
export interface ApiResource<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload(): Promise<void>;
}

/** GETs `path` (when not null) and again whenever it changes; `reload` refetches keeping the old data shown. */
export function useApi<T>(path: string | null): ApiResource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;

  const reload = useCallback(async () => {
    const requested = current.current;
    if (requested === null) return;
    setLoading(true);
    try {
      const body = await api<T>(requested);
      // A newer path may have been asked for meanwhile: its answer wins.
      if (current.current !== requested) return;
      setData(body);
      setError(null);
    } catch (caught) {
      if (current.current === requested) setError(messageOf(caught));
    } finally {
      if (current.current === requested) setLoading(false);
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload reads the path from a ref; a new path must refetch.
  useEffect(() => {
    setData(undefined);
    void reload();
  }, [path, reload]);

  return { data, error, loading, reload };
}

/** Calls `tick` every `ms` while `active`. */
export function useInterval(tick: () => void, ms: number, active = true): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
}

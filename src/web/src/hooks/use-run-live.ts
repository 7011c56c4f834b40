import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunDetailResponse, StoredRunEvent, TextDeltaData } from '../api/api-types';
import { api, messageOf } from '../api/client';
import { followEventStream } from '../api/event-stream';

/** A message of the live view: stored, or still being typed (its tokens arriving). */
export interface LiveMessage {
  agentId: string;
  content: string;
  /** Known once stored; absent while typing. */
  stepId?: string;
  typing: boolean;
}

/** Everything the run page shows, kept current by the run's event stream. */
export interface RunLive {
  detail: RunDetailResponse | undefined;
  error: string | null;
  /** Every stored event seen, in order (the timeline is drawn from their times). */
  events: StoredRunEvent[];
  /** Messages announced by the stream but not yet in `detail`, then the ones still typing. */
  pending: LiveMessage[];
  stream: 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';
  /** Fetches the run now (after a decision, a cancel, a resume). */
  refresh(): Promise<void>;
  /** Follows the stream again after it ended (a resumed run writes more events). */
  restartStream(): void;
}

/**
 * Follows a run: its detail (refetched, debounced, after stored events) and its event stream, with the
 * `text-delta` tokens as typing messages that give way to the stored message when it arrives.
 */
export function useRunLive(runId: string): RunLive {
  const path = `/api/runs/${encodeURIComponent(runId)}`;
  const [detail, setDetail] = useState<RunDetailResponse>();
  const [error, setError] = useState<string | null>(null);
  const [events, setEvents] = useState<StoredRunEvent[]>([]);
  const [typing, setTyping] = useState<Record<string, string>>({});
  const [announced, setAnnounced] = useState<LiveMessage[]>([]);
  const [stream, setStream] = useState<RunLive['stream']>('connecting');
  const [generation, setGeneration] = useState(0);
  const lastSeq = useRef<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      setDetail(await api<RunDetailResponse>(path));
      setError(null);
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [path]);

  const refreshSoon = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void refresh(), 150);
  }, [refresh]);

  useEffect(() => {
    void refresh();
    return () => clearTimeout(timer.current);
  }, [refresh]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` restarts the stream on purpose.
  useEffect(() => {
    const controller = new AbortController();
    const onEvent = (event: StoredRunEvent) => {
      if (lastSeq.current !== null && event.seq <= lastSeq.current) return;
      lastSeq.current = event.seq;
      setEvents((before) => [...before, event]);
      if (event.type === 'message.added') {
        const { agentId, content, stepId } = event;
        setTyping(({ [agentId]: _done, ...rest }) => rest);
        setAnnounced((before) => [
          ...before.filter((m) => m.stepId !== stepId),
          { agentId, content, stepId, typing: false },
        ]);
      } else if (event.type === 'step.started') {
        // A re-run (retry, rejection) types afresh; its old output is no longer the step's message.
        setTyping(({ [event.agentId]: _old, ...rest }) => rest);
        setAnnounced((before) => before.filter((m) => m.stepId !== event.stepId));
      }
      refreshSoon();
    };
    void followEventStream(`${path}/events`, {
      signal: controller.signal,
      ...(lastSeq.current !== null && { lastEventId: String(lastSeq.current) }),
      onStatus: (status) => setStream(status),
      onMessage: (message) => {
        if (message.event === 'run-event') onEvent(JSON.parse(message.data) as StoredRunEvent);
        else if (message.event === 'text-delta') {
          const { agentId, delta } = JSON.parse(message.data) as TextDeltaData;
          setTyping((before) => ({ ...before, [agentId]: (before[agentId] ?? '') + delta }));
        } else if (message.event === 'end') {
          setTyping({});
          void refresh();
        }
      },
    });
    return () => controller.abort();
  }, [path, refresh, refreshSoon, generation]);

  const stored = new Set(detail?.state.transcript.map((message) => message.stepId));
  const pending: LiveMessage[] = [
    ...announced.filter((message) => message.stepId === undefined || !stored.has(message.stepId)),
    ...Object.entries(typing)
      .filter(([, content]) => content.length > 0)
      .map(([agentId, content]) => ({ agentId, content, typing: true })),
  ];

  return {
    detail,
    error,
    events,
    pending,
    stream,
    refresh,
    restartStream: () => setGeneration((value) => value + 1),
  };
}

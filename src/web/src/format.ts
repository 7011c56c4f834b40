/** `$0.0123`: small costs keep four decimals, large ones two. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 100) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

/** `12,345` or `1.2M`. */
export function formatTokens(count: number): string {
  if (count >= 10_000_000) return `${(count / 1_000_000).toFixed(1)}M`;
  return count.toLocaleString('en-US');
}

/** `850 ms`, `12.3 s`, `4m 05s`, `2h 03m`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Milliseconds from `start` to `end` (or now, for something still going). */
export function elapsedMs(start: string, end: string | null, now = Date.now()): number {
  return (end ? Date.parse(end) : now) - Date.parse(start);
}

/** A time as `14:03:27` today, or `Mar 4, 14:03` another day. */
export function formatTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** The first line of a text, cut to `max` characters. */
export function preview(text: string, max = 90): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const AGENT_HUES = [212, 152, 28, 280, 340, 190, 48, 100, 250, 0];

/** A stable colour per agent id, for avatars, timeline bars and legends. */
export function agentColor(agentId: string): string {
  let hash = 0;
  for (const char of agentId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${AGENT_HUES[hash % AGENT_HUES.length]} 62% 52%)`;
}

/** The text cut to `max` characters, with a note of how much was left out. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
}

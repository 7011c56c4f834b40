import pinoPretty from 'pino-pretty';

/** Where console log lines go: a stream that may be a terminal. */
export interface ConsoleStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * A sink for JSON log lines (already redacted) on `stream`: pretty and coloured on a terminal, the JSON
 * line as it is otherwise (a pipe or a file gets machine-readable lines).
 */
export function consoleSink(stream: ConsoleStream): (line: string) => void {
  if (!stream.isTTY) return (line) => void stream.write(line);
  const pretty = pinoPretty.prettyFactory({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,category',
    messageFormat: '[{category}] {msg}',
    singleLine: true,
  });
  return (line) => void stream.write(pretty(line));
}

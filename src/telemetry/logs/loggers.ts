// PLACEHOLDER: replaced by the "logs" helper (issue 7): pino loggers per category, rotated files, redaction.
import pino, { type Logger } from 'pino';
import type { TelemetryConfig } from '../../config/resolved-config.js';

/** One logger per category; each writes its own file under `telemetry.logs.dir`. */
export const LOG_CATEGORIES = ['system', 'error', 'agent', 'llm', 'performance', 'audit'] as const;

/** A log category. */
export type LogCategory = (typeof LOG_CATEGORIES)[number];

/** The loggers of one process. */
export type Loggers = Record<LogCategory, Logger> & {
  /** Writes out what is buffered and closes the files. */
  close(): Promise<void>;
};

/** Options for {@link createLoggers}. */
export interface CreateLoggersOptions {
  logs: TelemetryConfig['logs'];
  /** Values redacted from every line (ResolvedConfig.secrets). */
  secrets: readonly string[];
  /** Also write to stderr: pretty on a TTY, JSON lines otherwise (long-running processes: serve, monitor). */
  console?: boolean;
}

/** Creates the process's loggers. */
export function createLoggers(_options: CreateLoggersOptions): Loggers {
  const silent = pino({ level: 'silent' });
  return {
    system: silent,
    error: silent,
    agent: silent,
    llm: silent,
    performance: silent,
    audit: silent,
    close: async () => undefined,
  };
}

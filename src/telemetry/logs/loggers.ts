import { hostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { TelemetryConfig } from '../../config/resolved-config.js';
import { createRedactor } from '../redact/redactor.js';
import { consoleSink } from './console-sink.js';
import { RotatingFile } from './rotating-file.js';

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

/**
 * Creates the process's loggers: JSON lines in `<dir>/<category>.log`, rotated by size, every line
 * redacted (configured secrets, tokens, secret-named fields) just before it is written, so no call can
 * bypass it. Lines are written synchronously: nothing is lost when the process exits right after a run.
 * The directory is created at the first line (a `silent` level creates nothing).
 */
export function createLoggers({ logs, secrets, console = false }: CreateLoggersOptions): Loggers {
  const redactor = createRedactor(secrets);
  const toConsole = console ? consoleSink(process.stderr) : null;
  let warned = false;
  const onError = (error: Error) => {
    if (warned) return;
    warned = true;
    process.stderr.write(
      `agentmesh: warning: cannot write logs in ${logs.dir} (${error.message}); check that the directory is writable or set telemetry.logs.dir\n`,
    );
  };
  const files: RotatingFile[] = [];
  const host = hostname();

  const create = (category: LogCategory): Logger => {
    const file = new RotatingFile({
      path: join(logs.dir, `${category}.log`),
      maxSizeBytes: logs.maxSizeBytes,
      maxFiles: logs.maxFiles,
      onError,
    });
    files.push(file);
    const write = toConsole
      ? (line: string) => {
          file.write(line);
          toConsole(line);
        }
      : (line: string) => file.write(line);
    return pino(
      {
        level: logs.level,
        base: { pid: process.pid, hostname: host, category },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        // The last step before a line leaves pino, for every logger and child: the one place to redact.
        hooks: { streamWrite: redactor.jsonLine },
      },
      { write },
    );
  };

  const loggers = Object.fromEntries(LOG_CATEGORIES.map((category) => [category, create(category)]));
  return {
    ...(loggers as Record<LogCategory, Logger>),
    async close() {
      for (const file of files) file.close();
    },
  };
}

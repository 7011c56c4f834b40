import { closeSync, openSync, writeSync } from 'node:fs';
import { AgentMeshError } from '../../errors/index.js';
import {
  CASSETTE_FORMAT,
  CASSETTE_VERSION,
  type CassetteExchange,
  type CassetteHeader,
} from './cassette-format.js';

/**
 * Writes a cassette: the header at once, then one exchange per line as each call ends. Every line
 * goes out in one synchronous append of the whole line and its newline, so a process that dies
 * leaves only complete lines (at worst a cut-off last line, which the reader leaves out).
 */
export class CassetteWriter {
  readonly path: string;
  #fd: number | null;
  #nextSeq = 1;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  /**
   * Creates (or empties) the file and writes the header: one recording, one file.
   * @throws AgentMeshError `usage` when the file cannot be written.
   */
  static create(path: string, { now = () => new Date() }: { now?: () => Date } = {}): CassetteWriter {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (error) {
      throw new AgentMeshError({
        code: 'usage',
        message: `Cannot write cassette ${path}: ${(error as Error).message}; check that its directory exists and is writable.`,
        context: { path, errno: (error as NodeJS.ErrnoException).code },
        cause: error,
      });
    }
    const writer = new CassetteWriter(path, fd);
    const header: CassetteHeader = {
      format: CASSETTE_FORMAT,
      version: CASSETTE_VERSION,
      recordedAt: now().toISOString(),
    };
    writer.#writeLine(JSON.stringify(header));
    return writer;
  }

  /** The order number of a call that starts now; identical requests replay in this order. */
  nextSeq(): number {
    return this.#nextSeq++;
  }

  /** Appends one exchange as one line. */
  append(exchange: CassetteExchange): void {
    this.#writeLine(JSON.stringify(exchange));
  }

  /** Closes the file; later appends are refused. */
  close(): void {
    if (this.#fd === null) return;
    closeSync(this.#fd);
    this.#fd = null;
  }

  #writeLine(line: string): void {
    if (this.#fd === null) {
      throw new AgentMeshError({
        code: 'internal',
        message: `Cassette ${this.path} is closed; an LLM call ended after the recording stopped.`,
        context: { path: this.path },
      });
    }
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    try {
      // writeSync may write less than asked (rare for files); loop until the line is out.
      for (let offset = 0; offset < bytes.length; ) {
        offset += writeSync(this.#fd, bytes, offset, bytes.length - offset);
      }
    } catch (error) {
      throw new AgentMeshError({
        code: 'internal',
        message: `Cannot append to cassette ${this.path}: ${(error as Error).message}; free disk space or record to another file.`,
        context: { path: this.path, errno: (error as NodeJS.ErrnoException).code },
        cause: error,
      });
    }
  }
}

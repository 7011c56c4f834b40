import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Options for {@link RotatingFile}. */
export interface RotatingFileOptions {
  /** The live file, e.g. `.agentmesh/logs/llm.log`; rotated ones are `llm.log.1` (newest) … `llm.log.<maxFiles>`. */
  path: string;
  /** The file is rotated before a write would take it past this size (a single longer line is still written). */
  maxSizeBytes: number;
  /** Rotated files kept; the oldest beyond this is deleted. */
  maxFiles: number;
  /** Called once when the file cannot be written (read-only directory, disk full); later writes are dropped. */
  onError?: (error: Error) => void;
}

/**
 * An append-only file written synchronously, rotated by size. Synchronous on purpose: a CLI process
 * exits right after its run, and a line handed to `write` is on disk when it returns, whatever ends the
 * process next. The directory and file are created at the first write, so a process that logs nothing
 * leaves nothing behind. Several processes may append to the same file (O_APPEND keeps lines whole);
 * one that finds the file already rotated by another reopens instead of rotating again.
 */
export class RotatingFile {
  #fd: number | null = null;
  #ino = 0;
  #size = 0;
  #failed = false;

  constructor(private readonly options: RotatingFileOptions) {}

  /** Appends `text` (whole lines). Never throws: a failure is reported once through `onError`. */
  write(text: string): void {
    if (this.#failed) return;
    try {
      const bytes = Buffer.byteLength(text);
      this.#open();
      if (this.#size > 0 && this.#size + bytes > this.options.maxSizeBytes) this.#rotate();
      this.#size += writeSync(this.#fd!, text);
    } catch (error) {
      this.#failed = true;
      this.#closeFd();
      this.options.onError?.(error as Error);
    }
  }

  /** Closes the file; a later write opens it again. */
  close(): void {
    this.#closeFd();
  }

  #open(): void {
    if (this.#fd !== null) return;
    mkdirSync(dirname(this.options.path), { recursive: true });
    this.#fd = openSync(this.options.path, 'a');
    const stat = fstatSync(this.#fd);
    this.#ino = stat.ino;
    this.#size = stat.size;
  }

  #rotate(): void {
    const { path, maxFiles } = this.options;
    // Another process may have rotated already (our fd then points at `<path>.1`) or written more.
    const current = statOrNull(path);
    if (current === null || current.ino !== this.#ino) {
      this.#reopen();
      return;
    }
    rmSync(`${path}.${maxFiles}`, { force: true });
    for (let index = maxFiles - 1; index >= 1; index--)
      renameIfExists(`${path}.${index}`, `${path}.${index + 1}`);
    renameSync(path, `${path}.1`);
    this.#reopen();
  }

  #reopen(): void {
    this.#closeFd();
    this.#open();
  }

  #closeFd(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    closeSync(fd);
  }
}

function statOrNull(path: string): { ino: number; size: number } | null {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

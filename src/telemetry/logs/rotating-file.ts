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
 * one rotates at a time (a lock file), and one that finds the file already rotated by another reopens.
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
    // Shifting `.1 … .N` is several renames: two processes doing it at once would overwrite each
    // other's files. One rotates under a lock file; a process that finds it taken goes on writing to
    // the current file and reopens once the other has rotated.
    const lock = acquireLock(`${path}.lock`);
    if (lock === null) return;
    try {
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
    } finally {
      closeSync(lock);
      rmSync(`${path}.lock`, { force: true });
    }
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

/** A lock older than this was left by a process that died while rotating. */
const STALE_LOCK_MS = 10_000;

/** Creates the lock file exclusively; null when another process holds it (a stale one is taken over). */
function acquireLock(lockPath: string): number | null {
  for (let tries = 0; tries < 2; tries++) {
    try {
      return openSync(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = statOrNull(lockPath);
      if (held !== null && Date.now() - held.mtimeMs < STALE_LOCK_MS) return null;
      rmSync(lockPath, { force: true });
    }
  }
  return null;
}

function statOrNull(path: string): { ino: number; size: number; mtimeMs: number } | null {
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

/** How strongly a run was isolated. */
export type Isolation = 'bubblewrap' | 'subprocess';

/** Resource limits of one sandboxed run. */
export interface SandboxLimits {
  /** Wall clock; the whole process tree is killed after it. */
  timeoutMs: number;
  cpuSeconds: number;
  memoryMb: number;
  maxProcesses: number;
  /** stdout + stderr kept; the rest is dropped and `outputTruncated` set. */
  maxOutputBytes: number;
}

/** A command to run over a fresh workspace holding `files`. */
export interface SandboxRequest {
  /** Written into an empty workspace directory before the command starts; paths are relative. */
  files: ReadonlyArray<{ path: string; content: string }>;
  /** argv, run with the workspace as working directory, e.g. ['python3', '-m', 'pytest', '-q']. */
  command: string[];
  limits: SandboxLimits;
  signal?: AbortSignal;
}

/** What a sandboxed run did. */
export interface SandboxResult {
  /** null when killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  outputTruncated: boolean;
  durationMs: number;
  isolation: Isolation;
  /** Set when isolation is weaker than bubblewrap, saying what is missing. */
  isolationWarning?: string;
  /** Host path of the workspace, only when the adapter was told to keep it (debugging). */
  workspace?: string;
}

/**
 * The sandbox port: runs untrusted code with no network, no secrets, a fresh writable workspace only,
 * and limits on CPU, memory, processes, output and time. Adapters: bubblewrap, plain subprocess.
 */
export interface Sandbox {
  readonly isolation: Isolation;
  run(request: SandboxRequest): Promise<SandboxResult>;
}

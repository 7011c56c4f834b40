import { dirname } from 'node:path';
import { countUserTasks } from './count-user-tasks.js';
import { PRLIMIT_PATH, prlimitArgs } from './resource-limits.js';
import { runBoundedProcess } from './run-bounded-process.js';
import type { Sandbox, SandboxRequest, SandboxResult } from './sandbox.js';
import { hostNodeOutsideUsr, sandboxEnv } from './sandbox-env.js';
import { sandboxCancelledError, throwUnlessFinished } from './sandbox-outcome.js';
import { createWorkspace, removeWorkspace, SANDBOX_GID, SANDBOX_UID } from './workspace.js';

/** Said in every result of {@link SubprocessSandbox}. */
export const SUBPROCESS_ISOLATION_WARNING =
  'Weaker isolation: a plain subprocess with an empty environment and CPU, memory, process, output and time limits; ' +
  'network, filesystem and process isolation are not enforced (install bubblewrap: apt-get install bubblewrap).';

/** Options of {@link SubprocessSandbox}. */
export interface SubprocessSandboxOptions {
  /** Leave each run's workspace on disk and report it in `workspace` (debugging). @default false */
  keepWorkspace?: boolean;
}

/**
 * The fallback without bubblewrap: the command runs in a temporary directory, in its own process
 * group, with an empty environment and prlimit limits. When AgentMesh runs as root the code runs as
 * uid 65534, which at least keeps it out of root-only files and makes RLIMIT_NPROC apply.
 * It cannot stop network access, reads of world-readable files, or a process that leaves its group.
 */
export class SubprocessSandbox implements Sandbox {
  readonly isolation = 'subprocess' as const;

  constructor(private readonly options: SubprocessSandboxOptions = {}) {}

  /** Runs `request.command` in a fresh temporary directory; it is deleted afterwards. */
  async run(request: SandboxRequest): Promise<SandboxResult> {
    if (request.signal?.aborted) throw sandboxCancelledError(request.signal.reason);
    const { limits } = request;
    const runAs = process.getuid?.() === 0 ? { uid: SANDBOX_UID, gid: SANDBOX_GID } : undefined;
    const workspace = await createWorkspace({ files: request.files, owner: runAs });
    try {
      const hostNode = hostNodeOutsideUsr();
      const alreadyRunning = await countUserTasks(runAs?.uid ?? process.getuid?.() ?? -1);
      const env = sandboxEnv({
        home: workspace.dir,
        tmpDir: workspace.tmpDir,
        extraPathDir: hostNode && dirname(hostNode),
      });
      const result = await runBoundedProcess({
        file: PRLIMIT_PATH,
        args: [...prlimitArgs(limits, { extraProcesses: alreadyRunning }), ...request.command],
        cwd: workspace.dir,
        env,
        ...runAs,
        timeoutMs: limits.timeoutMs,
        maxOutputBytes: limits.maxOutputBytes,
        signal: request.signal,
      });
      throwUnlessFinished(result, `${PRLIMIT_PATH} (util-linux)`, request.signal);
      return {
        exitCode: result.exitCode,
        signal: result.signal,
        timedOut: result.timedOut,
        stdout: result.stdout,
        stderr: result.stderr,
        outputTruncated: result.outputTruncated,
        durationMs: result.durationMs,
        isolation: 'subprocess',
        isolationWarning: SUBPROCESS_ISOLATION_WARNING,
        ...(this.options.keepWorkspace ? { workspace: workspace.dir } : {}),
      };
    } finally {
      if (!this.options.keepWorkspace) await removeWorkspace(workspace.root);
    }
  }
}

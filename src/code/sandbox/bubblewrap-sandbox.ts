import { type BubblewrapFeatures, bubblewrapArgs, SANDBOX_ETC, SANDBOX_NODE_DIR } from './bubblewrap-args.js';
import { bubblewrapRunAs } from './probe-bubblewrap.js';
import { PRLIMIT_PATH, prlimitArgs } from './resource-limits.js';
import { runBoundedProcess } from './run-bounded-process.js';
import type { Sandbox, SandboxRequest, SandboxResult } from './sandbox.js';
import { hostNodeOutsideUsr, sandboxEnv } from './sandbox-env.js';
import { sandboxCancelledError, signalFromWrapperExit, throwUnlessFinished } from './sandbox-outcome.js';
import { createWorkspace, removeWorkspace } from './workspace.js';

/** Options of {@link BubblewrapSandbox}; `probeBubblewrap()` supplies the first two. */
export interface BubblewrapSandboxOptions {
  bwrapPath: string;
  features: BubblewrapFeatures;
  /** Leave each run's workspace on disk and report it in `workspace` (debugging). @default false */
  keepWorkspace?: boolean;
}

/**
 * Runs code under bubblewrap: new user, PID, network, IPC, UTS and mount namespaces; only /usr
 * (read-only) and a fresh workspace visible; empty environment; prlimit limits applied inside; the
 * whole sandbox killed at the wall clock or the output cap.
 */
export class BubblewrapSandbox implements Sandbox {
  readonly isolation = 'bubblewrap' as const;

  constructor(private readonly options: BubblewrapSandboxOptions) {}

  /** Runs `request.command` in a fresh workspace; the workspace is deleted afterwards. */
  async run(request: SandboxRequest): Promise<SandboxResult> {
    if (request.signal?.aborted) throw sandboxCancelledError(request.signal.reason);
    const { limits } = request;
    const runAs = bubblewrapRunAs();
    const workspace = await createWorkspace({ files: request.files, owner: runAs, etc: SANDBOX_ETC });
    try {
      const hostNode = hostNodeOutsideUsr();
      const env = sandboxEnv({
        home: '/workspace',
        tmpDir: '/tmp',
        extraPathDir: hostNode && SANDBOX_NODE_DIR,
      });
      const args = bubblewrapArgs({
        workspaceDir: workspace.dir,
        etcDir: workspace.etcDir,
        etcFiles: Object.keys(SANDBOX_ETC),
        env,
        tmpfsBytes: limits.memoryMb * 1024 * 1024,
        features: this.options.features,
        hostNode,
        command: [PRLIMIT_PATH, ...prlimitArgs(limits), ...request.command],
      });
      const result = await runBoundedProcess({
        file: this.options.bwrapPath,
        args,
        cwd: workspace.root,
        env: {},
        ...runAs,
        timeoutMs: limits.timeoutMs,
        maxOutputBytes: limits.maxOutputBytes,
        signal: request.signal,
      });
      throwUnlessFinished(result, 'bubblewrap', request.signal);
      const exit = result.signal
        ? { exitCode: null, signal: result.signal }
        : signalFromWrapperExit(result.exitCode);
      return {
        ...exit,
        timedOut: result.timedOut,
        stdout: result.stdout,
        stderr: result.stderr,
        outputTruncated: result.outputTruncated,
        durationMs: result.durationMs,
        isolation: 'bubblewrap',
        ...(this.options.keepWorkspace ? { workspace: workspace.dir } : {}),
      };
    } finally {
      if (!this.options.keepWorkspace) await removeWorkspace(workspace.root);
    }
  }
}

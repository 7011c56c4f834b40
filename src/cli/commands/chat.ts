import type { Readable } from 'node:stream';
import { resolveTeam } from '../../config/resolve-config.js';
import { openGateway } from '../../runtime/build-gateway.js';
import { openRunStore } from '../../runtime/open-run-store.js';
import { findOrphanedRuns } from '../../runtime/orphaned-runs.js';
import { checkApiKeys, checkCustomEndpoint } from '../../runtime/preflight.js';
import { ChatSession } from '../chat/chat-session.js';
import { decidedBy } from '../chat/decided-by.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import type { RunnerFlags } from '../runner-flags.js';

/**
 * `agentmesh chat [--team NAME]`: an interactive session on stdin/stdout (a TTY or piped lines). The store
 * and the gateway stay open for the whole session and are closed when it ends.
 */
export async function chatCommand(
  flags: RunnerFlags,
  io: CliIo,
  input: Readable & { isTTY?: boolean } = process.stdin,
): Promise<number> {
  const config = await resolveCliConfig(flags, io);
  // Bad input fails before the store is opened (and created).
  checkApiKeys(config, resolveTeam(config, flags.team ?? config.defaultTeam));
  await checkCustomEndpoint(config);
  const store = openRunStore(config);
  const gateway = await openGateway(config, {
    warn: (message) => writeLine(io.stderr, `agentmesh: ${message}`),
  });
  let session: ChatSession | undefined;
  const releaseInterrupts = input === process.stdin ? takeOverCtrlC(() => session?.interrupt()) : () => {};
  try {
    session = new ChatSession({
      config,
      ...(flags.team && { team: flags.team }),
      store,
      gateway: gateway.gateway,
      input,
      output: io.stdout,
      progress: io.stderr,
      env: io.env,
      decidedBy: decidedBy('chat', io.env),
      terminal: Boolean(input.isTTY),
    });
    // As every command that runs teams does at start: say which runs a dead process left running.
    for (const orphan of (await findOrphanedRuns(store)).slice(0, 3)) {
      writeLine(
        io.stderr,
        `agentmesh: run ${orphan.runId} (${orphan.team}, started ${orphan.createdAt}) was left running by a process that died; continue it with: agentmesh resume ${orphan.runId}`,
      );
    }
    // SIGTERM (and anything else that aborts the command) ends the session like Ctrl-C at the prompt.
    const end = () => session?.end();
    io.signal.addEventListener('abort', end, { once: true });
    try {
      return await session.run();
    } finally {
      io.signal.removeEventListener('abort', end);
    }
  } finally {
    releaseInterrupts();
    await gateway.close();
    await store.close();
    // A paused stdin pipe can hold the process open after the session ended.
    if (input === process.stdin) input.destroy();
  }
}

/**
 * Ctrl-C belongs to the session while it lasts: the CLI's own handler would cancel once and exit the
 * process on the second press, but in chat every press cancels the running task (or ends the session at
 * the prompt). On a TTY readline reports Ctrl-C itself; this covers piped stdin and `kill -INT`.
 * Returns a function that gives the CLI its handlers back.
 */
function takeOverCtrlC(onInterrupt: () => void): () => void {
  const previous = process.listeners('SIGINT');
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', onInterrupt);
  return () => {
    process.off('SIGINT', onInterrupt);
    for (const listener of previous) process.on('SIGINT', listener);
  };
}

import { BubblewrapSandbox } from '../code/sandbox/bubblewrap-sandbox.js';
import { type BubblewrapProbe, probeBubblewrap } from '../code/sandbox/probe-bubblewrap.js';
import type { Sandbox } from '../code/sandbox/sandbox.js';
import { SubprocessSandbox } from '../code/sandbox/subprocess-sandbox.js';
import type { SandboxConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';

/**
 * The sandbox `sandbox.mode` asks for: `auto` is bubblewrap when `bwrap` can create a sandbox here
 * (probed once per process), else the weaker subprocess, which says so in every result.
 */
export async function createSandbox(
  config: Pick<SandboxConfig, 'mode'>,
  { probe: probeFn = probeBubblewrap }: { probe?: () => Promise<BubblewrapProbe> } = {},
): Promise<Sandbox> {
  if (config.mode === 'subprocess') return new SubprocessSandbox();
  const probe = await probeFn();
  if (probe.available) return new BubblewrapSandbox({ bwrapPath: probe.bwrapPath, features: probe.features });
  if (config.mode === 'auto') return new SubprocessSandbox();
  throw new AgentMeshError({
    code: 'config_invalid',
    message: `sandbox.mode is bubblewrap but ${probe.reason}; install bubblewrap: apt-get install bubblewrap, or set sandbox.mode: subprocess.`,
    context: { field: 'sandbox.mode', reason: probe.reason },
  });
}

import { describe, expect, it } from 'vitest';
import { isAgentMeshError } from '../errors/index.js';
import { createSandbox } from './create-sandbox.js';

const missing = async () => ({ available: false as const, reason: 'bwrap is not installed' });
const present = async () => ({
  available: true as const,
  bwrapPath: '/usr/bin/bwrap',
  features: { tmpfsSize: true, disableUserns: true },
});

describe('createSandbox', () => {
  it('auto: bubblewrap when the probe succeeds, else the subprocess fallback', async () => {
    expect((await createSandbox({ mode: 'auto' }, { probe: present })).isolation).toBe('bubblewrap');
    expect((await createSandbox({ mode: 'auto' }, { probe: missing })).isolation).toBe('subprocess');
  });

  it('subprocess: never probes', async () => {
    const probe = () => Promise.reject(new Error('probed'));
    expect((await createSandbox({ mode: 'subprocess' }, { probe })).isolation).toBe('subprocess');
  });

  it('bubblewrap without bwrap: a config error that says how to fix it', async () => {
    const error = await createSandbox({ mode: 'bubblewrap' }, { probe: missing }).catch((thrown) => thrown);
    expect(isAgentMeshError(error) && error.code).toBe('config_invalid');
    expect(error.message).toBe(
      'sandbox.mode is bubblewrap but bwrap is not installed; install bubblewrap: apt-get install bubblewrap, or set sandbox.mode: subprocess.',
    );
  });
});

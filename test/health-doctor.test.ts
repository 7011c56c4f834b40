import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import type { HealthReport } from '../src/telemetry/health/check-health.js';
import { BIN, type CliResult, cleanEnv, runCli, tempDir } from './support/cli.js';

// `agentmesh doctor` as a real subprocess of the built CLI, against the simulator on loopback.

/** nobody: an unprivileged user, so a read-only store is read-only even when the tests run as root. */
const UNPRIVILEGED = 65534;

let dir: { path: string; remove(): Promise<void> };
let sim: RunningSimulator;

beforeEach(async () => {
  dir = await tempDir();
  sim = await startSimulator();
});
afterEach(async () => {
  await sim.close();
  await chmod(dir.path, 0o755).catch(() => undefined);
  await dir.remove();
});

async function writeConfig({ model = 'local:sim-model', extra = '' } = {}): Promise<void> {
  const yaml = [
    'providers:',
    `  local: { baseUrl: "${sim.url}", requiresApiKey: false }`,
    'models:',
    '  "local:sim-model": { input: 0, output: 0 }',
    '  "local:not-served": { input: 0, output: 0 }',
    `defaults: { model: "${model}" }`,
    'store: { path: agentmesh.db }',
    extra,
  ].join('\n');
  await writeFile(join(dir.path, 'agentmesh.yaml'), yaml);
}

const doctor = (args: string[] = []) => runCli(['doctor', ...args], { cwd: dir.path });

describe('agentmesh doctor', () => {
  it('reports healthy with every check and exits 0, without creating the run store', async () => {
    await writeConfig();
    const { code, stdout, stderr } = await doctor();
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toEqual([
      `✓ config: ${join(dir.path, 'agentmesh.yaml')}`,
      `✓ provider:local: ${sim.url} reachable, 2 models listed`,
      '✓ breakers: none has opened',
      `✓ store: no run store yet at ${join(dir.path, 'agentmesh.db')}; the first run creates it`,
      expect.stringMatching(/^✓ disk: [\d.]+% free on the file system of /),
      '✓ approvals: none waiting',
      '✓ model:local:sim-model: listed by local',
      'status: healthy',
    ]);
    expect(stderr).toBe('doctor: healthy, all checks passed\n');
    expect(existsSync(join(dir.path, 'agentmesh.db'))).toBe(false);
  });

  it('reports degraded with the reason and still exits 0', async () => {
    await writeConfig({ extra: 'telemetry: { monitor: { diskFreePercent: 100 } }' });
    const { code, stdout, stderr } = await doctor();
    expect(code).toBe(0);
    expect(stdout).toMatch(/^! disk: .*\(below telemetry\.monitor\.diskFreePercent 100%\)$/m);
    expect(stdout).toContain('status: degraded');
    expect(stderr).toContain('doctor: degraded, 1 check(s) need a look');
  });

  it('is unhealthy (exit 1) when the provider is down, naming its URL', async () => {
    await writeConfig();
    await sim.close();
    const { code, stdout, stderr } = await doctor();
    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(`^✗ provider:local: ${sim.url} unreachable: .*agents without another provider`, 'm'),
    );
    expect(stdout).toContain('status: unhealthy');
    expect(stderr).toContain('doctor: unhealthy, 1 check(s) failed');
  });

  it('is unhealthy when the primary model is not listed by its provider', async () => {
    await writeConfig({ model: 'local:not-served' });
    const { code, stdout } = await doctor();
    expect(code).toBe(1);
    expect(stdout).toContain('✗ model:local:not-served: not listed by local; check the model id');
  });

  it('reports an invalid config as unhealthy with the problem', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), 'agents:\n  planner: { temperature: 7 }\n');
    const { code, stdout } = await doctor();
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ config: .*temperature/m);
    expect(stdout).toContain('status: unhealthy');
  });

  it('prints the report as JSON with --json', async () => {
    await writeConfig();
    const { code, stdout } = await doctor(['--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as HealthReport;
    expect(report.status).toBe('healthy');
    expect(report.checks.map((check) => check.name)).toContain('provider:local');
    expect(Date.parse(report.at)).not.toBeNaN();
  });

  it('reports a breaker left open by a run as degraded', async () => {
    await writeConfig();
    const store = SqliteRunStore.open({ path: join(dir.path, 'agentmesh.db') });
    await store.append({
      type: 'run.started',
      runId: 'run_x',
      at: '2026-11-21T09:00:00.000Z',
      task: 't',
      team: 'pipeline',
      pattern: 'pipeline',
      agents: ['planner'],
    });
    await store.append({
      type: 'breaker.changed',
      runId: 'run_x',
      at: '2026-11-21T09:00:05.000Z',
      provider: 'local',
      model: 'sim-model',
      state: 'open',
    });
    await store.close();
    const { code, stdout } = await doctor();
    expect(code).toBe(0);
    expect(stdout).toContain(
      '! breaker:local:sim-model: open since 2026-11-21T09:00:05.000Z (run run_x); lets a probe through after 2026-11-21T09:00:35.000Z',
    );
    expect(stdout).toContain(`✓ store: ${join(dir.path, 'agentmesh.db')} writable`);
  });

  it('is unhealthy when the store is read-only, saying which file and why', async () => {
    await writeConfig();
    const path = join(dir.path, 'agentmesh.db');
    await SqliteRunStore.open({ path }).close();
    await chmod(path, 0o444);
    await chmod(dir.path, 0o555);
    const { code, stdout } = await runUnprivileged(['doctor'], dir.path);
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`^✗ store: Cannot (write to|open) run store at ${path}: `, 'm'));
    expect(stdout).toContain('status: unhealthy');
  });

  it('is unhealthy when the store cannot be created in a read-only directory', async () => {
    await writeConfig();
    await chmod(dir.path, 0o555);
    const { code, stdout } = await runUnprivileged(['doctor'], dir.path);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `✗ store: cannot create the run store at ${join(dir.path, 'agentmesh.db')}: ${dir.path} is not writable (EACCES)`,
    );
  });
});

/** Runs the CLI as an unprivileged user when the tests run as root (root writes read-only files anyway). */
function runUnprivileged(args: string[], cwd: string): Promise<CliResult> {
  const asRoot = process.getuid?.() === 0;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: cleanEnv({ HOME: cwd }),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot && { uid: UNPRIVILEGED, gid: UNPRIVILEGED }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

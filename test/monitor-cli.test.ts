import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import type { AlertRecord } from '../src/store/alert-store.js';
import type { AlertNotice } from '../src/telemetry/monitor/alert-handler.js';
import { BIN, cleanEnv, runCli, tempDir } from './support/cli.js';

// `agentmesh monitor` as a real subprocess of the built CLI. Memory use is always above 1% and CPU use
// never above 100%, so thresholds of 1 and 100 make a deterministic alert and a deterministic calm.

let dir: { path: string; remove(): Promise<void> };
let sim: RunningSimulator;
let hook: { url: string; received: AlertNotice[]; server: Server };

beforeEach(async () => {
  dir = await tempDir();
  sim = await startSimulator();
  const received: AlertNotice[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push(JSON.parse(body) as AlertNotice);
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook = { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/alerts`, received, server };
});
afterEach(async () => {
  await sim.close();
  hook.server.closeAllConnections();
  await new Promise<void>((resolve) => hook.server.close(() => resolve()));
  await dir.remove();
});

async function writeConfig(memoryPercent: number): Promise<void> {
  const yaml = [
    'providers:',
    `  local: { baseUrl: "${sim.url}", requiresApiKey: false }`,
    'models:',
    '  "local:sim-model": { input: 0, output: 0 }',
    'defaults: { model: "local:sim-model" }',
    'store: { path: agentmesh.db }',
    'telemetry:',
    '  monitor:',
    `    memoryPercent: ${memoryPercent}`,
    '    cpuPercent: 100',
    '    diskFreePercent: 0',
    `    webhooks: ["${hook.url}"]`,
  ].join('\n');
  await writeFile(join(dir.path, 'agentmesh.yaml'), yaml);
}

const cli = (args: string[]) => runCli(args, { cwd: dir.path });

describe('agentmesh monitor', () => {
  it('--once raises an alert, posts it to the webhook and logs it; a later calm cycle resolves it', async () => {
    await writeConfig(1);
    const first = await cli(['monitor', '--once']);
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^\S+ {2}cpu \d+% · memory \d+% · disk \d+% free · errors 0\/0 · cost \$0\.00\/h · providers 1\/1 up · alerts \+1 =0 -0$/,
    );
    expect(lines[1]).toMatch(/^raised {4}alert_\S+ {2}(warning|critical) +open +memory +×1 /);
    expect(hook.received).toEqual([
      { event: 'raised', alert: expect.objectContaining({ key: 'memory', status: 'open' }) },
    ]);

    const listed = await cli(['alerts', 'list', '--json']);
    const { alerts } = JSON.parse(listed.stdout) as { alerts: AlertRecord[] };
    expect(alerts.map((a) => [a.key, a.status])).toEqual([['memory', 'open']]);
    const logs = join(dir.path, '.agentmesh', 'logs');
    const logged = `${await readFile(join(logs, 'system.log'), 'utf8').catch(() => '')}${await readFile(join(logs, 'error.log'), 'utf8').catch(() => '')}`;
    expect(logged).toContain('"event":"alert.raised"');

    const again = await cli(['monitor', '--once']);
    expect(again.stdout).toContain('alerts +0 =1 -0');

    await writeConfig(100);
    const calm = await cli(['monitor', '--once']);
    expect(calm.code).toBe(0);
    expect(calm.stdout).toMatch(/^resolved {2}alert_\S+ .* memory /m);
    expect(hook.received.map((notice) => notice.event)).toEqual(['raised', 'resolved']);
  });

  it('runs cycles until SIGTERM and exits 0', async () => {
    await writeConfig(100);
    const child = spawn(process.execPath, [BIN, 'monitor', '--interval', '0.5'], {
      cwd: dir.path,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const lines = createInterface({ input: child.stdout });
    const firstLine = await new Promise<string>((resolve) => lines.once('line', resolve));
    expect(firstLine).toContain('providers 1/1 up');
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(stderr).toContain('monitoring every 0.5 s; Ctrl-C stops');
  });

  it('refuses an interval that is not a positive number', async () => {
    await writeConfig(100);
    const { code, stderr } = await cli(['monitor', '--interval', '0']);
    expect(code).toBe(2);
    expect(stderr).toContain('--interval must be a number > 0.');
  });
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/cli.js';
import { type ServingCli, startServingCli } from './support/serving-cli.js';

/** `agentmesh serve` as a real subprocess: where it listens with and without API keys. */
describe('agentmesh serve and API keys', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let db: string;
  const serving: ServingCli[] = [];

  async function serve(args: string[]): Promise<ServingCli> {
    const cli = await startServingCli(['serve', '--port', '0', '--db', db, ...args], { cwd: dir.path });
    serving.push(cli);
    return cli;
  }

  beforeAll(async () => {
    dir = await tempDir();
    db = join(dir.path, 'serve.db');
  });

  afterAll(async () => {
    await Promise.all(serving.map((cli) => cli.stop('SIGKILL')));
    await dir?.remove();
  });

  it('without any key, listens on 127.0.0.1 only whatever --host says, and says so', async () => {
    const server = await serve(['--host', '0.0.0.0']);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.stderr()).toContain(
      'no API key exists, so the server listens on 127.0.0.1 only (not 0.0.0.0); create one with agentmesh keys create --role admin --name NAME',
    );
    expect((await fetch(`${server.url}/api/whoami`)).status).toBe(200);
    await server.stop('SIGTERM');
  });

  it('with a key, listens where told, and every API request needs the key', async () => {
    const created = await runCli(['keys', 'create', '--role', 'admin', '--name', 'ops', '--db', db], {
      cwd: dir.path,
    });
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^am_/);

    const server = await serve(['--host', '0.0.0.0']);
    expect(server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    expect(server.stderr()).toContain('API keys required');
    expect(server.stderr()).toContain('warning: --host 0.0.0.0 is not loopback');
    const local = server.url.replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(`${local}/api/runs`)).status).toBe(401);
    const withKey = await fetch(`${local}/api/runs`, { headers: { authorization: `Bearer ${secret}` } });
    expect(withKey.status).toBe(200);
    // Health stays open for load balancers (200 healthy/degraded, 503 unhealthy), never 401.
    expect([200, 503]).toContain((await fetch(`${local}/health`)).status);
  });
});

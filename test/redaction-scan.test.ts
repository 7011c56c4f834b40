import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { traceIdOf } from '../src/telemetry/tracing/run-tracer.js';
import { type CliResult, cleanEnv, runCli, tempDir } from './support/cli.js';

// Recognisable fake credentials, new each run so a hit cannot come from an earlier one.
const RANDOM = randomBytes(12).toString('hex');
const KEY = `sk-or-v1-FAKEKEY-${RANDOM}`;
const TOKEN = `FAKETOKEN-${randomBytes(12).toString('hex')}`;
/** Each credential and its random part alone, so a half-redacted leak counts too. */
const NEEDLES = [KEY, TOKEN, RANDOM, TOKEN.slice('FAKETOKEN-'.length)];

/**
 * A provider that rejects every call with 401 and echoes the bearer token it was sent in the error
 * message, as some real providers do ("Incorrect API key provided: …"): the worst case for redaction.
 */
async function echoingProvider(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const auth = req.headers.authorization ?? '';
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `Incorrect API key provided: ${auth.replace(/^Bearer /, '')}`, code: 401 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The needles found in a file's raw bytes. */
function hitsIn(path: string): string[] {
  const bytes = readFileSync(path);
  return NEEDLES.filter((needle) => bytes.includes(Buffer.from(needle)));
}

/** `table.column` for every text value in the database that contains a needle. */
function databaseHits(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const hits: string[] = [];
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all() as string[];
    for (const table of tables) {
      const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
      for (const column of columns) {
        for (const needle of NEEDLES) {
          const count = db
            .prepare(`SELECT count(*) FROM "${table}" WHERE instr(CAST("${column}" AS TEXT), ?) > 0`)
            .pluck()
            .get(needle) as number;
          if (count > 0) hits.push(`${table}.${column}`);
        }
      }
    }
    return hits;
  } finally {
    db.close();
  }
}

const logLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('no credential reaches logs, artifacts or the database', () => {
  let sim: RunningSimulator;
  let echo: Awaited<ReturnType<typeof echoingProvider>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let results: CliResult[];

  beforeAll(async () => {
    // The first two calls fail with HTTP 500 and are retried: failed attempts are logged and stored.
    sim = await startSimulator({ failFirst: 2 });
    echo = await echoingProvider();
    dir = await tempDir();
    await writeFile(
      join(dir.path, 'agentmesh.yaml'),
      [
        'providers:',
        '  simkey:',
        `    baseUrl: ${sim.url}`,
        `    apiKey: ${KEY}`,
        '  echo:',
        `    baseUrl: ${echo.url}`,
        // From the environment: a *_TOKEN variable used as a provider key.
        // biome-ignore lint/suspicious/noTemplateCurlyInString: YAML interpolation, not a template
        '    apiKey: ${AGENTMESH_TEST_TOKEN}',
        'models:',
        '  "simkey:sim-model": { input: 0.1, output: 0.2 }',
        '  "echo:sim-model": { input: 0.1, output: 0.2 }',
        'defaults:',
        '  model: simkey:sim-model',
        'agents:',
        '  critic: { model: echo:sim-model }',
        'teams:',
        '  good: { pattern: pipeline, agents: [planner, coder] }',
        'cache:',
        '  enabled: false',
        'limits:',
        '  retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20 }',
        '',
      ].join('\n'),
    );
    const env = cleanEnv({ OPENROUTER_API_KEY: KEY, AGENTMESH_TEST_TOKEN: TOKEN });
    results = [
      await runCli(['run', 'Write a function that reverses a string', '--team', 'good', '--json'], {
        cwd: dir.path,
        env,
      }),
      // The default pipeline reaches the critic, whose provider refuses the key: the run fails.
      await runCli(['run', 'Write a function that reverses a string', '--json'], { cwd: dir.path, env }),
    ];
  });
  afterAll(async () => {
    await sim?.close();
    await echo?.close();
    await dir?.remove();
  });

  it('ran one team to success through retried failures and one to a failure on a rejected key', () => {
    const [good, failing] = results as [CliResult, CliResult];
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ status: 'succeeded' });
    expect(failing.code, failing.stderr).toBe(1);
    expect(JSON.parse(failing.stdout)).toMatchObject({ status: 'failed', stopReason: 'agent_error:critic' });
    expect(failing.stderr).toContain('Incorrect API key provided');
  });

  it('finds the key where it was put (the scan works)', () => {
    expect(hitsIn(join(dir.path, 'agentmesh.yaml'))).toEqual([KEY, RANDOM]);
  });

  it('finds neither credential in any file under .agentmesh/ (logs, artifacts, the database and its WAL)', () => {
    const files = filesUnder(join(dir.path, '.agentmesh'));
    expect(files.some((file) => file.endsWith('.log'))).toBe(true);
    expect(files.some((file) => file.endsWith('agentmesh.db'))).toBe(true);
    expect(files.filter((file) => file.includes('runs')).length).toBeGreaterThan(0);
    const hits = files.flatMap((file) => hitsIn(file).map((needle) => `${file}: ${needle}`));
    expect(hits).toEqual([]);
  });

  it('finds neither credential in any text column of the database', () => {
    expect(databaseHits(join(dir.path, '.agentmesh', 'agentmesh.db'))).toEqual([]);
  });

  it('prints neither credential on stdout or stderr', () => {
    for (const result of results) {
      for (const needle of NEEDLES) {
        expect(result.stdout).not.toContain(needle);
        expect(result.stderr).not.toContain(needle);
      }
    }
  });

  it('wrote logs that carry run ids and trace ids, failures included', () => {
    const logs = join(dir.path, '.agentmesh', 'logs');
    const runIds = results.map((result) => (JSON.parse(result.stdout) as { runId: string }).runId);
    const llm = logLines(join(logs, 'llm.log'));
    const errors = logLines(join(logs, 'error.log'));
    expect(new Set(llm.map((line) => line.runId))).toEqual(new Set(runIds));
    for (const line of [...llm, ...errors].filter((l) => l.runId !== undefined)) {
      expect(line.traceId).toBe(traceIdOf(String(line.runId)));
    }
    expect(llm.filter((line) => line.event === 'llm.failed' && line.status === 500).length).toBe(2);
    const rejected = errors.filter((line) => line.event === 'llm.failed' && line.status === 401);
    expect(rejected.length).toBeGreaterThan(0);
    // The provider's echo is in the line, its key is not.
    expect(JSON.stringify(rejected[0])).toContain('Incorrect API key provided');
    expect(errors.some((line) => line.event === 'run.finished' && line.runId === runIds[1])).toBe(true);
  });
});

describe('a key typed into a task', () => {
  let sim: RunningSimulator;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    sim = await startSimulator({ failFirst: 1 });
    dir = await tempDir();
  });
  afterAll(async () => {
    await sim?.close();
    await dir?.remove();
  });

  it('is kept in the run log (it is the task) but written to no log file', async () => {
    const env = cleanEnv({ OPENROUTER_API_KEY: KEY });
    const task = `Explain why ${KEY} must not be committed`;
    const result = await runCli(
      ['run', task, '--team', 'chat', '--json', '--base-url', sim.url, '--model', 'sim-model', '--no-cache'],
      { cwd: dir.path, env },
    );
    expect(result.code, result.stderr).toBe(0);
    const runId = (JSON.parse(result.stdout) as { runId: string }).runId;
    const logs = join(dir.path, '.agentmesh', 'logs');
    expect(filesUnder(logs).flatMap(hitsIn)).toEqual([]);
    const started = logLines(join(logs, 'system.log')).find((line) => line.event === 'run.started');
    expect(started).toMatchObject({
      runId,
      traceId: traceIdOf(runId),
      task: 'Explain why *** must not be committed',
    });
    // The scan would have seen it: the database keeps the task as typed.
    const stored = filesUnder(join(dir.path, '.agentmesh')).filter((file) => file.includes('agentmesh.db'));
    expect(stored.flatMap(hitsIn)).toContain(KEY);
  });
});

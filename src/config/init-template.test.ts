// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} placeholders.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli/cli-io.js';
import { initCommand } from '../cli/commands/init.js';
import { isAgentMeshError } from '../errors/index.js';
import { DEFAULT_MODEL_REF } from './defaults/providers.js';
import { loadConfigFile } from './load-config.js';
import { resolveConfig } from './resolve-config.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'agentmesh-init-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

function testIo(): CliIo & { out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return {
    stdout,
    stderr: new PassThrough(),
    env: {},
    cwd,
    signal: new AbortController().signal,
    out: () => text,
  };
}

describe('agentmesh init', () => {
  it('writes a template that loads and resolves without errors, even with no keys set', async () => {
    const io = testIo();
    expect(await initCommand({}, io)).toBe(0);
    const path = join(cwd, 'agentmesh.yaml');
    expect(io.out()).toBe(`${path}\n`);

    const file = await loadConfigFile({ cwd, env: {} });
    const config = resolveConfig({ file, env: {}, cwd });
    expect(config.source).toBe(path);
    expect(config.defaultModel).toBe(DEFAULT_MODEL_REF);
    expect(config.teams.review?.agents).toEqual(['coder', 'security-reviewer']);
    expect(config.limits.maxCostUsd).toBe(1);
    expect(config.models['ollama:llama3.1:8b']?.pricing).toEqual({
      inputPer1M: 0,
      cachedInputPer1M: 0,
      outputPer1M: 0,
    });
  });

  it('documents every section and ${VAR} interpolation', async () => {
    await initCommand({}, testIo());
    const text = await readFile(join(cwd, 'agentmesh.yaml'), 'utf8');
    for (const section of [
      'defaults:',
      'providers:',
      'models:',
      'agents:',
      'teams:',
      'limits:',
      'store:',
      'stream:',
    ]) {
      expect(text).toContain(`\n${section}`);
    }
    for (const later of ['cache:', 'guard:', 'telemetry:', 'redis:']) expect(text).toContain(`# ${later}`);
    expect(text).toContain('apiKey: ${OPENROUTER_API_KEY}');
    expect(text).toContain('${NAME:-fallback}');
  });

  it('still resolves with the commented apiKey interpolation switched on', async () => {
    await initCommand({}, testIo());
    const path = join(cwd, 'agentmesh.yaml');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('# apiKey: ${OPENROUTER_API_KEY}', 'apiKey: ${OPENROUTER_API_KEY}'));
    const env = { OPENROUTER_API_KEY: 'sk-or-test' };
    const config = resolveConfig({ file: await loadConfigFile({ cwd, env }), env: {}, cwd });
    expect(config.providers.openrouter?.apiKey).toBe('sk-or-test');
  });

  it('refuses to overwrite an existing file without --force, and overwrites with it', async () => {
    const path = join(cwd, 'agentmesh.yaml');
    await writeFile(path, 'stream: true\n');
    const error = await initCommand({}, testIo()).catch((e: unknown) => e);
    expect(isAgentMeshError(error) && error.code).toBe('usage');
    expect((error as Error).message).toContain('pass --force');
    expect(await readFile(path, 'utf8')).toBe('stream: true\n');

    expect(await initCommand({ force: true }, testIo())).toBe(0);
    expect(await readFile(path, 'utf8')).toContain('defaults:');
  });

  it('writes to --path relative to cwd', async () => {
    const io = testIo();
    await initCommand({ path: 'team.yaml' }, io);
    expect(io.out()).toBe(`${join(cwd, 'team.yaml')}\n`);
    expect(await loadConfigFile({ path: 'team.yaml', cwd, env: {} })).not.toBeNull();
  });
});

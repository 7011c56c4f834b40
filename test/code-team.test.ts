import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/code/sandbox/sandbox.js';
import { resolveConfig } from '../src/config/index.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import { foldRun } from '../src/core/index.js';
import { LlmGateway } from '../src/llm/gateway.js';
import { OpenAiCompatibleProvider } from '../src/llm/providers/openai-compatible-provider.js';
import { createSandbox } from '../src/runtime/create-sandbox.js';
import { runResult } from '../src/runtime/run-result.js';
import { runTask } from '../src/runtime/run-task.js';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import { MemoryRunStore, ScriptedProvider } from '../src/testing/index.js';
import { runCli, tempDir } from './support/cli.js';

const dirs: string[] = [];
let sim: RunningSimulator;
let sandbox: Sandbox;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 7 });
  sandbox = await createSandbox({ mode: 'auto' });
});
afterAll(async () => {
  await sim.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function configFor(baseUrl: string, tweak: (config: ResolvedConfig) => void = () => {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'agentmesh-code-'));
  dirs.push(cwd);
  const config = resolveConfig({ file: null, env: {}, cwd, overrides: { baseUrl, model: 'sim-model' } });
  config.cache.enabled = false;
  tweak(config);
  return config;
}

function gatewayFor(
  config: ResolvedConfig,
  provider = new OpenAiCompatibleProvider({ config: config.providers.custom! }),
) {
  return new LlmGateway({
    providers: { custom: provider },
    retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
  });
}

async function runCode(config: ResolvedConfig, task: string, gateway = gatewayFor(config)) {
  const store = new MemoryRunStore();
  const result = await runTask({
    config,
    task,
    team: 'code',
    store,
    gateway,
    sandbox,
    signal: new AbortController().signal,
  });
  return { ...result, store };
}

describe('the code team against the simulator, tests run in the sandbox', () => {
  it("fixes the coder's failing bundle with the debugger: tests pass after exactly two runner steps", async () => {
    const config = await configFor(sim.url);
    const { state, artifactsDir, store } = await runCode(
      config,
      'Write a function that removes duplicate tags',
    );

    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'tests_passed' });
    expect(state.steps.map((step) => step.agentId)).toEqual([
      'architect',
      'coder',
      'tester',
      'runner',
      'debugger',
      'runner',
      'documenter',
      'critic',
    ]);
    const [first, second] = state.testRuns;
    expect(state.testRuns).toHaveLength(2);
    expect(first).toMatchObject({ iteration: 1, passed: false, isolation: sandbox.isolation });
    expect(first!.counts.failed + first!.counts.errors).toBeGreaterThan(0);
    expect(first!.report).toContain('test_strips_and_drops_blank_items');
    expect(second).toMatchObject({ iteration: 2, passed: true, counts: { passed: 4, failed: 0, errors: 0 } });

    // The debugger read the failing output (it names the failing test); the transcript holds no test output.
    const debuggerMessage = state.transcript.find((m) => m.agentId === 'debugger');
    expect(debuggerMessage?.content).toContain('`test_strips_and_drops_blank_items` failing');
    expect(state.transcript.some((m) => m.agentId === 'runner')).toBe(false);
    expect(state.transcript.map((m) => m.content).join('\n')).not.toContain('test report (runner output');
    expect(foldRun(await store.events(state.runId))).toEqual(state);
    expect(state.output).toMatch(/^APPROVED\b/); // the reviewer's final word is the run's output

    expect(runResult(state, artifactsDir)).toMatchObject({ testsPassed: true, testRuns: 2 });
    const bundle = join(artifactsDir!, 'bundle');
    const transcript = await readFile(join(artifactsDir!, 'transcript.md'), 'utf8');
    expect(transcript).toMatch(
      /## coder[\s\S]*## runner · iteration 1: failed[\s\S]*## debugger[\s\S]*## runner · iteration 2: passed/,
    );
    const module = await readFile(join(bundle, 'removes_duplicate_tags.py'), 'utf8');
    expect(module).toContain('.strip()');
    expect(await readFile(join(bundle, 'test_removes_duplicate_tags.py'), 'utf8')).toContain('unittest');
    expect(await readFile(join(bundle, 'README.md'), 'utf8')).toMatch(/^## /);
    expect(existsSync(join(bundle, 'requirements.txt'))).toBe(false); // standard library only
    const report = JSON.parse(await readFile(join(artifactsDir!, 'test-report.json'), 'utf8'));
    expect(report).toMatchObject({ testsPassed: true, stopReason: 'tests_passed' });
    expect(report.runs).toHaveLength(2);
    const result = JSON.parse(await readFile(join(artifactsDir!, 'result.json'), 'utf8'));
    expect(result.codeFiles).toContain('test-report.json');
  });

  it('stops after maxIterations runner steps with testsPassed false when the fix never works', async () => {
    const config = await configFor(sim.url, (c) => {
      c.teams.code!.maxIterations = 2;
    });
    const { state, artifactsDir } = await runCode(
      config,
      'Write an unfixable function that removes duplicate tags',
    );

    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'tests_failed' });
    expect(state.testRuns.map((run) => run.passed)).toEqual([false, false]);
    expect(state.steps.map((step) => step.agentId)).toEqual([
      'architect',
      'coder',
      'tester',
      'runner',
      'debugger',
      'runner',
      'documenter',
      'critic',
    ]);
    expect(runResult(state, artifactsDir)).toMatchObject({ testsPassed: false, testRuns: 2 });
    const report = JSON.parse(await readFile(join(artifactsDir!, 'test-report.json'), 'utf8'));
    expect(report.testsPassed).toBe(false);
  });
});

/** Scripted answers by role; `coder` and `tester` may be lists consumed in order. */
function scripted(answers: Record<string, string | string[]>) {
  const used: Record<string, number> = {};
  return new ScriptedProvider({
    id: 'custom',
    reply: (request) => {
      const role = /You are the (\w+)/.exec(request.messages[0]?.content ?? '')?.[1]?.toLowerCase() ?? '?';
      const answer = answers[role] ?? `${role} ok`;
      if (typeof answer === 'string') return answer;
      const index = used[role] ?? 0;
      used[role] = index + 1;
      return answer[Math.min(index, answer.length - 1)]!;
    },
  });
}

const MODULE = '```python\n# file: adder.py\ndef add(a, b):\n    return a + b\n```\n';
const TESTS =
  '```python\n# file: test_adder.py\nimport unittest\nfrom adder import add\n\n\nclass AddTest(unittest.TestCase):\n' +
  '    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n```\n';

describe('the code team with bad answers', () => {
  it('asks a coder who wrote no code again, and refuses a path that escapes the bundle', async () => {
    const config = await configFor('http://scripted.invalid/v1');
    const provider = scripted({
      coder: [
        'I would write an add function.',
        `${MODULE}\n\`\`\`python\n# file: ../../escape.py\nx = 1\n\`\`\`\n`,
      ],
      tester: TESTS,
      documenter: 'Here is the README:\n\n```markdown\n# file: README.md\n# Adder\n\nAdds numbers.\n```\n',
    });
    const { state, artifactsDir } = await runCode(
      config,
      'Write an add function',
      gatewayFor(config, provider as never),
    );

    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'tests_passed' });
    const coderCalls = provider.requests.filter((r) => r.messages[0]?.content.includes('You are the Coder'));
    expect(coderCalls).toHaveLength(2);
    expect(coderCalls[1]?.messages.at(-1)?.content).toContain('contained no code file');
    expect(state.transcript.filter((m) => m.agentId === 'coder')).toHaveLength(1);
    expect(state.testRuns[0]?.report).toMatch(/Refused paths[\s\S]*\.\.\/\.\.\/escape\.py/);
    expect(await readFile(join(artifactsDir!, 'bundle', 'README.md'), 'utf8')).toBe(
      '# Adder\n\nAdds numbers.\n',
    );
    for (const where of ['bundle', '.', '..'])
      expect(existsSync(join(artifactsDir!, where, 'escape.py'))).toBe(false);
  });

  it('fails the coder step with a clear error after two re-asks without code', async () => {
    const config = await configFor('http://scripted.invalid/v1');
    const provider = scripted({ coder: 'Just use a library.' });
    const { state } = await runCode(config, 'Write an add function', gatewayFor(config, provider as never));

    expect(state).toMatchObject({ status: 'failed', stopReason: 'agent_error:coder' });
    expect(state.error?.message).toContain('answered 3 times without a code file');
    expect(state.calls).toBe(4); // architect + three coder attempts, all recorded
    expect(state.testRuns).toHaveLength(0);
  });

  it('sends syntax problems to the debugger as structured feedback, without running the tests', async () => {
    const config = await configFor('http://scripted.invalid/v1');
    const broken = '```python\n# file: adder.py\ndef add(a, b)\n    return a + b\n```\n';
    const provider = scripted({ coder: broken, tester: TESTS, debugger: `Missing colon.\n\n${MODULE}` });
    const { state } = await runCode(config, 'Write an add function', gatewayFor(config, provider as never));

    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'tests_passed' });
    expect(state.testRuns[0]).toMatchObject({ passed: false, counts: { passed: 0, failed: 0 } });
    expect(state.testRuns[0]?.report).toMatch(/tests were not run: 1 syntax problem[\s\S]*adder\.py:1/);
    const debuggerPrompt = provider.requests.find((r) =>
      r.messages[0]?.content.includes('You are the Debugger'),
    );
    expect(debuggerPrompt?.messages.at(-1)?.content).toMatch(
      /^\[runner\]\n[\s\S]*test report \(runner output, data only\)[\s\S]*adder\.py:1/,
    );
    expect(state.testRuns[1]?.passed).toBe(true);
  });

  it('reports code in a language with no runner as not run, and does not ask the debugger', async () => {
    const config = await configFor('http://scripted.invalid/v1');
    const go = '```go\n// file: main.go\npackage main\n\nfunc main() {}\n```\n';
    const provider = scripted({ coder: go, tester: go.replace('main.go', 'main_test.go') });
    const { state, artifactsDir } = await runCode(
      config,
      'Write a Go program',
      gatewayFor(config, provider as never),
    );

    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'tests_not_run' });
    expect(state.testRuns).toHaveLength(1);
    expect(state.testRuns[0]?.notRun).toMatch(/no runner for language go/);
    expect(state.steps.map((step) => step.agentId)).not.toContain('debugger');
    expect(runResult(state, artifactsDir)).toMatchObject({ testsPassed: false });
  });

  it('kills tests that never finish at the timeout and reports a failure', async () => {
    const config = await configFor('http://scripted.invalid/v1', (c) => {
      c.sandbox.timeoutMs = 1_500;
      c.teams.code!.maxIterations = 1;
    });
    const hanging =
      '```python\n# file: test_adder.py\nimport unittest\n\n\nclass AddTest(unittest.TestCase):\n' +
      '    def test_forever(self):\n        while True:\n            pass\n```\n';
    const provider = scripted({ coder: MODULE, tester: hanging });
    const { state } = await runCode(config, 'Write an add function', gatewayFor(config, provider as never));

    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'tests_failed' });
    expect(state.testRuns).toHaveLength(1);
    expect(state.testRuns[0]?.passed).toBe(false);
    expect(state.testRuns[0]?.report).toContain('timed out after 1500 ms');
  });
});

describe('agentmesh run --team code (CLI subprocess)', () => {
  it('shows each test iteration on stderr, and runs show lists the artifacts', async () => {
    const dir = await tempDir();
    dirs.push(dir.path);
    const task = 'Write a function that removes duplicate tags';
    const run = await runCli(
      ['run', '--team', 'code', task, '--base-url', sim.url, '--model', 'sim-model', '--json'],
      {
        cwd: dir.path,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /runner · iteration 1 · 3 passed, 1 failed \((bubblewrap|subprocess: weaker isolation), /,
    );
    expect(run.stderr).toMatch(/runner · iteration 2 · 4 passed, 0 failed/);
    expect(run.stderr).toContain('(tests_passed) · tests passed after 2 run(s)');
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      status: 'succeeded',
      stopReason: 'tests_passed',
      testsPassed: true,
      testRuns: 2,
    });

    const show = await runCli(['runs', 'show', result.runId], { cwd: dir.path });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/## Test runs\n\n- iteration 1 \(\S+-runner\) failed: 3 passed, 1 failed/);
    const artifacts = show.stdout.slice(show.stdout.indexOf('## Artifacts'));
    for (const file of [
      'bundle/README.md',
      'bundle/removes_duplicate_tags.py',
      'bundle/test_removes_duplicate_tags.py',
      'test-report.json',
      'result.json',
    ]) {
      expect(artifacts).toContain(`- ${file}\n`);
    }
  });
});

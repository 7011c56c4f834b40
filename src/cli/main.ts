import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isAgentMeshError, toAgentMeshError } from '../errors/index.js';
import { type CliIo, writeLine } from './cli-io.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import type { RunnerFlags } from './runner-flags.js';

const positiveNumber = (flag: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0)
    throw new InvalidArgumentError(`${flag} must be a number >= 0.`);
  return number;
};
const integer = (flag: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError(`${flag} must be a whole number >= 0.`);
  return number;
};

function addRunnerOptions(command: Command): Command {
  return command
    .option('--team <name>', 'team to run (see agentmesh.yaml; built in: pipeline, chat, code)')
    .option('--config <file>', 'config file (default: ./agentmesh.yaml when present)')
    .option(
      '--model <ref>',
      'model ref provider:model-id for every agent; with --base-url, passed to the server as is',
    )
    .option('--base-url <url>', 'any OpenAI-compatible endpoint, e.g. http://localhost:11434/v1')
    .option('--api-key <key>', 'API key for --base-url (prefer AGENTMESH_API_KEY)')
    .option('--db <file>', 'run store (default: ./.agentmesh/agentmesh.db)')
    .option(
      '--max-cost <usd>',
      'refuse any call that could take the run past this many USD',
      positiveNumber('--max-cost'),
    )
    .option('--no-cache', 'neither read nor write the response cache')
    .option('--record <file>', 'write a cassette of every provider exchange to FILE')
    .option('--replay <file>', 'answer every LLM call from the cassette FILE, with no network')
    .option('--json', 'print one JSON result object on stdout');
}

/** Builds the command tree. Command modules are imported only when their command runs, so --help is instant. */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('agentmesh')
    .description('Teams of specialised LLM agents, with a production LLM gateway and a durable run log.')
    .version('0.1.0')
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  addRunnerOptions(
    program.command('run').description('run a team on a task').argument('<task>', 'what the team should do'),
  ).action(async (task: string, flags: RunnerFlags) => {
    const { runCommand } = await import('./commands/run.js');
    setExitCode(await runCommand(task, flags, io));
  });

  addRunnerOptions(
    program
      .command('demo')
      .description('run the built-in example (simulated model offline, live with OPENROUTER_API_KEY)'),
  )
    .option('--offline', 'use the simulator even when a provider key is set')
    .action(async (flags: RunnerFlags & { offline?: boolean }) => {
      const { demoCommand } = await import('./commands/demo.js');
      setExitCode(await demoCommand(flags, io));
    });

  program
    .command('sim')
    .description('start the OpenAI-compatible LLM simulator')
    .option('--port <n>', 'port (0 = any free port)', integer('--port'), 0)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--latency-ms <n>', 'time to stream a whole answer', integer('--latency-ms'), 0)
    .option('--ttft-ms <n>', 'time to first token', integer('--ttft-ms'), 0)
    .option('--fail-rate <f>', 'share of requests that fail, 0..1', positiveNumber('--fail-rate'), 0)
    .option('--fail-status <n>', 'HTTP status of injected errors', integer('--fail-status'), 500)
    .option(
      '--faults <list>',
      'fault kinds to draw from: error,rate_limit,hang,malformed_json,stream_cut,midstream_error,empty',
      'error',
    )
    .option('--fail-first <n>', 'the first N requests fail', integer('--fail-first'), 0)
    .option('--retry-after <s>', 'Retry-After seconds on 429', integer('--retry-after'), 1)
    .option('--seed <n>', 'seed for answers and faults', integer('--seed'), 42)
    .addOption(
      new Option('--style <style>', 'wire flavour')
        .choices(['openrouter', 'deepseek', 'openai'])
        .default('openrouter'),
    )
    .action(async (flags) => {
      const { simCommand } = await import('./commands/sim.js');
      setExitCode(await simCommand(flags, io));
    });

  addRunnerOptions(
    program
      .command('resume')
      .description('continue a run that crashed, failed or was cancelled, from its log')
      .argument('<runId>'),
  ).action(async (runId: string, flags: RunnerFlags) => {
    const { resumeCommand } = await import('./commands/resume.js');
    setExitCode(await resumeCommand(runId, flags, io));
  });

  addRunnerOptions(
    program
      .command('approve')
      .description("decide a run's pending approval and continue the run")
      .argument('<runId>'),
  )
    .option('--reject', 'reject the output; the agent redoes it with your comment as feedback')
    .option('--comment <text>', 'why (sent to the agent on --reject)')
    .option('--approval <id>', 'which approval, when the run waits for several')
    .action(async (runId: string, flags) => {
      const { approveCommand } = await import('./commands/approve.js');
      setExitCode(await approveCommand(runId, flags, io));
    });

  addRunnerOptions(
    program
      .command('chat')
      .description('interactive session: type a task, watch the agents, /approve /reject /debug /quit'),
  ).action(async (flags: RunnerFlags) => {
    const { chatCommand } = await import('./commands/chat.js');
    setExitCode(await chatCommand(flags, io));
  });

  const teams = program.command('teams').description('inspect the configured teams');
  teams
    .command('list')
    .description('list teams with their pattern and agents')
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action(async (flags) => {
      const { teamsListCommand } = await import('./commands/teams.js');
      setExitCode(await teamsListCommand(flags, io));
    });
  teams
    .command('show')
    .description('show one team; --mermaid prints its graph as Mermaid')
    .argument('<name>')
    .option('--config <file>', 'config file')
    .option('--mermaid', 'print the team as a Mermaid flowchart')
    .option('--json', 'print JSON')
    .action(async (name: string, flags) => {
      const { teamsShowCommand } = await import('./commands/teams.js');
      setExitCode(await teamsShowCommand(name, flags, io));
    });

  const tools = program.command('tools').description("inspect the agents' tools");
  tools
    .command('list')
    .description(
      'every tool each agent can see: source, side effects, approval (starts MCP servers to list theirs)',
    )
    .option('--agent <id>', 'only this agent')
    .option('--team <name>', "only this team's agents")
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action(async (flags) => {
      const { toolsListCommand } = await import('./commands/tools.js');
      setExitCode(await toolsListCommand(flags, io));
    });

  const runs = program.command('runs').description('inspect stored runs');
  runs
    .command('list')
    .description('list recent runs')
    .option('--db <file>', 'run store')
    .option('--config <file>', 'config file')
    .option('--limit <n>', 'how many', integer('--limit'), 20)
    .option('--json', 'print JSON')
    .action(async (flags) => {
      const { runsListCommand } = await import('./commands/runs.js');
      setExitCode(await runsListCommand(flags, io));
    });
  runs
    .command('show')
    .description('show one run: status, transcript, usage, every LLM call and every tool call')
    .argument('<runId>')
    .option('--db <file>', 'run store')
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action(async (runId: string, flags) => {
      const { runsShowCommand } = await import('./commands/runs.js');
      setExitCode(await runsShowCommand(runId, flags, io));
    });

  addRunnerOptions(
    runs
      .command('fork')
      .description("start a new run that reuses another run's log up to step K and continues with changes")
      .argument('<runId>'),
  )
    .requiredOption(
      '--from-step <k>',
      'keep the steps that completed before the K-th step started (1-based)',
      integer('--from-step'),
    )
    .option('--set <path=value...>', 'change the config for the new run, e.g. agents.coder.temperature=0')
    .action(async (runId: string, flags) => {
      const { runsForkCommand } = await import('./commands/runs-fork.js');
      setExitCode(await runsForkCommand(runId, flags, io));
    });

  program
    .command('usage')
    .description('LLM calls, tokens, cost, errors, cache hits and latency, grouped, with a total')
    .option('--by <group>', 'agent, model, provider, day or run', 'agent')
    .option('--since <when>', 'from: 30m, 24h, 7d, 2w ago, a day (2026-11-01) or an ISO time')
    .option('--until <when>', 'to (exclusive), in the same forms as --since')
    .option('--db <file>', 'run store')
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action(async (flags) => {
      const { usageCommand } = await import('./commands/usage.js');
      setExitCode(await usageCommand(flags, io));
    });

  const report = program.command('report').description('write reports');
  report
    .command('daily')
    .description('one UTC day of LLM calls as Markdown: cost, tokens, models, agents, errors, cache, latency')
    .option('--date <day>', 'the UTC day, YYYY-MM-DD (default: today)')
    .option('--out [file]', 'write to a file (bare: .agentmesh/reports/daily-<date>.md) instead of stdout')
    .option('--db <file>', 'run store')
    .option('--config <file>', 'config file')
    .action(async (flags) => {
      const { dailyReportCommand } = await import('./commands/report.js');
      setExitCode(await dailyReportCommand(flags, io));
    });

  program
    .command('serve')
    .description(
      'serve the dashboard, the HTTP API and the OpenAI-compatible /v1 (without API keys: 127.0.0.1 only)',
    )
    .option('--port <n>', 'port (0 = any free port)', integer('--port'), 8787)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--config <file>', 'config file')
    .option('--db <file>', 'run store')
    .action(async (flags) => {
      const { serveCommand } = await import('./commands/serve.js');
      setExitCode(await serveCommand(flags, io));
    });

  const keys = program.command('keys').description("the server's API keys (stored hashed)");
  keys
    .command('create')
    .description('create a key and print its secret once')
    .requiredOption('--name <name>', 'who or what uses it, e.g. ci')
    .addOption(
      new Option('--role <role>', 'admin: everything; operator: run, approve, cancel; viewer: read only')
        .choices(['admin', 'operator', 'viewer'])
        .makeOptionMandatory(),
    )
    .option('--db <file>', 'run store')
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action(async (flags) => {
      const { keysCreateCommand } = await import('./commands/keys.js');
      setExitCode(await keysCreateCommand(flags, io));
    });
  keys
    .command('list')
    .description('keys newest first: name, role, prefix, created, last used, revoked')
    .option('--db <file>', 'run store')
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action(async (flags) => {
      const { keysListCommand } = await import('./commands/keys.js');
      setExitCode(await keysListCommand(flags, io));
    });
  keys
    .command('revoke')
    .description('revoke a key by id or name (requests with it get 401 at once)')
    .argument('<key>', 'key id or name')
    .option('--db <file>', 'run store')
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action(async (key: string, flags) => {
      const { keysRevokeCommand } = await import('./commands/keys.js');
      setExitCode(await keysRevokeCommand(key, flags, io));
    });

  program
    .command('metrics')
    .description('serve only /metrics (Prometheus text format) for the run store')
    .requiredOption('--port <n>', 'port (0 = any free port)', integer('--port'))
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--config <file>', 'config file')
    .option('--db <file>', 'run store')
    .action(async (flags) => {
      const { metricsCommand } = await import('./commands/metrics.js');
      setExitCode(await metricsCommand(flags, io));
    });

  const alerts = program.command('alerts').description("the monitoring agent's alerts");
  alerts
    .command('list')
    .description('alerts newest first: severity, status, condition, occurrences, last seen, message')
    .addOption(new Option('--status <status>', 'only these').choices(['open', 'acknowledged', 'resolved']))
    .option('--db <file>', 'run store')
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action(async (flags) => {
      const { alertsListCommand } = await import('./commands/alerts.js');
      setExitCode(await alertsListCommand(flags, io));
    });
  for (const [name, description] of [
    ['ack', 'acknowledge an open alert (it stays until its condition clears or it is resolved)'],
    ['resolve', 'resolve an alert by hand'],
  ] as const) {
    alerts
      .command(name)
      .description(description)
      .argument('<alertId>')
      .option('--by <name>', 'who (default: the current user)')
      .option('--db <file>', 'run store')
      .option('--config <file>', 'config file')
      .option('--json', 'print JSON')
      .action(async (alertId: string, flags) => {
        const { alertsAckCommand, alertsResolveCommand } = await import('./commands/alerts.js');
        const command = name === 'ack' ? alertsAckCommand : alertsResolveCommand;
        setExitCode(await command(alertId, flags, io));
      });
  }

  program
    .command('monitor')
    .description(
      'the monitoring agent: CPU, memory, disk, providers, breakers, error and cost rate; raises alerts',
    )
    .option('--once', 'run one check cycle and exit')
    .option(
      '--interval <s>',
      'seconds between cycles (default: telemetry.monitor.intervalSeconds)',
      (value) => {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds <= 0)
          throw new InvalidArgumentError('--interval must be a number > 0.');
        return seconds;
      },
    )
    .option('--db <file>', 'run store')
    .option('--config <file>', 'config file')
    .action(async (flags) => {
      const { monitorCommand } = await import('./commands/monitor.js');
      setExitCode(await monitorCommand(flags, io));
    });

  program
    .command('init')
    .description('write a commented example agentmesh.yaml')
    .option('--force', 'overwrite an existing file')
    .option('--path <file>', 'where to write it')
    .action(async (flags) => {
      const { initCommand } = await import('./commands/init.js');
      setExitCode(await initCommand(flags, io));
    });

  program
    .command('doctor')
    .description(
      'healthy, degraded or unhealthy: config, API keys, providers, model slugs, breakers, store, disk, approvals',
    )
    .option('--config <file>', 'config file')
    .option('--db <file>', 'run store')
    .option('--json', 'print the health report as JSON')
    .option('--model <ref>', 'model to check instead of the configured ones')
    .option('--base-url <url>', 'OpenAI-compatible endpoint to check')
    .option('--api-key <key>', 'API key for --base-url')
    .option('--team <name>', 'team whose models to check')
    .action(async (flags) => {
      const { doctorCommand } = await import('./commands/doctor.js');
      setExitCode(await doctorCommand(flags, io));
    });

  return program;
}

/** Runs the CLI and returns the exit code; every error becomes one line on stderr. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      return thrown.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const error = toAgentMeshError(thrown);
    writeLine(io.stderr, `agentmesh: ${error.message}`);
    for (const line of isAgentMeshError(thrown) ? extraLines(thrown) : []) writeLine(io.stderr, `  ${line}`);
    return exitCodeFor(error.code);
  }
}

/** Further lines an error offers (e.g. every config problem), beyond its one-line message. */
function extraLines(error: unknown): string[] {
  const format = (error as { formatIssues?: () => string[] }).formatIssues;
  if (typeof format !== 'function') return [];
  const lines = format.call(error);
  return lines.length > 1 ? lines : [];
}

function processIo(): CliIo {
  const controller = new AbortController();
  const abort = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
}

import type { Sandbox, SandboxLimits } from '../../code/sandbox/sandbox.js';
import type { BUILTIN_TOOL_NAMES } from '../../config/defaults/settings.js';
import type { ResolvedConfig } from '../../config/resolved-config.js';
import { AgentMeshError } from '../../errors/index.js';
import type { ToolDefinition } from '../tool.js';
import { httpGetTool } from './http-get-tool.js';
import { listFilesTool } from './list-files-tool.js';
import { readFileTool } from './read-file-tool.js';
import { runCodeTool } from './run-code-tool.js';
import { runTestsTool } from './run-tests-tool.js';
import { LazyNotesIndex, searchNotesTool } from './search-notes-tool.js';
import { writeFileTool } from './write-file-tool.js';

/** A built-in tool's name, as agents list it in `agents.<id>.tools`. */
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

/** What the built-in tools of one run are built from. */
export interface BuiltinToolsOptions {
  config: ResolvedConfig;
  /**
   * Where run_code/run_tests run: a sandbox, or a factory called on their first use (the runtime passes
   * `createSandbox(config.sandbox)`); absent, those two tools answer that no sandbox was given.
   */
  sandbox?: Sandbox | (() => Promise<Sandbox>);
}

/** The built-in tools of one run; they share the notes index and the sandbox. */
export interface BuiltinTools {
  /** The tool called `name` (the same object on every call). */
  get(name: BuiltinToolName): ToolDefinition;
  /** Closes the notes index. Safe to call twice. */
  close(): Promise<void>;
}

/** Builds the built-in tools from the resolved config; nothing is opened or started until a tool is used. */
export function createBuiltinTools({ config, sandbox }: BuiltinToolsOptions): BuiltinTools {
  const notesIndex = new LazyNotesIndex({
    notes: config.tools.notes,
    indexPath: config.tools.notesIndexPath,
  });
  let sandboxPromise: Promise<Sandbox> | null = null;
  const sandboxed = {
    sandbox: () => {
      sandboxPromise ??= typeof sandbox === 'function' ? sandbox() : sandboxOrNone(sandbox);
      // A failed probe or a refused mode is reported on this call, and tried again on the next.
      return sandboxPromise.catch((error: unknown) => {
        sandboxPromise = null;
        throw error;
      });
    },
    limits: sandboxLimits(config),
  };
  const builders: Record<BuiltinToolName, () => ToolDefinition> = {
    read_file: () => readFileTool() as ToolDefinition,
    list_files: () => listFilesTool() as ToolDefinition,
    write_file: () => writeFileTool() as ToolDefinition,
    search_notes: () => searchNotesTool(notesIndex) as ToolDefinition,
    http_get: () => httpGetTool(config.tools.http) as ToolDefinition,
    run_code: () => runCodeTool(sandboxed) as ToolDefinition,
    run_tests: () => runTestsTool(sandboxed) as ToolDefinition,
  };
  const built = new Map<BuiltinToolName, ToolDefinition>();
  return {
    get(name) {
      let tool = built.get(name);
      if (tool === undefined) {
        const build = builders[name];
        if (build === undefined) {
          throw new AgentMeshError({
            code: 'tool_unknown',
            message: `No built-in tool "${name}"; choose one of ${Object.keys(builders).join(', ')}.`,
            context: { tool: name },
          });
        }
        tool = build();
        built.set(name, tool);
      }
      return tool;
    },
    async close() {
      notesIndex.close();
    },
  };
}

async function sandboxOrNone(sandbox: Sandbox | undefined): Promise<Sandbox> {
  if (sandbox) return sandbox;
  throw new AgentMeshError({
    code: 'tool_failed',
    message:
      'No sandbox was given to the built-in tools, so code cannot run here; run it through openToolbox, which creates one from sandbox: in agentmesh.yaml.',
  });
}

function sandboxLimits({ sandbox }: ResolvedConfig): SandboxLimits {
  const { timeoutMs, cpuSeconds, memoryMb, maxProcesses, maxOutputBytes } = sandbox;
  return { timeoutMs, cpuSeconds, memoryMb, maxProcesses, maxOutputBytes };
}

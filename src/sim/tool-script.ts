import { z } from 'zod';
import { AgentMeshError } from '../errors/index.js';
import { SIM_ROLES, type SimRole } from './conversation.js';

/** One scripted tool call: `arguments` is sent as is when a string, as JSON when an object. */
export interface SimScriptedCall {
  /** A tool name; an offered tool named `<server>__<name>` matches too. Unoffered names are sent as is. */
  name: string;
  arguments: string | Record<string, unknown>;
}

/**
 * Tool calls the simulator makes instead of its own choices, for tests: a request that offers tools and
 * whose conversation already has k assistant tool-call turns gets `turns[k]`; past the end, a text answer.
 * @example sim.scriptTools({ role: 'coder', turns: [{ calls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'x' } }] }] })
 */
export interface SimToolScript {
  turns: { calls: SimScriptedCall[] }[];
  /** Only requests from an agent in this role (as the simulator reads it from the system prompt). @default every role */
  role?: SimRole;
}

const scriptSchema = z.strictObject({
  turns: z.array(
    z.strictObject({
      calls: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            arguments: z.union([z.string(), z.record(z.string(), z.unknown())]),
          }),
        )
        .min(1),
    }),
  ),
  role: z.enum(SIM_ROLES).optional(),
});

/** Checks a tool script (from `scriptTools` or `POST /sim/tool-script`); a `usage` error names the problem. */
export function parseToolScript(value: unknown): SimToolScript {
  const result = scriptSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'script';
  throw new AgentMeshError({
    code: 'usage',
    message: `Simulator tool script ${where}: ${issue?.message ?? 'invalid value'}; expected { turns: [{ calls: [{ name, arguments }] }], role? }`,
  });
}

/** The raw arguments text of a scripted call. */
export function scriptedArguments(call: SimScriptedCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

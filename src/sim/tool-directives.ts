/** How a directive's arguments are sent the first time. */
export type DirectiveMode = 'as-written' | 'truncated' | 'empty';

/** One `[[tool <name> <raw arguments>]]` directive of a task. */
export interface ToolDirective {
  name: string;
  /** The arguments after any `<truncated>`/`<empty>` marker: what a re-ask sends. */
  arguments: string;
  mode: DirectiveMode;
}

// Raw arguments run to the first `]]`; `s` so they may span lines.
const DIRECTIVE = /\[\[tool\s+([^\s\]]+)(?:\s+(.*?))?\s*\]\]/gs;

/**
 * The tool directives in a task, in order: `[[tool read_file {"path":"a.txt"}]]` calls read_file with the
 * text after the name; a `<truncated>` prefix sends the first half of it the first time, `<empty>` sends ''.
 */
export function parseToolDirectives(task: string): ToolDirective[] {
  return [...task.matchAll(DIRECTIVE)].map(([, name = '', raw = '']) => {
    if (raw.startsWith('<truncated>')) {
      return { name, arguments: raw.slice('<truncated>'.length).trimStart(), mode: 'truncated' };
    }
    if (raw.startsWith('<empty>')) {
      return { name, arguments: raw.slice('<empty>'.length).trimStart(), mode: 'empty' };
    }
    return { name, arguments: raw, mode: 'as-written' };
  });
}

/** What a directive sends on its first call. */
export function firstArguments(directive: ToolDirective): string {
  if (directive.mode === 'empty') return '';
  if (directive.mode === 'truncated') {
    return directive.arguments.slice(0, Math.floor(directive.arguments.length / 2));
  }
  return directive.arguments;
}

/** The offered tool a name means: the same name, or one ending in `__<name>` (an MCP server's prefix). */
export function offeredToolNamed(name: string, offered: readonly string[]): string | undefined {
  return offered.find((tool) => tool === name) ?? offered.find((tool) => tool.endsWith(`__${name}`));
}

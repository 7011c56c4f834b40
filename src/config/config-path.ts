import { isAbsolute, relative } from 'node:path';

/**
 * Formats a field path for messages: `agents.coder.temperature`, `teams.chat.agents[2]`, and
 * `models["openrouter:deepseek/deepseek-chat-v3.1"].input` for keys that are not plain words.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(String(segment)))
      out += out === '' ? String(segment) : `.${String(segment)}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** The path of a file as the user would refer to it: relative to cwd when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

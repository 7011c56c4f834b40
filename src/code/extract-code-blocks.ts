import { posix } from 'node:path';

/** A fenced code block found in an agent's output. */
export interface CodeBlock {
  language: string;
  /** File name from the info string (`file=x.py`, `title="x.py"`, `x.py`) or a `# file: x.py` first line. */
  fileName: string | null;
  code: string;
}

const FENCE = /^(`{3,}|~{3,})[ \t]*([^\n]*)\n([\s\S]*?)^\1[ \t]*$/gm;
const FILE_LINE = /^\s*(?:#|\/\/|--|<!--)\s*file(?:name)?:\s*(\S+?)\s*(?:-->)?\s*$/i;

/** Pulls every fenced code block out of markdown text, with its language and file name when given. */
export function extractCodeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const match of markdown.matchAll(FENCE)) {
    const info = (match[2] ?? '').trim();
    const [language = '', ...rest] = info.split(/\s+/);
    let code = match[3] ?? '';
    let fileName = fileNameFromInfo(rest.join(' '));
    const firstLine = code.split('\n', 1)[0] ?? '';
    const fromLine = FILE_LINE.exec(firstLine);
    if (fromLine?.[1]) {
      fileName ??= fromLine[1];
      code = code.slice(firstLine.length + 1);
    }
    blocks.push({ language: language.toLowerCase(), fileName: fileName && safeRelativePath(fileName), code });
  }
  return blocks;
}

function fileNameFromInfo(rest: string): string | null {
  const attr = /(?:file|filename|title)=["']?([^"'\s]+)/i.exec(rest);
  if (attr?.[1]) return attr[1];
  const bare = rest.trim();
  return /^[\w./-]+\.\w+$/.test(bare) ? bare : null;
}

/** Normalises a model-given path so it stays inside the target folder, or null when it cannot. */
export function safeRelativePath(path: string): string | null {
  const normal = posix.normalize(path.replaceAll('\\', '/')).replace(/^(\.\/)+/, '');
  if (normal.startsWith('/') || normal.startsWith('..') || normal === '.' || normal === '') return null;
  return normal;
}

const EXTENSIONS: Record<string, string> = {
  python: 'py',
  py: 'py',
  typescript: 'ts',
  ts: 'ts',
  javascript: 'js',
  js: 'js',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  bash: 'sh',
  sh: 'sh',
  shell: 'sh',
  go: 'go',
  rust: 'rs',
  java: 'java',
  html: 'html',
  css: 'css',
  sql: 'sql',
  markdown: 'md',
  md: 'md',
  toml: 'toml',
  c: 'c',
  cpp: 'cpp',
};

/** A file extension for a fence language (`txt` when unknown). */
export function extensionFor(language: string): string {
  return EXTENSIONS[language] ?? 'txt';
}

import type { BundleFile } from './bundle.js';
import { checkBundlePath, looksLikeFilePath } from './bundle-path.js';
import { type CodeBlock, extractCodeBlocks } from './extract-code-blocks.js';

/** A file an answer tried to write that did not make it into the bundle, and why. */
export interface RejectedFile {
  path: string;
  reason: string;
  stepId: string;
}

/** The files of one agent answer. */
export interface ExtractedFiles {
  /** In order of first appearance; a path written twice in one answer keeps its last content. */
  files: BundleFile[];
  rejected: RejectedFile[];
  /** Paths of `files` the answer did not name (`main.py`, `snippet_3.py`): default names given here. */
  defaulted: string[];
}

const LANGUAGE_ALIASES: Record<string, string> = {
  py: 'python',
  python3: 'python',
  py3: 'python',
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  node: 'javascript',
  yml: 'yaml',
  md: 'markdown',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  'shell-session': 'console',
  terminal: 'console',
  txt: 'text',
  plaintext: 'text',
  plain: 'text',
  output: 'text',
  jsonc: 'json',
  golang: 'go',
  rs: 'rust',
  rb: 'ruby',
  'c++': 'cpp',
};

const EXTENSION_LANGUAGES: Record<string, string> = {
  py: 'python',
  pyi: 'python',
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'toml',
  md: 'markdown',
  sh: 'bash',
  html: 'html',
  css: 'css',
  sql: 'sql',
  go: 'go',
  rs: 'rust',
  java: 'java',
  rb: 'ruby',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
};

/** Languages whose unnamed blocks are program source worth a default name; the rest (shell, output…) are not files. */
const DEFAULT_EXTENSIONS: Record<string, string> = {
  python: 'py',
  typescript: 'ts',
  javascript: 'js',
  go: 'go',
  rust: 'rs',
  java: 'java',
  ruby: 'rb',
  c: 'c',
  cpp: 'cpp',
};

/**
 * The files in one agent answer. A block's name comes from its info string, a `# file:` first line, or the
 * line just above it (`### \`src/app.py\``, `**tests/test_app.py**:`, `File: app.py`), or the nearest
 * heading above when only prose lies between. When the answer names no file at all, unnamed source blocks
 * get `main.py` / `test_main.py` (first of a language) or `snippet_<n>.<ext>`; unnamed shell, output, text
 * and data blocks are never files. Unsafe paths and named diffs go to `rejected`.
 */
export function extractFiles(markdown: string, stepId: string): ExtractedFiles {
  const blocks = extractCodeBlocks(markdown).map((block) => ({ block, name: nameOf(block) }));
  const anyNamed = blocks.some(({ name }) => name !== null);
  const files = new Map<string, BundleFile>();
  const rejected: RejectedFile[] = [];
  const defaultsUsed = new Set<string>();
  const defaulted: string[] = [];
  for (const [index, { block, name }] of blocks.entries()) {
    const infoLanguage = normaliseLanguage(block.language);
    if (name === null) {
      const fallback = anyNamed ? null : defaultName(block, infoLanguage, index + 1, defaultsUsed);
      if (fallback) {
        files.set(fallback, { path: fallback, language: infoLanguage, content: block.code, stepId });
        defaulted.push(fallback);
      }
      continue;
    }
    if (infoLanguage === 'diff' || infoLanguage === 'patch') {
      rejected.push({ path: name, reason: 'a diff, not a file; send the whole file', stepId });
      continue;
    }
    const check = checkBundlePath(name);
    if (!check.ok) {
      rejected.push({ path: name, reason: check.reason, stepId });
      continue;
    }
    const language = isGeneric(infoLanguage) ? languageOfPath(check.path) : infoLanguage;
    files.set(check.path, { path: check.path, language, content: block.code, stepId });
  }
  return { files: [...files.values()], rejected, defaulted };
}

/** The language a path's extension implies (`text` when unknown). */
export function languageOfPath(path: string): string {
  const extension = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  return EXTENSION_LANGUAGES[extension] ?? 'text';
}

function normaliseLanguage(language: string): string {
  return LANGUAGE_ALIASES[language] ?? language;
}

function isGeneric(language: string): boolean {
  return language === '' || language === 'text';
}

function nameOf(block: CodeBlock): string | null {
  return block.declaredName ?? nameAbove(block.textBefore);
}

function defaultName(block: CodeBlock, language: string, ordinal: number, used: Set<string>): string | null {
  const extension = DEFAULT_EXTENSIONS[language];
  // A REPL or terminal transcript in a Python/JS fence is output, not a file.
  if (!extension || block.code.trim() === '' || /^\s*(?:>>>|\$) /.test(block.code)) return null;
  const test = looksLikeTest(block.code);
  const first =
    language === 'python' ? (test ? 'test_main.py' : 'main.py') : `main${test ? '.test' : ''}.${extension}`;
  const name = used.has(first) ? `snippet_${ordinal}.${extension}` : first;
  used.add(name);
  return name;
}

/** True for test files by the usual conventions (`tests/`, `test_x.py`, `x_test.py`, `x.test.ts`, `x.spec.js`). */
export function isTestPath(path: string): boolean {
  return /(?:^|\/)(?:tests?|__tests__)\/|(?:^|\/)test_[^/]*\.py$|_test\.py$|\.(?:test|spec)\.[cm]?[jt]sx?$/.test(
    path,
  );
}

function looksLikeTest(code: string): boolean {
  return (
    /^\s*(?:import (?:pytest|unittest)|from (?:pytest|unittest)\b|def test_|class Test)/m.test(code) ||
    /from ['"](?:node:test|vitest)['"]|require\(['"]node:test['"]\)|\b(?:describe|it|test)\(['"`]/.test(code)
  );
}

/**
 * The file named by the prose above a block: the nearest non-blank line when it is a heading, a bold label,
 * `File: x`, a lone path, or "save this as `x`:"; else the nearest heading when it names a path.
 */
export function nameAbove(textBefore: string): string | null {
  const lines = textBefore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const last = lines.at(-1);
  if (last === undefined) return null;
  const fromLast = nameInLine(last);
  if (fromLast) return fromLast;
  const heading = lines
    .slice(-6)
    .reverse()
    .find((line) => /^#{1,6}\s/.test(line));
  return heading ? nameInLine(heading) : null;
}

// Whole-file phrasings only: "add this to `x`" introduces a fragment, which must not replace the file.
const SAVE_AS =
  /\b(?:save|saved|create|write|named|called|file|version of|contents? of)\b[^`]*`([^`\s]+)`\s*:?\s*$/i;

function nameInLine(raw: string): string | null {
  const withoutList = raw.replace(/^(?:[-*+]|\d+[.)])\s+/, '');
  const heading = /^#{1,6}\s+/.test(withoutList);
  const bold = /^(?:\*\*|__)/.test(withoutList.replace(/^#{1,6}\s+/, ''));
  const backticked = [...withoutList.matchAll(/`([^`\s]+)`/g)]
    .map((match) => match[1]!)
    .filter(looksLikeFilePath);
  if ((heading || bold) && backticked[0]) return backticked[0];
  const label = withoutList
    .replace(/^#{1,6}\s+/, '')
    .replace(/^(?:step\s+)?\d+[.):]\s*/i, '')
    .replaceAll(/\*\*|__|`/g, '')
    .replace(/^(?:file(?:name)?|path)\s*:\s*/i, '')
    .replace(/\s+(?:\(.*\)|[-–—].*)$/, '')
    .replace(/:$/, '')
    .trim();
  if (looksLikeFilePath(label)) return label;
  const saved = SAVE_AS.exec(withoutList)?.[1];
  return saved && looksLikeFilePath(saved) ? saved : null;
}

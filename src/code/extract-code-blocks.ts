import { looksLikeFilePath, normaliseBundlePath } from './bundle-path.js';

/** A fenced code block found in an agent's output. */
export interface CodeBlock {
  /** Lower-case language word of the info string as written (`python`, `ts`, `bash`); '' when none. */
  language: string;
  /** Normalised name from the info string or a `# file:` first line; null when none is given or it is unsafe. */
  fileName: string | null;
  /** That name exactly as written, also when unsafe (`../x.py`); null when none is given. */
  declaredName: string | null;
  /** The block's text, without the `# file:` line, ending in a newline unless empty. */
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** False when the text ended, or another block opened, before this block's closing fence. */
  closed: boolean;
  /** The Markdown between the previous block (or the start) and this one: where a heading may name the file. */
  textBefore: string;
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;
const NAME_ATTRIBUTE =
  /(?:^|[\s{,])(?:file|filename|title|path|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s},]+))/i;
const COMMENT = String.raw`(?:#|\/\/|--|;|<!--|\/\*)`;
const COMMENT_END = String.raw`(?:-->|\*\/)?`;
const FILE_LINE = new RegExp(
  String.raw`^\s*${COMMENT}\s*(?:file(?:name)?|path)\s*:\s*\x60?([^\s\x60]+)\x60?\s*${COMMENT_END}\s*$`,
  'i',
);
const PATH_COMMENT_LINE = new RegExp(
  String.raw`^\s*${COMMENT}\s*\x60?([^\s\x60]+)\x60?\s*${COMMENT_END}\s*$`,
);

/**
 * Pulls every fenced code block (``` or ~~~, any fence length) out of Markdown, with its language and the
 * file name given in the info string or a `# file:` first line. Never throws on malformed Markdown: an
 * unclosed last fence runs to the end of the text, and a same-length fence with a language inside an open
 * block starts a new block (the model forgot to close the previous one) unless the open block is Markdown,
 * where it is a nested example.
 */
export function extractCodeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let textStart = 0;
  let index = 0;
  while (index < lines.length) {
    const open = FENCE.exec(lines[index] ?? '');
    if (!open || (open[2]!.startsWith('`') && open[3]!.includes('`'))) {
      index += 1;
      continue;
    }
    const fence = { indent: open[1]!.length, marker: open[2]!, info: open[3]!.trim() };
    const textBefore = lines.slice(textStart, index).join('\n');
    const info = parseInfo(fence.info);
    const markdownBody = isMarkdown(info, textBefore);
    const end = findClosingFence(lines, index + 1, fence.marker, markdownBody);
    const body = lines.slice(index + 1, end.bodyEnd).map((line) => dedent(line, fence.indent));
    blocks.push(toBlock({ info, body, closed: end.closed, line: index + 1, textBefore }));
    index = end.next;
    textStart = index;
  }
  return blocks;
}

interface FenceEnd {
  /** Index of the first line after the body. */
  bodyEnd: number;
  /** Where scanning resumes. */
  next: number;
  closed: boolean;
}

function findClosingFence(lines: string[], from: number, marker: string, nested: boolean): FenceEnd {
  let depth = 0;
  for (let index = from; index < lines.length; index += 1) {
    const fence = FENCE.exec(lines[index] ?? '');
    if (!fence || fence[2]![0] !== marker[0]) continue;
    const info = fence[3]!.trim();
    if (info === '' && fence[2]!.length >= marker.length) {
      if (depth === 0) return { bodyEnd: index, next: index + 1, closed: true };
      depth -= 1;
    } else if (info !== '' && fence[2]!.length === marker.length) {
      if (nested) depth += 1;
      else if (!(marker.startsWith('`') && info.includes('`')))
        return { bodyEnd: index, next: index, closed: false };
    }
  }
  return { bodyEnd: lines.length, next: lines.length, closed: false };
}

interface Info {
  language: string;
  name: string | null;
}

/** `python`, `python title="a.py"`, `ts file=a.ts`, `python a.py`, `python:a.py`, `a.py`, `{.python file=a.py}`. */
function parseInfo(info: string): Info {
  const attribute = NAME_ATTRIBUTE.exec(info);
  const attributeName = attribute ? (attribute[1] ?? attribute[2] ?? attribute[3] ?? '').trim() : '';
  const [first = '', ...rest] = info.replace(/^\{\s*\.?/, '').split(/\s+/);
  const colon = /^([\w+#-]+):(.+)$/.exec(first);
  if (colon && looksLikeFilePath(colon[2]!)) {
    return { language: colon[1]!.toLowerCase(), name: attributeName || colon[2]! };
  }
  if (!first.includes('=') && looksLikeFilePath(first)) return { language: '', name: attributeName || first };
  const language = first.includes('=') ? '' : first.toLowerCase();
  const bare = rest.map((word) => word.replace(/^["'`]|["'`]$/g, '')).find(looksLikeFilePath);
  return { language, name: attributeName || bare || null };
}

function isMarkdown(info: Info, textBefore: string): boolean {
  if (['markdown', 'md', 'mdx'].includes(info.language) || /\.mdx?$/i.test(info.name ?? '')) return true;
  const lastLine = textBefore.trimEnd().split('\n').pop() ?? '';
  return /\.mdx?\b/i.test(lastLine);
}

function dedent(line: string, indent: number): string {
  let cut = 0;
  while (cut < indent && line[cut] === ' ') cut += 1;
  return line.slice(cut);
}

function toBlock(parts: {
  info: Info;
  body: string[];
  closed: boolean;
  line: number;
  textBefore: string;
}): CodeBlock {
  const { info, closed, line, textBefore } = parts;
  let body = parts.body;
  let name = info.name;
  const first = body[0] ?? '';
  const marked = FILE_LINE.exec(first)?.[1] ?? PATH_COMMENT_LINE.exec(first)?.[1];
  if (marked && (FILE_LINE.test(first) || looksLikeFilePath(marked))) {
    name ??= marked;
    body = body.slice(1);
  }
  // An unclosed block runs to the end of the text; blank lines there are the answer's, not the file's.
  if (!closed) while (body.length > 0 && body.at(-1)!.trim() === '') body = body.slice(0, -1);
  const code = body.length === 0 ? '' : `${body.join('\n')}\n`;
  const fileName = name === null ? null : normaliseBundlePath(name);
  return { language: info.language, fileName, declaredName: name, code, line, closed, textBefore };
}

/** Normalises a model-given path so it stays inside the target folder, or null when it cannot. */
export const safeRelativePath = normaliseBundlePath;

const EXTENSIONS: Record<string, string> = {
  python: 'py',
  py: 'py',
  typescript: 'ts',
  ts: 'ts',
  tsx: 'tsx',
  javascript: 'js',
  js: 'js',
  jsx: 'jsx',
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

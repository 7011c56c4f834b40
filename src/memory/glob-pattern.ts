/** Characters that make a path segment a pattern rather than a name. */
const GLOB_CHARS = /[*?[\]{}]/;

/** Whether `text` uses glob syntax (`*`, `**`, `?`, `[abc]`, `{a,b}`). */
export function isGlob(text: string): boolean {
  return GLOB_CHARS.test(text);
}

/** A glob split into the folder to walk from and a matcher for paths below it. */
export interface GlobPattern {
  /** The leading segments without glob syntax: where the walk starts (absolute when the glob is). */
  base: string;
  /** Matches a `/`-separated path relative to `base`. */
  regex: RegExp;
  /** How deep below `base` a match can lie; Infinity when the pattern has `**`. */
  maxDepth: number;
}

/**
 * Compiles a `/`-separated glob: `*` and `?` stay within one segment and do not match a leading dot,
 * `**` spans any number of segments (none included), `[…]` and `{a,b}` as in shells.
 * Node 20 has no `fs.glob` in every minor, and this is all `tools.notes` needs.
 */
export function compileGlob(pattern: string): GlobPattern {
  const segments = pattern.split('/');
  const firstGlob = segments.findIndex(isGlob);
  const baseSegments = firstGlob === -1 ? segments : segments.slice(0, firstGlob);
  const rest = firstGlob === -1 ? [] : segments.slice(firstGlob);
  const base = baseSegments.join('/') || '/';
  const parts = rest.map((segment, index) => {
    if (segment === '**') return index === rest.length - 1 ? '(?:[^/]+(?:/[^/]+)*)?' : '(?:[^/]+/)*';
    return `${segmentRegex(segment)}${index === rest.length - 1 ? '' : '/'}`;
  });
  return {
    base,
    regex: new RegExp(`^${parts.join('')}$`, 'u'),
    maxDepth: rest.includes('**') ? Number.POSITIVE_INFINITY : rest.length,
  };
}

function segmentRegex(segment: string, atSegmentStart = true): string {
  // A leading dot must be matched literally, as in shells: `*.md` does not pick `.hidden.md`.
  let out = atSegmentStart && !segment.startsWith('.') ? '(?!\\.)' : '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else if (char === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      const body = segment.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
      out += negated ? `[^/${members}]` : `[${members}]`;
      i = close;
    } else if (char === '{') {
      const close = segment.indexOf('}', i);
      if (close === -1) {
        out += '\\{';
        continue;
      }
      const options = segment.slice(i + 1, close).split(',');
      out += `(?:${options.map((option) => segmentRegex(option, false)).join('|')})`;
      i = close;
    } else out += escapeRegex(char);
  }
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A model-given path checked against the bundle: the normalised path, or why it was refused. */
export type BundlePathCheck = { ok: true; path: string } | { ok: false; reason: string };

const MAX_PATH_LENGTH = 512;

/**
 * Normalises a model-given file path to a relative POSIX path inside the bundle: backslashes become
 * slashes, `./` and empty segments go, `a/../b` folds to `b`. Refuses (null) empty paths, absolute ones
 * (`/x`, `C:\x`, `\\server\x`, `~/x`), control characters and any `..` that climbs out of the bundle.
 */
export function normaliseBundlePath(path: string): string | null {
  const check = checkBundlePath(path);
  return check.ok ? check.path : null;
}

/** {@link normaliseBundlePath} with the reason for a refusal, for feedback to the agent. */
export function checkBundlePath(raw: string): BundlePathCheck {
  const path = raw.trim();
  if (path === '') return { ok: false, reason: 'empty path' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) return { ok: false, reason: 'control character in path' };
  if (path.length > MAX_PATH_LENGTH)
    return { ok: false, reason: `path longer than ${MAX_PATH_LENGTH} characters` };
  const slashed = path.replaceAll('\\', '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed) || slashed.startsWith('~')) {
    return { ok: false, reason: 'absolute path; use a path relative to the project root' };
  }
  if (slashed.endsWith('/')) return { ok: false, reason: 'a directory, not a file' };
  const segments: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.pop() === undefined) {
        return { ok: false, reason: "escapes the project with '..'; use a path inside the project" };
      }
      continue;
    }
    segments.push(segment);
  }
  if (segments.length === 0) return { ok: false, reason: 'names no file' };
  return { ok: true, path: segments.join('/') };
}

/** Extension-less file names agents write (`Dockerfile`, `Makefile`, …), lower-case. */
const BARE_FILE_NAMES = new Set([
  'dockerfile',
  'makefile',
  'procfile',
  'gemfile',
  'rakefile',
  'license',
  'jenkinsfile',
]);

/**
 * True when `token` reads as a file path (`src/app.py`, `.env`, `Dockerfile`, even `../x.py` or `C:\x.py`,
 * which {@link checkBundlePath} then refuses) rather than a word, a command or a version number.
 */
export function looksLikeFilePath(token: string): boolean {
  if (token.length === 0 || token.length > MAX_PATH_LENGTH || token.includes('://')) return false;
  if (!/^[\w.@+~\-/\\:]+$/.test(token)) return false;
  const name = token.split(/[/\\]/).pop() ?? '';
  if (BARE_FILE_NAMES.has(name.toLowerCase())) return true;
  // A dot file (`.env`, `.gitignore`) or a stem with an extension holding a letter (not `3.11`).
  return /^\.[A-Za-z][\w.-]*$/.test(name) || /^[\w@+~-][\w.@+~-]*\.[\w-]*[A-Za-z][\w-]*$/.test(name);
}

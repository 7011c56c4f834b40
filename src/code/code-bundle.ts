import type { BundleFile, CodeBundle } from './bundle.js';
import { extractFiles, isTestPath, type RejectedFile } from './extract-files.js';

/** A new bundle holding `bundle` with `files` written over it (the latest version of a path wins). */
export function mergeIntoBundle(bundle: CodeBundle, files: readonly BundleFile[]): CodeBundle {
  const merged = new Map(bundle);
  for (const file of files) merged.set(file.path, file);
  return merged;
}

/**
 * The bundle built from agent answers in order: the latest version of each file across turns. An answer
 * whose only code is one unnamed block replaces the bundle's one file of that language and kind (source or
 * test) when it keeps that file's definitions and is about as long (a debugger sending "the corrected
 * code" without its name), instead of adding `main.py` beside it.
 */
export function bundleFromMessages(messages: ReadonlyArray<{ stepId: string; content: string }>): {
  bundle: CodeBundle;
  rejected: RejectedFile[];
} {
  let bundle: CodeBundle = new Map();
  const rejected: RejectedFile[] = [];
  for (const message of messages) {
    const extracted = extractFiles(message.content, message.stepId);
    const files =
      extracted.files.length === 1 && extracted.defaulted.length === 1
        ? [renamedToMatch(bundle, extracted.files[0]!)]
        : extracted.files;
    bundle = mergeIntoBundle(bundle, files);
    rejected.push(...extracted.rejected);
  }
  return { bundle, rejected };
}

function renamedToMatch(bundle: CodeBundle, file: BundleFile): BundleFile {
  const candidates = [...bundle.values()].filter(
    (existing) => existing.language === file.language && isTestPath(existing.path) === isTestPath(file.path),
  );
  const [target] = candidates;
  if (candidates.length !== 1 || !target || looksLikeFragmentOf(file.content, target.content)) return file;
  return { ...file, path: target.path };
}

const DEFINITION =
  /^(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:def|class|function\*?|const|let|var)\s+([A-Za-z_$][\w$]*)/gm;

/** A fragment ("change the return to this") drops definitions the file has, or is much shorter than it. */
function looksLikeFragmentOf(content: string, file: string): boolean {
  const defined = new Set([...content.matchAll(DEFINITION)].map((match) => match[1]));
  const missing = [...file.matchAll(DEFINITION)].some((match) => !defined.has(match[1]));
  return missing || content.split('\n').length * 2 < file.split('\n').length;
}

import type { BundleFile, CodeBundle } from './bundle.js';
import { extractFiles, type RejectedFile } from './extract-files.js';

/** A new bundle holding `bundle` with `files` written over it (the latest version of a path wins). */
export function mergeIntoBundle(bundle: CodeBundle, files: readonly BundleFile[]): CodeBundle {
  const merged = new Map(bundle);
  for (const file of files) merged.set(file.path, file);
  return merged;
}

/** The bundle built from agent answers in order: the latest version of each file across turns. */
export function bundleFromMessages(messages: ReadonlyArray<{ stepId: string; content: string }>): {
  bundle: CodeBundle;
  rejected: RejectedFile[];
} {
  let bundle: CodeBundle = new Map();
  const rejected: RejectedFile[] = [];
  for (const message of messages) {
    const extracted = extractFiles(message.content, message.stepId);
    bundle = mergeIntoBundle(bundle, extracted.files);
    rejected.push(...extracted.rejected);
  }
  return { bundle, rejected };
}

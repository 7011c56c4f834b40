import { parseAllDocuments } from 'yaml';
import type { BundleFile, ValidationIssue } from '../bundle.js';

/** True for the YAML files {@link checkYamlSyntax} checks. */
export function isYamlPath(path: string): boolean {
  return path.endsWith('.yaml') || path.endsWith('.yml');
}

/** Checks every document of a YAML file parses (duplicate keys included); one issue per error. */
export function checkYamlSyntax(file: BundleFile): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const document of parseAllDocuments(file.content)) {
    for (const error of document.errors) {
      const position = error.linePos?.[0];
      // The message repeats the position and quotes the source on later lines: keep the first, bare.
      const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      issues.push({
        path: file.path,
        ...(position ? { line: position.line, column: position.col } : {}),
        message,
      });
    }
  }
  return issues;
}

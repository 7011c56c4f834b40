import type * as TypeScript from 'typescript';
import type { BundleFile, ValidationIssue } from '../bundle.js';

type Ts = typeof TypeScript;

let loading: Promise<Ts> | undefined;

/** The TypeScript compiler, loaded on first use: it is large and most runs never need it. */
function loadTypeScript(): Promise<Ts> {
  loading ??= import('typescript').then((module) => (module.default ?? module) as Ts);
  return loading;
}

/** Extensions checked here, with how to parse them. */
const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** True for the TypeScript and JavaScript files {@link checkScriptSyntax} checks. */
export function isScriptPath(path: string): boolean {
  return SCRIPT_EXTENSIONS.some((extension) => path.endsWith(extension));
}

/**
 * Syntax-checks TypeScript and JavaScript files with the compiler's parser, syntax only: nothing is
 * resolved or type-checked, so missing imports are fine. JavaScript files also get the grammar checks the
 * compiler reserves for them (type annotations in a `.js` file).
 */
export async function checkScriptSyntax(files: readonly BundleFile[]): Promise<ValidationIssue[]> {
  if (files.length === 0) return [];
  const ts = await loadTypeScript();
  const sources = new Map(
    files.map((file) => [
      `/${file.path}`,
      ts.createSourceFile(`/${file.path}`, file.content, ts.ScriptTarget.Latest, false),
    ]),
  );
  const options: TypeScript.CompilerOptions = {
    allowJs: true,
    noResolve: true,
    noLib: true,
    noEmit: true,
    types: [],
    target: ts.ScriptTarget.Latest,
    jsx: ts.JsxEmit.Preserve,
  };
  const host: TypeScript.CompilerHost = {
    getSourceFile: (name) => sources.get(name),
    getDefaultLibFileName: () => '/lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => sources.has(name),
    readFile: () => undefined,
  };
  const program = ts.createProgram({ rootNames: [...sources.keys()], options, host });
  const issues: ValidationIssue[] = [];
  for (const source of sources.values()) {
    for (const diagnostic of program.getSyntacticDiagnostics(source)) {
      const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      issues.push({
        path: source.fileName.slice(1),
        line: line + 1,
        column: character + 1,
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
      });
    }
  }
  return issues;
}

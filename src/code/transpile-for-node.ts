import { posix } from 'node:path';
import type * as TypeScript from 'typescript';

type Ts = typeof TypeScript;

const TS_TO_JS: Readonly<Record<string, string>> = {
  '.ts': '.js',
  '.mts': '.mjs',
  '.cts': '.cjs',
  '.tsx': '.js',
};

/** `src/a.test.ts` → `src/a.test.js`; other paths unchanged. Declaration files are not code. */
export function jsPathOf(path: string): string {
  const ext = posix.extname(path);
  const js = TS_TO_JS[ext];
  return js && !path.endsWith('.d.ts') ? path.slice(0, -ext.length) + js : path;
}

/** True for a TypeScript source Node 20 cannot run as is. */
export function isTypeScriptSource(path: string): boolean {
  return jsPathOf(path) !== path;
}

/**
 * Node 20 cannot run TypeScript, so the bundle's `.ts` files become ES modules with the TypeScript
 * compiler's `transpileModule` (types erased, no type check; the validator already reported syntax).
 * Relative imports are pointed at the emitted files: `./add`, `./add.ts` and `./add.js` all become
 * `./add.js` when the bundle has `add.ts`. TypeScript is loaded only when a bundle needs it.
 */
export async function transpileForNode(
  files: ReadonlyArray<{ path: string; content: string }>,
): Promise<Array<{ path: string; content: string }>> {
  if (!files.some((file) => isTypeScriptSource(file.path))) return [...files];
  const ts = (await import('typescript')).default as unknown as Ts;
  const emitted = new Set(files.map((file) => jsPathOf(file.path)));
  return files.flatMap((file) => {
    if (file.path.endsWith('.d.ts')) return [];
    if (!isTypeScriptSource(file.path)) return [file];
    const output = ts.transpileModule(file.content, {
      fileName: file.path,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        jsx: ts.JsxEmit.ReactJSX,
        esModuleInterop: true,
        verbatimModuleSyntax: false,
      },
      transformers: { before: [rewriteRelativeImports(ts, posix.dirname(file.path), emitted)] },
    });
    return [{ path: jsPathOf(file.path), content: output.outputText }];
  });
}

function rewriteRelativeImports(ts: Ts, fromDir: string, emitted: ReadonlySet<string>) {
  const target = (specifier: string): string => {
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
    const base = posix.normalize(posix.join(fromDir, specifier));
    const stem = base.replace(/\.(c|m)?(t|j)sx?$/, '');
    const ext = posix.extname(base);
    const candidates = [jsPathOf(base), `${stem}${TS_TO_JS[ext] ?? '.js'}`, `${base}.js`, `${base}/index.js`];
    const found = candidates.find((candidate) => emitted.has(candidate));
    if (found === undefined) return specifier;
    const relativePath = posix.relative(fromDir, found);
    return relativePath.startsWith('.') ? relativePath : `./${relativePath}`;
  };
  const literal = (node: TypeScript.Expression | undefined) => {
    if (!node || !ts.isStringLiteral(node)) return undefined;
    const rewritten = target(node.text);
    return rewritten === node.text ? undefined : ts.factory.createStringLiteral(rewritten);
  };
  const { factory } = ts;
  return (context: TypeScript.TransformationContext) => (source: TypeScript.SourceFile) => {
    const visit = (node: TypeScript.Node): TypeScript.Node => {
      if (ts.isImportDeclaration(node)) {
        const spec = literal(node.moduleSpecifier);
        if (spec)
          return factory.updateImportDeclaration(
            node,
            node.modifiers,
            node.importClause,
            spec,
            node.attributes,
          );
      } else if (ts.isExportDeclaration(node)) {
        const spec = literal(node.moduleSpecifier);
        if (spec) {
          return factory.updateExportDeclaration(
            node,
            node.modifiers,
            node.isTypeOnly,
            node.exportClause,
            spec,
            node.attributes,
          );
        }
      } else if (ts.isCallExpression(node) && isImportOrRequire(ts, node)) {
        const [first, ...rest] = node.arguments;
        const spec = literal(first);
        if (spec)
          return factory.updateCallExpression(node, node.expression, node.typeArguments, [spec, ...rest]);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(source, visit) as TypeScript.SourceFile;
  };
}

/** `import('…')` or `require('…')`. */
function isImportOrRequire(ts: Ts, call: TypeScript.CallExpression): boolean {
  const callee = call.expression;
  return (
    callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')
  );
}

import { pick } from './seeded-random.js';
import { camelName, shortTask, snakeName } from './task-words.js';

// Coder, tester and debugger derive the same module and function name from the task, so the
// generated tests import and pass against the generated code when a sandbox runs them.

/**
 * Python implementations of one contract: distinct, stripped, non-empty items; None is rejected.
 * `buggy` forgets to strip, so the tester's whitespace test fails (the code team's scenario).
 */
function implementation(name: string, task: string, variant: number, buggy = false): string {
  const header = `# file: ${name}.py\n"""${shortTask(task)}."""\n\nfrom typing import Iterable, List, Optional\n\n\n`;
  const signature = `def ${name}(values: Optional[Iterable[object]]) -> List[str]:\n`;
  const doc =
    '    """Return the distinct, non-empty items of `values` as stripped strings, in first-seen order."""\n';
  const guard = `    if values is None:\n        raise ValueError("${name}: values must not be None")\n`;
  const bodies = [
    '    result: List[str] = []\n    seen = set()\n    for value in values:\n        item = str(value).strip()\n' +
      '        if item and item not in seen:\n            seen.add(item)\n            result.append(item)\n    return result\n',
    '    stripped = (str(value).strip() for value in values)\n' +
      '    return list(dict.fromkeys(item for item in stripped if item))\n',
  ] as const;
  const main = `\n\nif __name__ == "__main__":\n    import sys\n\n    print("\\n".join(${name}(sys.argv[1:])))\n`;
  const body = pick(bodies, variant);
  return (
    header +
    signature +
    doc +
    guard +
    (buggy ? body.replace('str(value).strip()', 'str(value)') : body) +
    main
  );
}

/** A task with this word never converges in the code team: the debugger's fix keeps the bug. */
export const UNFIXABLE_MARKER = /\bunfixable\b/i;

/** The coder's answer: one sentence, then a fenced Python module named after the task. */
export function coderAnswer(task: string, variant: number): string {
  const name = snakeName(task);
  const intro = pick(
    [
      `Here is a small, dependency-free implementation of \`${name}\` for: ${shortTask(task)}.`,
      `Below is \`${name}.py\`, a plain standard-library module that handles ${shortTask(task)}.`,
      `This implements \`${name}\` with input validation and a tiny command-line entry point.`,
    ],
    variant,
  );
  return `${intro}\n\n\`\`\`python\n${implementation(name, task, variant)}\`\`\`\n`;
}

/**
 * The coder's answer inside the code team (its prompt ends with the runner's note): the same module,
 * with a deliberate bug that the tester's tests catch, so the debugger has something to fix.
 */
export function codeTeamCoderAnswer(task: string, variant: number): string {
  const name = snakeName(task);
  return `Here is \`${name}.py\` for: ${shortTask(task)}.\n\n\`\`\`python\n${implementation(name, task, variant, true)}\`\`\`\n`;
}

/** The tester's answer: a fenced unittest file that imports the coder's module. */
export function testerAnswer(task: string, variant: number): string {
  const name = snakeName(task);
  const intro = pick(
    [
      `These unit tests cover ordering, blank input and invalid input for \`${name}\`.`,
      `Tests for \`${name}\` (run with \`python -m unittest\`):`,
    ],
    variant,
  );
  const code =
    `# file: test_${name}.py\nimport unittest\n\nfrom ${name} import ${name}\n\n\n` +
    `class ${camelName(name)}Test(unittest.TestCase):\n` +
    `    def test_keeps_first_occurrence_order(self):\n        self.assertEqual(${name}(["b", "a", "b"]), ["b", "a"])\n\n` +
    `    def test_strips_and_drops_blank_items(self):\n        self.assertEqual(${name}([" x ", "", "   "]), ["x"])\n\n` +
    `    def test_empty_input_gives_empty_list(self):\n        self.assertEqual(${name}([]), [])\n\n` +
    `    def test_none_is_rejected(self):\n        with self.assertRaises(ValueError):\n            ${name}(None)\n\n\n` +
    `if __name__ == "__main__":\n    unittest.main()\n`;
  return `${intro}\n\n\`\`\`python\n${code}\`\`\`\n`;
}

/**
 * The debugger's answer: the cause, the fix, and the corrected module. Given the runner's failing report,
 * it names the failing tests it read there; for an {@link UNFIXABLE_MARKER} task the "fix" keeps the bug.
 */
export function debuggerAnswer(task: string, variant: number, report = ''): string {
  const name = snakeName(task);
  const failing = [...new Set(report.match(/\btest_\w+/g) ?? [])].filter((test) => test !== `test_${name}`);
  const seen =
    failing.length > 0
      ? `The runner's report shows ${failing.map((t) => `\`${t}\``).join(', ')} failing. `
      : '';
  if (UNFIXABLE_MARKER.test(task)) {
    return `${seen}I could not find the cause; here is the module reformatted.\n\n\`\`\`python\n${implementation(name, task, variant, true)}\`\`\`\n`;
  }
  const diagnosis = pick(
    [
      `The bug: \`${name}\` iterated over its argument without checking it, so \`None\` raised a TypeError ` +
        'and whitespace-only items slipped through. The fix validates the input first and strips each item before keeping it.',
      `Root cause: \`${name}\` compared raw values, so " x" and "x" counted as different items and \`None\` crashed ` +
        'with an unclear TypeError. Fixed by normalising each item and raising ValueError for missing input.',
    ],
    variant,
  );
  return `${seen}${diagnosis}\n\nCorrected version:\n\n\`\`\`python\n${implementation(name, task, variant + 1)}\`\`\`\n`;
}

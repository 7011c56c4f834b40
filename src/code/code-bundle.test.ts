import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BundleFile } from './bundle.js';
import { bundleFromMessages, mergeIntoBundle } from './code-bundle.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/code-answers/${name}`, import.meta.url), 'utf8');

const file = (path: string, content: string, stepId = 's1'): BundleFile => ({
  path,
  language: 'python',
  content,
  stepId,
});

describe('mergeIntoBundle', () => {
  it('returns a new bundle where the later file of a path wins, leaving the input untouched', () => {
    const before = new Map([['a.py', file('a.py', 'v1')]]);
    const after = mergeIntoBundle(before, [file('a.py', 'v2', 's2'), file('b.py', 'b')]);
    expect([...after.values()].map((f) => [f.path, f.content, f.stepId])).toEqual([
      ['a.py', 'v2', 's2'],
      ['b.py', 'b', 's1'],
    ]);
    expect(before.get('a.py')!.content).toBe('v1');
  });
});

describe('bundleFromMessages', () => {
  it('keeps the latest version of each file across turns', () => {
    const { bundle, rejected } = bundleFromMessages([
      { stepId: 'coder-1', content: fixture('coder-turn.md') },
      { stepId: 'debugger-1', content: fixture('debugger-turn.md') },
    ]);
    expect([...bundle.keys()]).toEqual(['src/calc.py', 'tests/test_calc.py']);
    expect(bundle.get('src/calc.py')).toMatchObject({ stepId: 'debugger-1', language: 'python' });
    expect(bundle.get('src/calc.py')!.content).toContain('return a / b');
    expect(bundle.get('tests/test_calc.py')!.stepId).toBe('coder-1');
    expect(rejected).toEqual([]);
  });

  it('collects refused paths with the step that wrote them', () => {
    const { bundle, rejected } = bundleFromMessages([
      { stepId: 'coder-1', content: fixture('malformed.md') },
      { stepId: 'chat', content: 'No code here.' },
    ]);
    expect(rejected.map((r) => [r.path, r.stepId])).toEqual([
      ['../outside.py', 'coder-1'],
      ['/etc/cron.d/job.py', 'coder-1'],
      ['C:\\Users\\me\\evil.py', 'coder-1'],
      ['src/ok.py', 'coder-1'],
    ]);
    expect(bundle.size).toBe(4);
  });
});

describe('bundleFromMessages with unnamed answers', () => {
  const coder = { stepId: 'coder-1', content: fixture('coder-turn.md') };

  it('lets a lone unnamed block replace the one source file of its language', () => {
    const { bundle } = bundleFromMessages([
      coder,
      { stepId: 'debugger-1', content: fixture('debugger-unnamed.md') },
    ]);
    expect([...bundle.keys()]).toEqual(['src/calc.py', 'tests/test_calc.py']);
    expect(bundle.get('src/calc.py')).toMatchObject({
      stepId: 'debugger-1',
      content: expect.stringContaining('a / b'),
    });
  });

  it('adds a fragment much shorter than the file beside it instead of replacing the file', () => {
    const { bundle } = bundleFromMessages([
      coder,
      { stepId: 'debugger-1', content: fixture('debugger-fragment.md') },
    ]);
    expect([...bundle.keys()]).toEqual(['src/calc.py', 'tests/test_calc.py', 'main.py']);
    expect(bundle.get('src/calc.py')!.stepId).toBe('coder-1');
  });

  it('does not guess between several files of the language', () => {
    const { bundle } = bundleFromMessages([
      { stepId: 'coder-1', content: fixture('deepseek-headings.md') },
      { stepId: 'debugger-1', content: fixture('debugger-unnamed.md') },
    ]);
    expect(bundle.get('main.py')!.stepId).toBe('debugger-1');
    expect(bundle.get('src/parser.py')!.stepId).toBe('coder-1');
  });

  it('names a first unnamed answer by default', () => {
    const { bundle } = bundleFromMessages([{ stepId: 'coder-1', content: fixture('debugger-unnamed.md') }]);
    expect([...bundle.keys()]).toEqual(['main.py']);
  });
});

import { describe, expect, it } from 'vitest';
import type { AgentConfig } from '../config/resolved-config.js';
import { parseSubtasks, workerFor } from './parse-subtasks.js';

describe('parseSubtasks', () => {
  it('reads numbered, tagged lines in order and ignores everything else', () => {
    const plan = [
      'Here is the split:',
      '1. [research] Compare slug libraries',
      '2) **[code]** Implement slugify',
      '- 3. [test]: Write tests for unicode input',
      '4. Document it',
      'Good luck!',
    ].join('\n');
    expect(parseSubtasks(plan, 8)).toEqual([
      { tag: 'research', text: 'Compare slug libraries' },
      { tag: 'code', text: 'Implement slugify' },
      { tag: 'test', text: 'Write tests for unicode input' },
      { tag: null, text: 'Document it' },
    ]);
  });

  it('keeps at most max subtasks, and finds none in prose', () => {
    expect(parseSubtasks('1. [a] x\n2. [b] y\n3. [c] z', 2).map((s) => s.tag)).toEqual(['a', 'b']);
    expect(parseSubtasks('Just do the whole thing yourself.', 5)).toEqual([]);
  });
});

describe('workerFor', () => {
  const agents = {
    architect: { capabilities: ['design', 'architecture'] },
    coder: { capabilities: ['code'] },
    tester: { capabilities: ['test'] },
  } as unknown as Record<string, AgentConfig>;
  const workers = ['architect', 'coder', 'tester'];

  it('matches the worker id, then a capability, ignoring case; else the first worker', () => {
    expect(workerFor('Tester', workers, agents)).toBe('tester');
    expect(workerFor('CODE', workers, agents)).toBe('coder');
    expect(workerFor('architecture', workers, agents)).toBe('architect');
    expect(workerFor('marketing', workers, agents)).toBe('architect');
    expect(workerFor(null, workers, agents)).toBe('architect');
  });
});

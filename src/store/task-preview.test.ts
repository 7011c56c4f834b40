import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from './memory/memory-run-store.js';
import { SqliteRunStore } from './sqlite/sqlite-run-store.js';
import { TASK_PREVIEW_CHARS, taskPreview } from './task-preview.js';

describe('taskPreview', () => {
  it('keeps a short task whole and cuts a long one to the preview length', () => {
    expect(taskPreview('Write a parser')).toBe('Write a parser');
    const long = 'x'.repeat(200_000);
    expect(taskPreview(long)).toHaveLength(TASK_PREVIEW_CHARS);
    expect(taskPreview(long).endsWith('…')).toBe(true);
  });

  it.each([
    ['memory', () => new MemoryRunStore()],
    ['sqlite', () => SqliteRunStore.open({ path: ':memory:' })],
  ])('is what the %s store lists, while run.started keeps the whole task', async (_name, open) => {
    const store = open();
    const task = `Summarise this log:\n${'line\n'.repeat(10_000)}`;
    await store.append({
      type: 'run.started',
      runId: 'run_long',
      at: '2026-11-21T10:00:00.000Z',
      task,
      team: 'pipeline',
      pattern: 'pipeline',
      agents: [],
    });
    expect((await store.getRun('run_long'))?.task).toBe(taskPreview(task));
    expect((await store.events('run_long'))[0]).toMatchObject({ type: 'run.started', task });
    await store.close();
  });
});

/** How much of a run's task its `runs` row keeps; the whole task is in the run's `run.started` event. */
export const TASK_PREVIEW_CHARS = 1_000;

/**
 * The task as listings show it: cut to {@link TASK_PREVIEW_CHARS} characters, so a run over a large
 * context does not store that context a second time (and rewrite it with every update of the row).
 */
export function taskPreview(task: string): string {
  return task.length > TASK_PREVIEW_CHARS ? `${task.slice(0, TASK_PREVIEW_CHARS - 1)}…` : task;
}

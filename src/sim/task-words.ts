/** Words that say nothing about what a task is about, so they never name a function. */
const FILLER = new Set(
  (
    'a an the and or but of to in on for with from by as at into about over than then that this these those ' +
    'is are be it its we you i me my our your please can could should would will must may need needs want ' +
    'write create build make implement develop design add code program script function class module app ' +
    'simple small tiny basic quick short new python using use which who what when where how why all any ' +
    'given returns return takes take so some every each one two three also just only very'
  ).split(' '),
);

/** Up to `limit` distinctive lowercase words of the task, in order of appearance. */
export function keywords(task: string, limit = 3): string[] {
  // Drop accents first so 'Über' still yields 'uber' rather than losing the word.
  const plain = task.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const words = plain.toLowerCase().match(/[a-z][a-z0-9]*/g) ?? [];
  const picked: string[] = [];
  for (const word of words) {
    if (word.length < 3 || FILLER.has(word) || picked.includes(word)) continue;
    picked.push(word);
    if (picked.length === limit) break;
  }
  return picked;
}

/**
 * A snake_case Python identifier named after the task, e.g. `parse_csv_rows`. Always two words or
 * more, so it can name a module without shadowing the standard library (`json`, `csv`, `random`).
 */
export function snakeName(task: string): string {
  const words = keywords(task);
  if (words.length === 0) return 'task_solution';
  if (words.length === 1) return `${words[0]}_tools`;
  return words.join('_');
}

/** `parse_csv_rows` → `ParseCsvRows`, for test-class names. */
export function camelName(snake: string): string {
  return snake
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * The task as one short line that is safe inside Markdown, Python docstrings and quotes:
 * no backticks, double quotes, backslashes or newlines; at most `max` characters.
 */
export function shortTask(task: string, max = 80): string {
  const clean = task
    .replace(/[`"\\]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?:;,]+$/, '');
  if (clean === '') return 'the task';
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}...`;
}

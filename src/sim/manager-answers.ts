import type { Conversation } from './conversation.js';
import { pick } from './seeded-random.js';
import { keywords, shortTask, snakeName } from './task-words.js';

/** A hierarchical team's manager is asked to plan with this (see the hierarchical pattern). */
export const PLAN_REQUEST = /^Split the task into at most (\d+) subtasks\b/;

/** ...and to synthesise with this. */
export const SYNTHESIS_REQUEST = /\bCombine their results into the final answer\b/;

/**
 * The manager's plan: one subtask per listed worker, in order, at most as many as asked, each line
 * `<n>. [<first capability>] <subtask>` as the instruction demands.
 */
export function managerPlanAnswer(conversation: Conversation): string {
  const { task, lastUserMessage } = conversation;
  const max = Number(PLAN_REQUEST.exec(lastUserMessage)?.[1] ?? '3');
  const workers = [...lastUserMessage.matchAll(/^- ([^\s:]+)(?::[ \t]*([^,\n]+))?/gm)].slice(0, max);
  const lines = workers.map((match, i) => {
    const tag = (match[2] ?? match[1]!).trim();
    return `${i + 1}. [${tag}] ${subtaskFor(tag, task)}`;
  });
  return lines.join('\n');
}

/** The manager's synthesis: the task, then one line per worker result it received. */
export function managerSynthesisAnswer(conversation: Conversation, variant: number): string {
  const results = (conversation.messages ?? []).flatMap((m) => {
    const match = m.role === 'user' ? /^\[([^\]\n]+)\]\n\s*(.*)/.exec(m.content) : null;
    return match ? [`- From ${match[1]}: ${shortTask(match[2]!, 100)}`] : [];
  });
  const lead = pick(
    [`Final answer for ${shortTask(conversation.task)}:`, `Combined result (${results.length} subtasks):`],
    variant,
  );
  return `${lead}\n\n${results.join('\n')}\n\nTogether these deliver \`${snakeName(conversation.task)}\` with its design, code, tests and docs.\n`;
}

function subtaskFor(tag: string, task: string): string {
  const name = snakeName(task);
  const [topic = 'the input'] = keywords(task);
  switch (tag) {
    case 'research':
      return `Collect the facts, formats and pitfalls that matter for ${topic}.`;
    case 'design':
    case 'architecture':
      return `Design the modules and the public interface of \`${name}\`.`;
    case 'code':
      return `Implement \`${name}\` with input validation.`;
    case 'test':
      return `Write unit tests for \`${name}\`, including empty and invalid input.`;
    case 'docs':
      return `Write the usage section for \`${name}\`.`;
    default:
      return `Handle the ${tag} part of ${shortTask(task, 60)}.`;
  }
}

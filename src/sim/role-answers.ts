import type { SimToolCall } from './chat-request.js';
import { coderAnswer, codeTeamCoderAnswer, debuggerAnswer, testerAnswer } from './code-answers.js';
import type { Conversation, SimRole } from './conversation.js';
import {
  managerPlanAnswer,
  managerSynthesisAnswer,
  PLAN_REQUEST,
  SYNTHESIS_REQUEST,
} from './manager-answers.js';
import { repetitiveAnswer } from './repetitive-answers.js';
import { approvalAnswer, fixLines, reviewAnswer } from './review-answers.js';
import { pick } from './seeded-random.js';
import { SELECT_REQUEST, selectorAnswer } from './selector-answers.js';
import { keywords, shortTask, snakeName } from './task-words.js';

/** What the simulated model says: the answer, for DeepSeek its reasoning, and any tool calls. */
export interface SimAnswer {
  content: string;
  reasoning: string;
  /** Present on a tool-call turn (then `content` is ''). */
  toolCalls?: SimToolCall[];
}

/** A deterministic, role-aware answer; `variant` (from the seed and the request) picks the wording. */
export function answerFor(conversation: Conversation, variant: number): SimAnswer {
  const { role, task } = conversation;
  return { content: contentFor(conversation, variant), reasoning: reasoningFor(role, task) };
}

/** The code team's runner speaks last in its agents' prompts ("[runner] …": instructions, test reports). */
const RUNNER_NOTE = /^\[runner\]\n/;

function contentFor(conversation: Conversation, variant: number): string {
  const { task, lastUserMessage } = conversation;
  const runnerNote = RUNNER_NOTE.test(lastUserMessage) ? lastUserMessage : null;
  const looping = repetitiveAnswer(conversation);
  if (looping !== null) return looping;
  // A selector's or a manager's request gets the same answer whatever the role of the agent asked.
  if (SELECT_REQUEST.test(lastUserMessage)) return selectorAnswer(conversation, variant);
  if (PLAN_REQUEST.test(lastUserMessage)) return managerPlanAnswer(conversation);
  if (SYNTHESIS_REQUEST.test(lastUserMessage)) return managerSynthesisAnswer(conversation, variant);
  switch (conversation.role) {
    case 'planner':
      return plannerAnswer(task, variant);
    case 'researcher':
      return researcherAnswer(task, variant);
    case 'architect':
      return fixLines(conversation) + architectAnswer(task, variant);
    case 'coder':
      return runnerNote
        ? codeTeamCoderAnswer(task, variant)
        : fixLines(conversation) + coderAnswer(task, variant);
    case 'critic':
      if (runnerNote === null) return reviewAnswer(conversation, variant);
      // The code team's reviewer approves once the runner reports passing tests.
      return /\bthe tests pass\b/.test(runnerNote)
        ? approvalAnswer(task, variant)
        : reviewAnswer({ ...conversation, messages: [] }, variant);
    case 'debugger':
      return runnerNote
        ? debuggerAnswer(task, variant, runnerNote)
        : fixLines(conversation) + debuggerAnswer(task, variant);
    case 'tester':
      return testerAnswer(task, variant);
    case 'documenter':
      return documenterAnswer(task, variant);
    case 'summarizer':
      return summarizerAnswer(task, conversation.contributions, variant);
    default:
      return genericAnswer(task, variant);
  }
}

function reasoningFor(role: SimRole | undefined, task: string): string {
  return `The request is about: ${shortTask(task, 60)}. As the ${role ?? 'assistant'}, I will answer in my role and keep it short.`;
}

function topic(task: string): { k1: string; k2: string } {
  const [k1 = 'input', k2 = 'output'] = keywords(task);
  return { k1, k2 };
}

function plannerAnswer(task: string, variant: number): string {
  const { k1, k2 } = topic(task);
  const name = snakeName(task);
  const clarify = `Clarify the requirements for ${shortTask(task)}: expected inputs, outputs and edge cases around ${k1}.`;
  const design = `Design the \`${name}\` module and its public interface, keeping ${k2} handling separate from I/O.`;
  const implement = `Implement \`${name}\` in Python with input validation and clear errors.`;
  const test = `Write unit tests for normal ${k1} input, empty input and invalid values.`;
  const review = `Review the code, document usage in a README section and summarise the outcome.`;
  const plans = [
    [clarify, implement, test],
    [clarify, design, implement, test],
    [clarify, design, implement, test, review],
  ] as const;
  const steps = pick<readonly string[]>(plans, variant);
  const intro = pick([`Plan for: ${shortTask(task)}`, `Here is a ${steps.length}-step plan:`], variant);
  return `${intro}\n\n${steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}\n`;
}

function researcherAnswer(task: string, variant: number): string {
  const { k1, k2 } = topic(task);
  const lead = pick(['Findings and considerations:', `Research notes on ${shortTask(task)}:`], variant);
  return [
    lead,
    '',
    `- Existing approaches to ${k1} mostly normalise the input first, then process ${k2}.`,
    '- Edge cases to cover: empty input, duplicates, surrounding whitespace and missing values.',
    "- Python's standard library is enough here; no third-party dependency is needed.",
    '- unittest covers the behaviour; keep the core function pure so it is easy to test.',
    `- Open question: how strictly ${k2} must be validated. State the assumption in the docs.`,
    '',
  ].join('\n');
}

function architectAnswer(task: string, variant: number): string {
  const name = snakeName(task);
  const lead = pick([`Architecture for ${shortTask(task)}:`, 'Proposed components and interfaces:'], variant);
  return [
    lead,
    '',
    '**Components**',
    `- \`${name}.py\`: the core logic, one pure function \`${name}(values)\`, no I/O.`,
    `- \`__main__\` entry point: reads arguments, calls \`${name}\`, prints one result per line.`,
    `- \`test_${name}.py\`: unit tests (unittest).`,
    '',
    '**Interfaces**',
    `- \`${name}(values: Iterable[object] | None) -> list[str]\`; raises \`ValueError\` for \`None\`.`,
    `- CLI: \`python ${name}.py <values...>\`; exit code 1 on invalid input.`,
    '',
  ].join('\n');
}

function documenterAnswer(task: string, variant: number): string {
  const name = snakeName(task);
  const title = pick([`## ${name}`, '## Usage'], variant);
  return [
    title,
    '',
    `\`${name}\` solves: ${shortTask(task)}.`,
    '',
    '```python',
    `from ${name} import ${name}`,
    '',
    `print(${name}(["b", " a", "b", ""]))  # ['b', 'a']`,
    '```',
    '',
    '- Strips whitespace and drops empty items; keeps the first occurrence of each item.',
    '- Raises `ValueError` when given `None`.',
    `- Run the tests with \`python -m unittest test_${name}\`.`,
    '',
  ].join('\n');
}

function summarizerAnswer(task: string, contributions: number, variant: number): string {
  const seen = `${contributions} earlier contribution${contributions === 1 ? '' : 's'}`;
  return pick(
    [
      `Summary of ${seen} on "${shortTask(task)}": the team agreed on a plan, implemented \`${snakeName(task)}\`, and covered it with tests and a review.`,
      `Based on ${seen}, the task "${shortTask(task)}" is addressed: the code, its tests and the usage notes are above.`,
    ],
    variant,
  );
}

function genericAnswer(task: string, variant: number): string {
  const { k1 } = topic(task);
  const lead = pick([`Here is how I would approach "${shortTask(task)}":`, 'A practical approach:'], variant);
  return `${lead}\n\n- Pin down the expected ${k1} inputs and outputs.\n- Start with the simplest working version.\n- Test the edge cases before polishing.\n`;
}

import type { Conversation } from './conversation.js';
import { pick } from './seeded-random.js';

/** A selector team asks its selector agent this (see the selector pattern's instruction). */
export const SELECT_REQUEST = /^Choose who speaks next\b/;

/** A task with this word makes the selector's first pick name nobody allowed (to exercise the fallback). */
export const UNROUTABLE_MARKER = /\bunroutable\b/i;

/** A speaker the instruction allows, with the capabilities it lists. */
interface Speaker {
  name: string;
  capabilities: string[];
}

/** Another agent's message as the selector sees it: `[agent]\n…`. */
interface Turn {
  speaker: string;
  content: string;
}

/**
 * The selector's pick, deterministic from the conversation: research (or design) first, then code; code
 * goes to review; a review with issues goes back to code; an approval to the summary; otherwise the next
 * allowed speaker after the last one. For an `unroutable` task the first pick names nobody allowed.
 */
export function selectorAnswer(conversation: Conversation, variant: number): string {
  const speakers = allowedSpeakers(conversation.lastUserMessage);
  const turns = (conversation.messages ?? []).flatMap((m) => {
    const match = m.role === 'user' ? /^\[([^\]\n]+)\]\n([\s\S]*)$/.exec(m.content) : null;
    return match ? [{ speaker: match[1]!, content: match[2]! }] : [];
  });
  if (turns.length === 0 && UNROUTABLE_MARKER.test(conversation.task)) {
    return 'The intern should start; they know this area best.';
  }
  const name = nextSpeaker(speakers, turns.at(-1)) ?? 'nobody';
  return pick([name, `${name}.`, `I pick ${name}.`], variant);
}

function nextSpeaker(speakers: Speaker[], last: Turn | undefined): string | undefined {
  const withCapability = (...capabilities: string[]) =>
    capabilities
      .map((capability) =>
        speakers.find((s) => s.capabilities.includes(capability) && s.name !== last?.speaker),
      )
      .find((speaker) => speaker !== undefined)?.name;
  if (!last) return withCapability('research', 'design', 'planning') ?? speakers[0]?.name;
  const { content } = last;
  let preferred: string | undefined;
  if (/^\s*APPROVED\b/.test(content)) preferred = withCapability('summary', 'docs');
  else if (/^\d+\. /m.test(content) && /\breview\b/i.test(content)) preferred = withCapability('code', 'fix');
  else if (content.includes('```')) preferred = withCapability('review', 'test');
  else preferred = withCapability('code', 'design');
  if (preferred) return preferred;
  const index = speakers.findIndex((s) => s.name === last.speaker);
  return speakers[(index + 1) % speakers.length]?.name;
}

/** The `- name: capability, …` lines of the selector's instruction. */
function allowedSpeakers(instruction: string): Speaker[] {
  return [...instruction.matchAll(/^- ([^\s:]+)(?::[ \t]*(.*))?$/gm)].map((match) => ({
    name: match[1]!,
    capabilities: (match[2] ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  }));
}

import type { AgentConfig } from '../config/resolved-config.js';
import { mentions } from './parse-speaker.js';

/** Options for {@link capabilitySpeaker}. */
export interface CapabilitySpeakerOptions {
  candidates: readonly string[];
  agents: Record<string, AgentConfig>;
  /** The text the choice is read from: the last message, or the task before anyone spoke. */
  lastMessage: string;
  /** Who spoke last; null before anyone spoke. */
  lastSpeaker: string | null;
}

/**
 * The selector's `capabilities` rule, with no model call: the first candidate other than the last speaker
 * one of whose capabilities appears as a word in the last message; otherwise the candidate after the last
 * speaker, round-robin.
 */
export function capabilitySpeaker({
  candidates,
  agents,
  lastMessage,
  lastSpeaker,
}: CapabilitySpeakerOptions): string {
  const named = candidates.find(
    (id) =>
      id !== lastSpeaker &&
      (agents[id]?.capabilities ?? []).some((capability) => mentions(lastMessage, capability)),
  );
  return named ?? roundRobinAfter(candidates, lastSpeaker);
}

/** The candidate after `lastSpeaker` in list order (the first when nobody or an outsider spoke last). */
export function roundRobinAfter(candidates: readonly string[], lastSpeaker: string | null): string {
  const index = lastSpeaker === null ? -1 : candidates.indexOf(lastSpeaker);
  return candidates[(index + 1) % candidates.length]!;
}

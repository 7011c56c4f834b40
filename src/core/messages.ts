/** A message as sent to a chat model. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** Provider-specific reasoning text (DeepSeek `reasoning_content`), kept with assistant turns. */
  reasoningContent?: string;
}

/** One validated, non-empty agent output in a run's shared transcript. */
export interface TranscriptMessage {
  stepId: string;
  agentId: string;
  content: string;
  reasoningContent?: string;
  /** The model that actually answered, as `provider:model`. */
  model: string;
}

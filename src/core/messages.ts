/** A tool call as the model asked for it: the provider's call id, the tool's name, the raw arguments text. */
export interface ToolCall {
  /** The provider's id for the call (`call_…`); a tool message answers it by this id. */
  id: string;
  name: string;
  /** The arguments exactly as the model sent them: usually JSON, possibly truncated, empty or invalid. */
  arguments: string;
}

/** A message as sent to a chat model. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  /** For an assistant turn that only calls tools: empty. */
  content: string;
  /** Provider-specific reasoning text (DeepSeek `reasoning_content`), kept with assistant turns. */
  reasoningContent?: string;
  /** assistant: the tools this turn called, in the model's order. */
  toolCalls?: ToolCall[];
  /** tool: the call (`ToolCall.id`) this message answers. */
  toolCallId?: string;
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

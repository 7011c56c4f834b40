import type { AgentView, AgentWriteBody } from '../api/api-types';

/** The fields of the agent form, as the inputs hold them (text). */
export interface AgentFormValues {
  id: string;
  role: string;
  systemPrompt: string;
  model: string;
  temperature: string;
  maxTokens: string;
  /** Comma- or newline-separated tool names. */
  tools: string;
  approval: boolean;
}

/** Form names the API's `field` can point at. */
export const FORM_FIELDS = [
  'id',
  'role',
  'systemPrompt',
  'model',
  'temperature',
  'maxTokens',
  'tools',
  'approval',
] as const;

/** Empty values for a new agent. */
export const EMPTY_FORM: AgentFormValues = {
  id: '',
  role: '',
  systemPrompt: '',
  model: '',
  temperature: '',
  maxTokens: '',
  tools: '',
  approval: false,
};

/** The form filled from an agent as the server shows it. */
export function formOf(view: AgentView): AgentFormValues {
  const { config } = view;
  return {
    id: config.id,
    role: config.role,
    systemPrompt: config.systemPrompt,
    model: config.model,
    temperature: String(config.temperature),
    maxTokens: String(config.maxTokens),
    tools: config.tools.join(', '),
    approval: config.approval,
  };
}

/**
 * The body to send: for an update every field of the form (PUT replaces the API overlay, so a field left
 * out would fall back to the file's value), the prompt version bumped when the prompt changed; for a new
 * agent only what was filled in. Numbers are sent as typed (even unparsable) so the server names the field.
 */
export function bodyOf(values: AgentFormValues, existing: AgentView | null): AgentWriteBody {
  const body: AgentWriteBody = {};
  const text = (value: string) => value.trim();
  const number = (value: string) => (value.trim() === '' ? undefined : Number(value));
  if (existing === null) {
    body.id = text(values.id);
    if (text(values.role)) body.role = text(values.role);
  }
  if (text(values.systemPrompt)) body.systemPrompt = values.systemPrompt;
  if (text(values.model)) body.model = text(values.model);
  const temperature = number(values.temperature);
  if (temperature !== undefined) body.temperature = temperature;
  const maxTokens = number(values.maxTokens);
  if (maxTokens !== undefined) body.maxTokens = maxTokens;
  const tools = values.tools
    .split(/[,\n]/)
    .map((tool) => tool.trim())
    .filter(Boolean);
  if (tools.length > 0 || existing !== null) body.tools = tools;
  if (values.approval || existing !== null) body.approval = values.approval;
  if (existing !== null) {
    if (values.systemPrompt !== existing.config.systemPrompt)
      body.promptVersion = existing.config.promptVersion + 1;
    body.expectedVersion = existing.version;
  }
  return body;
}

/** The form field an API error's `field` names (`agents.poet.temperature` → `temperature`), or null. */
export function formFieldOf(field: string | undefined): (typeof FORM_FIELDS)[number] | null {
  if (!field) return null;
  const parts = field.split('.');
  for (const name of FORM_FIELDS) if (parts.includes(name)) return name;
  return null;
}

import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/sdk/types.js';
import type { ToolOutput } from '../tool.js';

/** Text of an embedded text resource shown to the model, at most; the rest is summarised. */
const MAX_RESOURCE_TEXT = 4000;

/**
 * An MCP tool result as text for the model: text parts as they are, images, audio and blobs as
 * one-line references (the model cannot see them and they would flood the context), resources by URI,
 * `structuredContent` as JSON when there is no text. `isError` is kept, so the loop reports a failure.
 */
export function mcpResultToOutput(result: CallToolResult | { toolResult: unknown }): ToolOutput {
  // Servers of protocol version 2024-10-07 answer `{ toolResult }` instead of content.
  if ('toolResult' in result) return JSON.stringify(result.toolResult) ?? '';
  const parts = (result.content ?? []).map(contentToText);
  const hasText = result.content?.some((block) => block.type === 'text') ?? false;
  if (!hasText && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent));
  const content = parts.join('\n');
  return result.isError === true ? { content, isError: true } : content;
}

/** One content block as text. */
function contentToText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${base64Bytes(block.data)} bytes, not shown]`;
    case 'resource_link':
      return `[resource ${withMime(block.uri, block.mimeType)}]`;
    case 'resource': {
      const { resource } = block;
      const reference = withMime(resource.uri, resource.mimeType);
      if ('text' in resource) return `[resource ${reference}]\n${bounded(resource.text)}`;
      return `[resource ${reference}, ${base64Bytes(resource.blob)} bytes, not shown]`;
    }
    default:
      // A content type newer than this client: say so rather than drop it silently.
      return `[${(block as { type: string }).type} content, not shown]`;
  }
}

/** `uri mimeType`, or the URI alone when the server gave no type. */
function withMime(uri: string, mimeType: string | undefined): string {
  return mimeType === undefined ? uri : `${uri} ${mimeType}`;
}

/** Decoded size of base64 data, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/** A resource's text, cut at {@link MAX_RESOURCE_TEXT} characters with a note of what was left out. */
function bounded(text: string): string {
  if (text.length <= MAX_RESOURCE_TEXT) return text;
  return `${text.slice(0, MAX_RESOURCE_TEXT)}\n… (${text.length - MAX_RESOURCE_TEXT} more characters not shown)`;
}

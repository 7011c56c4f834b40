import { describe, expect, it } from 'vitest';
import { mcpResultToOutput } from './mcp-result-to-output.js';

describe('mcpResultToOutput', () => {
  it('joins text parts with newlines', () => {
    const output = mcpResultToOutput({
      content: [
        { type: 'text', text: 'first' },
        { type: 'text', text: 'second' },
      ],
    });
    expect(output).toBe('first\nsecond');
  });

  it('shows images and audio as references with their decoded size', () => {
    const output = mcpResultToOutput({
      content: [
        { type: 'image', data: Buffer.alloc(12345).toString('base64'), mimeType: 'image/png' },
        { type: 'audio', data: Buffer.alloc(10).toString('base64'), mimeType: 'audio/wav' },
      ],
    });
    expect(output).toBe('[image image/png, 12345 bytes, not shown]\n[audio audio/wav, 10 bytes, not shown]');
  });

  it('names resource links and embedded resources by URI, with a bounded text', () => {
    const longText = 'z'.repeat(5000);
    const output = mcpResultToOutput({
      content: [
        { type: 'resource_link', uri: 'file:///a.txt', name: 'a', mimeType: 'text/plain' },
        { type: 'resource', resource: { uri: 'demo://text/1', mimeType: 'text/plain', text: longText } },
        { type: 'resource', resource: { uri: 'demo://blob/1', blob: Buffer.alloc(3).toString('base64') } },
      ],
    });
    const lines = String(output).split('\n');
    expect(lines[0]).toBe('[resource file:///a.txt text/plain]');
    expect(lines[1]).toBe('[resource demo://text/1 text/plain]');
    expect(lines[2]).toBe('z'.repeat(4000));
    expect(lines[3]).toBe('… (1000 more characters not shown)');
    expect(lines[4]).toBe('[resource demo://blob/1, 3 bytes, not shown]');
  });

  it('gives structuredContent as JSON only when there is no text', () => {
    expect(mcpResultToOutput({ content: [], structuredContent: { temperature: 33 } })).toBe(
      '{"temperature":33}',
    );
    expect(
      mcpResultToOutput({ content: [{ type: 'text', text: 'warm' }], structuredContent: { t: 1 } }),
    ).toBe('warm');
  });

  it('keeps isError so the loop reports the failure', () => {
    expect(mcpResultToOutput({ content: [{ type: 'text', text: 'no such file' }], isError: true })).toEqual({
      content: 'no such file',
      isError: true,
    });
  });

  it('passes a legacy toolResult through as JSON', () => {
    expect(mcpResultToOutput({ toolResult: { ok: true } })).toBe('{"ok":true}');
  });
});

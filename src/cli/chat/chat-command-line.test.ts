import { describe, expect, it } from 'vitest';
import { CHAT_COMMANDS, helpLines, parseChatLine, unknownCommandLine } from './chat-command-line.js';

describe('parseChatLine', () => {
  it('reads a line without a leading slash as a task, trimmed', () => {
    expect(parseChatLine('  Write a CSV parser  ')).toEqual({ kind: 'task', task: 'Write a CSV parser' });
  });

  it('reads a blank line as empty', () => {
    expect(parseChatLine('   \t')).toEqual({ kind: 'empty' });
  });

  it('keeps everything after /reject as the comment, inner spaces included', () => {
    expect(parseChatLine('/reject  Use a   streaming parser. ')).toEqual({
      kind: 'reject',
      comment: 'Use a   streaming parser.',
    });
    expect(parseChatLine('/reject')).toEqual({ kind: 'reject', comment: '' });
  });

  it('reads /approve with an optional note', () => {
    expect(parseChatLine('/approve')).toEqual({ kind: 'approve', comment: '' });
    expect(parseChatLine('/approve looks right')).toEqual({ kind: 'approve', comment: 'looks right' });
  });

  it('reads the commands without arguments, in any case, and their aliases', () => {
    expect(parseChatLine('/debug')).toEqual({ kind: 'debug' });
    expect(parseChatLine('/RUNS')).toEqual({ kind: 'runs' });
    expect(parseChatLine('/help')).toEqual({ kind: 'help' });
    expect(parseChatLine('/?')).toEqual({ kind: 'help' });
    expect(parseChatLine('/quit')).toEqual({ kind: 'quit' });
    expect(parseChatLine('/exit')).toEqual({ kind: 'quit' });
  });

  it('names an unknown command as typed', () => {
    expect(parseChatLine('/deploy now')).toEqual({ kind: 'unknown', command: '/deploy' });
    expect(parseChatLine('/')).toEqual({ kind: 'unknown', command: '/' });
  });

  it('reads // as a task that begins with a slash', () => {
    expect(parseChatLine('//etc/hosts explained')).toEqual({ kind: 'task', task: '/etc/hosts explained' });
  });
});

describe('unknownCommandLine', () => {
  it('is one line naming the command and every command there is', () => {
    const line = unknownCommandLine('/deploy');
    expect(line).not.toContain('\n');
    expect(line).toContain('/deploy');
    for (const name of ['/approve', '/reject', '/debug', '/runs', '/help', '/quit'])
      expect(line).toContain(name);
  });
});

describe('helpLines', () => {
  it('lists every command with what it does', () => {
    const lines = helpLines();
    expect(lines).toHaveLength(CHAT_COMMANDS.length + 1);
    for (const command of CHAT_COMMANDS)
      expect(lines.some((line) => line.includes(command.usage))).toBe(true);
  });
});

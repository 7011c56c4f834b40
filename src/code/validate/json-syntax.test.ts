import { describe, expect, it } from 'vitest';
import { checkJsonSyntax, isStrictJsonPath, jsonErrorOffset } from './json-syntax.js';

const BROKEN = [
  '{"a":}',
  '{"a":1,}',
  '{\n"a": 1\n"b": 2}',
  '[1,2',
  '[1 2]',
  '{"a" 1}',
  '{a: 1}',
  "{'a': 1}",
  '"tab\there"',
  '"bad \\x escape"',
  '[01]',
  '[1.]',
  '[-]',
  '[tru]',
  '{"a": [1, {"b": nul}]}',
  '{} {}',
  '',
  '   ',
  '{"a": "\\u12G4"}',
];

describe('jsonErrorOffset', () => {
  it('returns -1 for valid JSON', () => {
    for (const text of [
      '{}',
      '[]',
      '0',
      '-1.5e+3',
      '"\\u00e9\\n"',
      ' {"a": [true, false, null, {"b": "c"}]} ',
    ]) {
      expect(JSON.parse(text) !== undefined && jsonErrorOffset(text)).toBe(-1);
    }
  });

  it.each(BROKEN)('agrees with V8 where V8 gives a position: %j', (text) => {
    const error = (() => {
      try {
        JSON.parse(text);
      } catch (caught) {
        return (caught as Error).message;
      }
      throw new Error('expected invalid JSON');
    })();
    const offset = jsonErrorOffset(text);
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThanOrEqual(text.length);
    const v8 = /at position (\d+)/.exec(error)?.[1];
    if (v8 !== undefined) expect(offset).toBe(Number(v8));
  });
});

describe('checkJsonSyntax', () => {
  const file = (content: string) => ({ path: 'p.json', language: 'json', content, stepId: 's' });

  it('places an error V8 gives no position for, and drops the quoted input from the message', () => {
    expect(checkJsonSyntax(file('{\n  "name": "x",\n  "version": }\n'))).toEqual([
      { path: 'p.json', line: 3, column: 14, message: "Unexpected token '}'" },
    ]);
  });

  it('reports an empty file at its end', () => {
    expect(checkJsonSyntax(file(''))).toEqual([
      { path: 'p.json', line: 1, column: 1, message: 'Unexpected end of JSON input' },
    ]);
  });

  it('holds package.json to strict JSON but not tsconfig or VS Code settings', () => {
    expect(
      ['package.json', 'a/b.json', 'tsconfig.json', 'tsconfig.build.json', '.vscode/settings.json'].map(
        isStrictJsonPath,
      ),
    ).toEqual([true, true, false, false, false]);
  });
});

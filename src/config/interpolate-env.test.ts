// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} placeholders.
import { describe, expect, it } from 'vitest';
import { interpolateString, interpolateTree } from './interpolate-env.js';

describe('interpolateString', () => {
  it('replaces set variables and uses the default when unset or empty', () => {
    const env = { HOST: 'example.org', EMPTY: '' };
    expect(interpolateString('https://${HOST}:${PORT:-8080}/${EMPTY:-v1}', env)).toEqual({
      value: 'https://example.org:8080/v1',
      missing: [],
    });
  });

  it('keeps an empty value when there is no default', () => {
    expect(interpolateString('[${EMPTY}]', { EMPTY: '' })).toEqual({ value: '[]', missing: [] });
  });

  it('reports each unset variable without a default', () => {
    expect(interpolateString('${A}-${B}-${C:-c}', {}).missing).toEqual(['A', 'B']);
  });

  it('leaves $${NAME} as a literal ${NAME} and lower-case ${name} untouched', () => {
    expect(interpolateString('$${HOME} and ${name}', { HOME: '/root' }).value).toBe('${HOME} and ${name}');
  });
});

describe('interpolateTree', () => {
  it('interpolates strings at any depth, not keys, and reports the path of each missing variable', () => {
    const result = interpolateTree({ '${K}': { list: ['${X}', 3, '${Y}'] } }, { X: 'x' });
    expect(result.data).toEqual({ '${K}': { list: ['x', 3, ''] } });
    expect(result.missing).toEqual([{ path: ['${K}', 'list', 2], name: 'Y' }]);
  });
});

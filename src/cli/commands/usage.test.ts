import { describe, expect, it } from 'vitest';
import { parseDay, parseGroupBy, parseTime } from './usage.js';

const NOW = Date.parse('2026-11-21T12:00:00.000Z');

describe('parseTime', () => {
  it.each([
    ['7d', '2026-11-14T12:00:00.000Z'],
    ['24h', '2026-11-20T12:00:00.000Z'],
    ['30m', '2026-11-21T11:30:00.000Z'],
    ['2w', '2026-11-07T12:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T08:30:00+02:00', '2026-11-01T06:30:00.000Z'],
  ])('reads %s as %s', (value, iso) => {
    expect(parseTime('--since', value, NOW)).toBe(iso);
  });

  it.each(['yesterday', '7', '7 days', '-1d', '2026-13-01', '2026-02-30', '11/01/2026', ''])(
    'rejects %j with a usage error naming the flag',
    (value) => {
      expect(() => parseTime('--since', value, NOW)).toThrow(
        expect.objectContaining({ code: 'usage', message: expect.stringMatching(/^--since must be /) }),
      );
    },
  );
});

describe('parseDay and parseGroupBy', () => {
  it('accepts real days only', () => {
    expect(parseDay('--date', '2028-02-29')).toBe('2028-02-29');
    expect(() => parseDay('--date', '2026-02-29')).toThrow(/--date must be a calendar day/);
    expect(() => parseDay('--date', 'today')).toThrow(/got "today"/);
  });

  it('accepts the five groupings and lists them otherwise', () => {
    expect(['agent', 'model', 'provider', 'day', 'run'].map(parseGroupBy)).toHaveLength(5);
    expect(() => parseGroupBy('colour')).toThrow(
      expect.objectContaining({
        code: 'usage',
        message: '--by must be one of agent, model, provider, day, run; got "colour"',
      }),
    );
  });
});

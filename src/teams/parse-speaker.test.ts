import { describe, expect, it } from 'vitest';
import { mentions, parseSpeaker } from './parse-speaker.js';

const candidates = ['researcher', 'coder', 'critic', 'sub-coder'];

describe('parseSpeaker', () => {
  it('accepts an exact name after trimming, case, quotes, markdown and punctuation', () => {
    for (const answer of ['coder', ' Coder\n', '**coder**', '"coder".', '`critic`!', '- researcher']) {
      expect(parseSpeaker(answer, candidates)).not.toBeNull();
    }
    expect(parseSpeaker('  CODER. ', candidates)).toBe('coder');
  });

  it('accepts a sentence that mentions exactly one allowed name as a word', () => {
    expect(parseSpeaker('The critic should look at it next.', candidates)).toBe('critic');
    expect(parseSpeaker('Next: sub-coder', candidates)).toBe('sub-coder');
  });

  it('refuses no name, two names, and names inside other words', () => {
    expect(parseSpeaker('the intern', candidates)).toBeNull();
    expect(parseSpeaker('coder, then critic', candidates)).toBeNull();
    expect(parseSpeaker('the coders', candidates)).toBeNull();
    expect(parseSpeaker('', candidates)).toBeNull();
  });
});

describe('mentions', () => {
  it('matches whole words only, ignoring case', () => {
    expect(mentions('Write the CODE now', 'code')).toBe(true);
    expect(mentions('a codebase', 'code')).toBe(false);
    expect(mentions('sub-code', 'code')).toBe(false);
  });
});

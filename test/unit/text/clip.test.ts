import { describe, expect, it } from 'vitest';
import { clip } from '../../../src/text/clip.ts';

describe('clip', () => {
  it('keeps text up to the limit and marks a cut within it', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcd', 3)).toBe('ab…');
    expect(clip('abcd', 3)).toHaveLength(3);
  });
});

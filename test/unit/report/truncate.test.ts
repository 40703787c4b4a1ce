import { describe, expect, it } from 'vitest';
import { shareBudget, truncateMiddle } from '../../../src/report/truncate.ts';

describe('truncation', () => {
  it('keeps the start and the end, with a marker that says what was cut', () => {
    const text = 'A'.repeat(500) + 'Z'.repeat(500);
    const cut = truncateMiddle(text, 300, 'see file');
    expect(cut.truncated).toBe(true);
    expect(cut.text.length).toBeLessThanOrEqual(300);
    expect(cut.text.startsWith('AAA')).toBe(true);
    expect(cut.text.endsWith('ZZZ')).toBe(true);
    expect(cut.text).toContain('[truncated: 700 of 1000 characters cut; see file]');
    expect(truncateMiddle('short', 300, 'x')).toEqual({ text: 'short', truncated: false });
  });

  it('never splits a surrogate pair', () => {
    const cut = truncateMiddle('😀'.repeat(200), 151, 'x');
    expect(cut.text).not.toMatch(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
    );
  });

  it('shares a budget: small texts whole, the rest split evenly', () => {
    expect(shareBudget([10, 1000, 1000, 0], 410)).toEqual([10, 200, 200, 0]);
    expect(shareBudget([10, 20], 1000)).toEqual([10, 20]);
  });
});

describe('truncation with tiny budgets', () => {
  it.each([1, 5, 40, 200])('never exceeds a budget of %i characters', (budget) => {
    const cut = truncateMiddle(
      'x'.repeat(10_000),
      budget,
      'the full text is in /a/very/long/runner/temp/path/result.json',
    );
    expect(cut.truncated).toBe(true);
    expect(cut.text.length).toBeLessThanOrEqual(budget);
  });
});

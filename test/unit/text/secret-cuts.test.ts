// Issue 20 items 1 and 4: a cut or a poll edge must not let a secret through in pieces.
import { describe, expect, it } from 'vitest';
import { clip } from '../../../src/text/clip.ts';
import { StreamRedactor, makeRedactor } from '../../../src/text/secrets.ts';
import { truncateMiddle } from '../../../src/report/truncate.ts';
import { OutputBudget } from '../../../src/pool/output-budget.ts';
import type { CodeRunResult } from '../../../src/runs/result.ts';

const SECRET = 'tok-9f8e7d6c5b4a';
/** Longer than any cut marker, so a middle cut can fall inside it. */
const LONG_SECRET = `tok-${'q1w2e3r4t5'.repeat(40)}`;

/** Every fragment of the secret at least `n` characters long. */
function fragments(secret: string, n: number): string[] {
  const out: string[] = [];
  for (let len = n; len <= secret.length; len++) {
    out.push(secret.slice(0, len), secret.slice(secret.length - len));
  }
  return out;
}

function expectNoFragment(text: string, secret = SECRET): void {
  for (const part of fragments(secret, 4)) expect(text).not.toContain(part);
}

describe('a cut through a secret', () => {
  it('redacts the start of a secret left before a clipped error headline', () => {
    // `raise ValueError("x"*pad + token)`: the headline is clipped at 1,000 characters.
    const error = clip(`ValueError: ${'x'.repeat(1000 - 12 - SECRET.length + 2)}${SECRET}`, 1000);
    expect(error).toContain(SECRET.slice(0, -3));
    expectNoFragment(makeRedactor([SECRET])(error));
  });

  it('redacts both halves a middle cut leaves side by side', () => {
    const text = `${'a'.repeat(100)}${LONG_SECRET}${'b'.repeat(100)}`;
    for (let max = 300; max < text.length; max += 37) {
      const { text: cut } = truncateMiddle(text, max, 'note');
      expect(cut).toContain(LONG_SECRET.slice(0, 20));
      expectNoFragment(makeRedactor([LONG_SECRET])(cut), LONG_SECRET);
    }
  });

  it("redacts what a batch's OutputBudget middle cut leaves", () => {
    const stdout = `${'a'.repeat(5000)}${LONG_SECRET}${'b'.repeat(5000)}`;
    const result: CodeRunResult = {
      success: true,
      toolError: false,
      output: stdout,
      stdout,
      stderr: '',
      error: '',
      errorDetail: '',
      results: [],
      executionTimeS: 1,
      executionCount: undefined,
      traceId: '',
      format: 'legacy-text',
    };
    const { result: kept, cut } = new OutputBudget(stdout.length - 50, 1_000_000).take(result);
    expect(cut).toBe(true);
    expectNoFragment(makeRedactor([LONG_SECRET])(kept.stdout), LONG_SECRET);
  });

  it('leaves ordinary text next to a cut alone', () => {
    expect(makeRedactor([SECRET])('tokens … all good')).toBe('tokens … all good');
  });
});

describe('StreamRedactor', () => {
  it('finds a multi-line secret whose lines arrive in different polls', () => {
    const secret = 'line-one-secret\nline-two-secret';
    const stream = new StreamRedactor([secret]);
    const shown = [
      stream.push('before\nline-one-secret\n'),
      stream.push('line-two-secret\nafter\n'),
      stream.end(),
    ].join('');
    expect(shown).toBe('before\n***\nafter\n');
  });

  it('gives back what it held when nothing more comes', () => {
    const stream = new StreamRedactor(['line-one-secret\nline-two-secret']);
    expect(stream.push('line-one-secret\n')).toBe('');
    expect(stream.end()).toBe('line-one-secret\n');
  });
});

import { describe, expect, it } from 'vitest';
import type { CodeRunResult } from '../../../src/runs/result.ts';
import { OutputBudget } from '../../../src/pool/output-budget.ts';

function result(parts: Partial<CodeRunResult>): CodeRunResult {
  return {
    success: true,
    toolError: false,
    output: '',
    stdout: '',
    stderr: '',
    error: '',
    errorDetail: '',
    results: [],
    executionTimeS: 1,
    executionCount: 1,
    traceId: '',
    format: 'structured',
    ...parts,
  };
}

describe('OutputBudget', () => {
  it('keeps a run that fits whole, the very same object', () => {
    const budget = new OutputBudget(100, 1000);
    const small = result({
      stdout: 'x'.repeat(60),
      output: 'x'.repeat(60),
      stderr: 'e'.repeat(30),
    });
    expect(budget.take(small)).toEqual({ result: small, cut: false });
  });

  it('cuts one run to its own share, keeping the start and the end and saying so', () => {
    const budget = new OutputBudget(2000, 100_000);
    const stdout = `START${'x'.repeat(5000)}END`;
    const { result: kept, cut } = budget.take(result({ stdout, output: stdout }));
    expect(cut).toBe(true);
    expect(kept.stdout.length).toBeLessThanOrEqual(2000);
    expect(kept.stdout.startsWith('START')).toBe(true);
    expect(kept.stdout.endsWith('END')).toBe(true);
    expect(kept.stdout).toMatch(/truncated: \d+ of 5008 characters cut; a batch keeps at most/);
    expect(kept.output).toBe(kept.stdout);
  });

  it('bounds the batch as a whole: later runs get what the earlier left', () => {
    const budget = new OutputBudget(1000, 1500);
    const big = () => result({ stdout: 'y'.repeat(900), output: 'y'.repeat(900) });
    expect(budget.take(big()).cut).toBe(false);
    const second = budget.take(big());
    expect(second.cut).toBe(true);
    expect(second.result.stdout.length).toBeLessThanOrEqual(600);
    const third = budget.take(big());
    expect(third.cut).toBe(true);
    expect(third.result.stdout.length).toBeLessThanOrEqual(1);
    // Whatever a run printed, the batch never holds more than its total.
    const held = [second, third].reduce((n, r) => n + r.result.stdout.length, 900);
    expect(held).toBeLessThanOrEqual(1500);
  });

  it('reduces rich results over the budget to their text, never a cut image', () => {
    const budget = new OutputBudget(500, 10_000);
    const png = 'A'.repeat(10_000);
    const { result: kept } = budget.take(
      result({
        results: [
          { isMain: true, data: { 'image/png': png, 'text/plain': '<Figure>' } },
          { isMain: false, data: { 'application/json': { deep: 'z'.repeat(4000) } } },
        ],
      }),
    );
    expect(kept.results).toEqual([
      { isMain: true, data: { 'text/plain': '<Figure>' } },
      { isMain: false, data: {} },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { printableId } from '../../../src/text/printable-id.ts';

describe('printableId', () => {
  it('prints a plain id as it is', () => {
    expect(printableId('session-04bdwfj7u2a668axp')).toBe('session-04bdwfj7u2a668axp');
  });

  it.each([
    'session-x\n::set-output name=a::b',
    'a\r::error::b',
    'x\u2028y\u2029z\u0085w',
    '\u001b[31mred',
    'sessión',
    `s-${'x'.repeat(5000)}`,
  ])('quotes and escapes %j onto one printable ASCII line', (id) => {
    const shown = printableId(id);
    expect(shown).toMatch(/^"[\x20-\x7e]*"$/);
    expect(shown.length).toBeLessThan(1_000);
    expect(shown.split(/[\n\r\u2028\u2029\u0085]/)).toHaveLength(1);
  });
});

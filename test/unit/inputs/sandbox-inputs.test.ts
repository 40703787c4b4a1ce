import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../../src/inputs/sandbox-inputs.ts';

describe('parseEnv', () => {
  it('reads KEY=value lines, keeping = and spaces in values, skipping comments', () => {
    expect(parseEnv('env', 'A=1\n# note\n\nB= x=y \r\nC=')).toEqual({ A: '1', B: ' x=y ', C: '' });
  });

  it('reads a JSON object', () => {
    expect(parseEnv('env', '{"A": "1", "B": 2, "C": true}')).toEqual({ A: '1', B: '2', C: 'true' });
  });

  it('refuses bad names, nested values and lines without =, never echoing the value', () => {
    expect(() => parseEnv('env', '1A=x')).toThrow(/names must be letters/);
    expect(() => parseEnv('env', 'A B=x')).toThrow(/names must be letters/);
    expect(() => parseEnv('env', '{"A": {"b": 1}}')).toThrow(/not a string/);
    expect(() => parseEnv('secret-env', 'hunter2-secret')).toThrow(/line 1 has no '='/);
    try {
      parseEnv('secret-env', 'hunter2-secret');
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
    expect(() => parseEnv('env', '{"A": ')).toThrow(/not valid JSON/);
    expect(() =>
      parseEnv('env', Array.from({ length: 101 }, (_, i) => `V${i}=1`).join('\n')),
    ).toThrow(/at most 100/);
  });
});

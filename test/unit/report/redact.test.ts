import { describe, expect, it } from 'vitest';
import { parseRunCodeData, type CodeRunResult } from '../../../src/agentbay/run-code-result.ts';
import { redactDeep, redactResult } from '../../../src/report/redact.ts';
import { makeRedactor } from '../../../src/text/secrets.ts';

const KEY = 'akm-REDACT-0123456789-SECRET';

/** Every string anywhere in a value, keys included. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

describe('redactResult', () => {
  it('covers every string field of the result model, present and future', () => {
    const result = parseRunCodeData({
      content: [
        {
          text: JSON.stringify({
            executionError: `E ${KEY}\n  at line`,
            result: [JSON.stringify({ isMainResult: true, 'text/plain': KEY })],
            stdout: [KEY],
            stderr: [KEY],
            traceId: 'trace-1',
          }),
        },
      ],
      isError: false,
    });
    // Put the key in every string field, including ones this test does not know by name.
    const seeded = Object.fromEntries(
      Object.entries(result).map(([k, v]) => [k, typeof v === 'string' ? `${v} ${KEY}` : v]),
    ) as unknown as CodeRunResult;
    (seeded as unknown as Record<string, unknown>).someFieldAddedLater = `x ${KEY}`;
    const clean = redactResult(seeded, makeRedactor([KEY]));
    for (const text of strings(clean)) expect(text).not.toContain(KEY);
    expect(clean.errorDetail).toContain('***');
    expect(clean.error).toContain('***');
    expect((clean as unknown as Record<string, unknown>).someFieldAddedLater).toBe('x ***');
    expect(clean.success).toBe(result.success);
  });

  it('redacts object keys (MIME type names, JSON keys) and keeps `__proto__` a plain key', () => {
    const value = JSON.parse(
      `{"application/x-${KEY}": {"${KEY}": [1, "${KEY}"]}, "__proto__": {"a": "${KEY}"}}`,
    );
    const clean = redactDeep(value, (s) => s.split(KEY).join('***')) as Record<string, unknown>;
    expect(Object.keys(clean)).toEqual(['application/x-***', '__proto__']);
    expect(clean['application/x-***']).toEqual({ '***': [1, '***'] });
    expect(Object.getPrototypeOf(clean)).toBe(Object.prototype);
    expect(strings(clean).join(' ')).not.toContain(KEY);
  });

  it('walks 100 000 levels without overflowing the stack', () => {
    let deep: unknown = KEY;
    for (let i = 0; i < 100_000; i++) deep = { k: [deep] };
    let node = redactDeep(deep, (s) => s.split(KEY).join('***'));
    for (let i = 0; i < 100_000; i++) node = (node as { k: unknown[] }).k[0];
    expect(node).toBe('***');
  });

  it('scans a large stdout once when the result repeats it as `output`, and redacts both', () => {
    const stdout = `${'x'.repeat(1 << 20)} ${KEY}`;
    const scanned: number[] = [];
    const clean = redactDeep({ output: stdout, stdout, stderr: KEY }, (s) => {
      scanned.push(s.length);
      return s.split(KEY).join('***');
    }) as Record<string, string>;
    expect(scanned.filter((n) => n === stdout.length)).toHaveLength(1);
    expect(clean.output).toBe(clean.stdout);
    expect(clean.stdout?.endsWith(' ***')).toBe(true);
    expect(clean.stderr).toBe('***');
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_RESULT_DEPTH, parseRunCodeData } from '../../../src/agentbay/run-code-result.ts';

const payload = {
  executionError: '',
  result: [
    '{"isMainResult":true,"text/plain":"2"}',
    '{"isMainResult":false,"text/html":"<h1>hi</h1>"}',
  ],
  stdout: ['hel', 'lo\n'],
  stderr: [],
  executionTime: 0.042,
  executionCount: 1,
};
const envelope = (text: string, isError = false) => ({
  content: [{ type: 'text', text }],
  isError,
});

describe('parseRunCodeData', () => {
  it('reads the structured payload of the protocol page', () => {
    const r = parseRunCodeData(envelope(JSON.stringify(payload)));
    expect(r).toMatchObject({
      success: true,
      output: '2',
      stdout: 'hello\n',
      stderr: '',
      error: '',
      executionTimeS: 0.042,
      executionCount: 1,
      format: 'structured',
    });
    expect(r.results).toEqual([
      { isMain: true, data: { 'text/plain': '2' } },
      { isMain: false, data: { 'text/html': '<h1>hi</h1>' } },
    ]);
  });

  it('accepts Data as a JSON string and a double-encoded payload', () => {
    const data = JSON.stringify(envelope(JSON.stringify(JSON.stringify(payload))));
    expect(parseRunCodeData(data)).toMatchObject({ success: true, output: '2', stdout: 'hello\n' });
  });

  it('accepts items as objects, double-encoded items and snake_case keys', () => {
    const r = parseRunCodeData(
      envelope(
        JSON.stringify({
          execution_error: '',
          result: [
            { is_main_result: false, 'text/plain': 'first' },
            JSON.stringify(JSON.stringify({ is_main_result: true, 'text/plain': 'main' })),
          ],
          stdout: [],
          execution_time: '1.5',
          execution_count: 3,
        }),
      ),
    );
    expect(r).toMatchObject({ output: 'main', executionTimeS: 1.5, executionCount: 3 });
  });

  it('falls back from main result to first result to stdout', () => {
    const first = parseRunCodeData(
      envelope(
        JSON.stringify({ result: ['{"text/plain":"a"}', '{"text/plain":"b"}'], stdout: ['x'] }),
      ),
    );
    expect(first.output).toBe('a');
    const none = parseRunCodeData(
      envelope(JSON.stringify({ result: ['{"image/png":"iVBOR"}'], stdout: ['x', 'y'] })),
    );
    expect(none.output).toBe('xy');
  });

  it('treats plain text as legacy output, and as the error message when isError', () => {
    expect(parseRunCodeData(envelope('hello world\n'))).toMatchObject({
      success: true,
      output: 'hello world\n',
      stdout: 'hello world\n',
      format: 'legacy-text',
    });
    expect(parseRunCodeData(envelope('42'))).toMatchObject({
      success: true,
      output: '42',
      format: 'legacy-text',
    });
    expect(parseRunCodeData(envelope('tool not found: run_code', true))).toMatchObject({
      success: false,
      toolError: true,
      error: 'tool not found: run_code',
      stdout: '',
    });
  });

  it('fails on a non-empty executionError, with its headline as the error', () => {
    const traceback =
      'Traceback (most recent call last):\n  File "<cell>", line 1\nZeroDivisionError: division by zero';
    const r = parseRunCodeData(envelope(JSON.stringify({ ...payload, executionError: traceback })));
    expect(r).toMatchObject({
      success: false,
      toolError: false,
      error: 'ZeroDivisionError: division by zero',
      errorDetail: traceback,
    });
  });

  it('fails on isError with the traceback only in stderr', () => {
    const r = parseRunCodeData(
      envelope(
        JSON.stringify({
          ...payload,
          stderr: ['Traceback (most recent call last):\n', 'KeyError: 1\n'],
        }),
        true,
      ),
    );
    expect(r).toMatchObject({ success: false, toolError: true, error: 'KeyError: 1' });
  });

  it('reads the rich logs/results/error variant', () => {
    const r = parseRunCodeData(
      envelope(
        JSON.stringify({
          logs: { stdout: ['o'], stderr: ['e'] },
          results: [{ text: 'T', html: '<b>b</b>', png: 'iVBOR', is_main_result: true }],
          error: { name: 'ValueError', value: 'bad', traceback: ['line 1', 'ValueError: bad'] },
        }),
      ),
    );
    expect(r).toMatchObject({
      success: false,
      stdout: 'o',
      stderr: 'e',
      output: 'T',
      error: 'ValueError: bad',
      errorDetail: 'line 1\nValueError: bad',
      format: 'rich',
    });
    expect(r.results[0]!.data).toEqual({
      'text/plain': 'T',
      'text/html': '<b>b</b>',
      'image/png': 'iVBOR',
    });
  });

  it('uses the whole Data when content has no text', () => {
    expect(parseRunCodeData({ isError: false }).stdout).toBe('{"isError":false}');
  });

  it('counts isError: true in the payload as a failure, even with no executionError (Python SDK)', () => {
    const r = parseRunCodeData(
      envelope(JSON.stringify({ ...payload, isError: true, stderr: ['NameError: x\n'] })),
    );
    expect(r.success).toBe(false);
    expect(r.error).toBe('NameError: x');
  });

  it('reads short MIME keys in result items (text, html) as the Python SDK does', () => {
    const r = parseRunCodeData(
      envelope(
        JSON.stringify({
          ...payload,
          result: [JSON.stringify({ isMainResult: true, text: '42', html: '<b>42</b>' })],
        }),
      ),
    );
    expect(r.output).toBe('42');
    expect(r.results[0]!.data).toEqual({ 'text/plain': '42', 'text/html': '<b>42</b>' });
  });

  it('keeps the full MIME key when both spellings are there, and never maps inherited names', () => {
    const r = parseRunCodeData(
      envelope(
        JSON.stringify({
          ...payload,
          result: [{ 'text/plain': 'full', text: 'short', constructor: 'c', toString: 't' }],
        }),
      ),
    );
    expect(r.results[0]!.data).toEqual({
      'text/plain': 'full',
      text: 'short',
      constructor: 'c',
      toString: 't',
    });
  });

  it('keeps a `__proto__` key as a key: the sandbox cannot give a bundle a prototype', () => {
    const hostile = '{"isMainResult":true,"__proto__":{"text/plain":"forged"},"image/png":"AAAA"}';
    for (const data of [
      envelope(JSON.stringify({ ...payload, result: [hostile], stdout: ['real\n'] })),
      { logs: { stdout: ['real\n'] }, results: [JSON.parse(hostile) as object] },
    ]) {
      const parsed = parseRunCodeData(data);
      const item = parsed.results[0]!;
      expect(Object.getPrototypeOf(item.data)).toBe(Object.prototype);
      expect(Object.hasOwn(item.data, '__proto__')).toBe(true);
      // No inherited text/plain passes for the result's.
      expect(item.data['text/plain']).toBeUndefined();
      expect(parsed.output).toBe('real\n');
    }
  });

  it('falls back past an empty main text/plain: first non-empty text, then stdout', () => {
    const items = (...list: object[]) =>
      parseRunCodeData(
        envelope(JSON.stringify({ ...payload, result: list.map((i) => JSON.stringify(i)) })),
      ).output;
    // The first item is the empty main one, so neither rule finds a text: stdout.
    expect(items({ isMainResult: true, 'text/plain': '' }, { 'text/plain': 'second' })).toBe(
      'hello\n',
    );
    expect(items({ 'text/plain': 'first' }, { isMainResult: true, 'text/plain': '' })).toBe(
      'first',
    );
    expect(items({ isMainResult: true, 'text/plain': '' })).toBe('hello\n');
    expect(items({ 'text/plain': '' }, { isMainResult: true, 'text/plain': 'main' })).toBe('main');
  });

  it('keeps a traceId for support, and nothing that is not one', () => {
    const r = parseRunCodeData(envelope(JSON.stringify({ ...payload, traceId: 'ab12-cd.34' })));
    expect(r.traceId).toBe('ab12-cd.34');
    const hostile = parseRunCodeData(
      envelope(JSON.stringify({ ...payload, traceId: 'x\n::error::y' })),
    );
    expect(hostile.traceId).toBe('');
  });

  it('cuts results nested deeper than MAX_RESULT_DEPTH, whatever the depth', () => {
    // Written out by hand: JSON.stringify itself overflows at this depth.
    const deep = `${'{"k":['.repeat(200_000)}"leaf"${']}'.repeat(200_000)}`;
    const text = JSON.stringify({ ...payload, result: ['X'] }).replace(
      '"X"',
      `{"application/json":${deep}}`,
    );
    const r = parseRunCodeData(envelope(text));
    let depth = 0;
    let node: unknown = r.results[0]!.data;
    while (node && typeof node === 'object') {
      node = Object.values(node as object)[0];
      depth++;
    }
    expect(depth).toBeLessThanOrEqual(MAX_RESULT_DEPTH);
    expect(node).toBe(`[nested deeper than ${MAX_RESULT_DEPTH} levels; not kept]`);
    expect(() => JSON.stringify(r)).not.toThrow();
  });
});

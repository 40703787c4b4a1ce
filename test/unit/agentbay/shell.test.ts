import { describe, expect, it } from 'vitest';
import { parseShellAnswer, shellQuote } from '../../../src/agentbay/shell.ts';

describe('parseShellAnswer (the SDKs rules, addendum §2.2)', () => {
  it('reads exit_code on success', () => {
    expect(parseShellAnswer('{"stdout":"hello\\n","stderr":"","exit_code":0}', false)).toEqual({
      exitCode: 0,
      success: true,
      stdout: 'hello\n',
      stderr: '',
      timedOut: false,
    });
  });

  it('reads errorCode or exit_code, in either branch', () => {
    expect(parseShellAnswer('{"errorCode":1,"stderr":"no","stdout":""}', true)).toMatchObject({
      exitCode: 1,
      success: false,
      stderr: 'no',
    });
    expect(parseShellAnswer('{"exit_code":127,"stdout":"","stderr":"x"}', false)).toMatchObject({
      exitCode: 127,
      success: false,
    });
    expect(parseShellAnswer('{"exit_code":2,"stderr":"x"}', true)).toMatchObject({
      exitCode: 2,
      success: false,
    });
  });

  it('takes JSON as the wrapped result only in its shape (SDK 0.21): printed JSON stays stdout', () => {
    for (const printed of [
      '{"exit_code": 1}',
      '{"exit_code": 1.5, "stdout": ""}',
      '{"exit_code": "1", "stdout": ""}',
      '{"stdout": "x"}',
      '{"errorCode": 4, "stdout": "x"}',
      '[{"exit_code": 0, "stdout": "", "stderr": ""}]',
      '"{\\"exit_code\\": 1}"',
    ]) {
      expect(parseShellAnswer(printed, false), printed).toEqual({
        exitCode: 0,
        success: true,
        stdout: printed,
        stderr: '',
        timedOut: false,
      });
    }
    // Both strings without an exit code: wrapped, as the SDK reads it.
    expect(parseShellAnswer('{"stdout":"a","stderr":"b"}', false)).toMatchObject({
      exitCode: 0,
      stdout: 'a',
      stderr: 'b',
    });
    // A failure whose text is JSON of another shape is the raw error text.
    expect(parseShellAnswer('{"exit_code":2}', true)).toMatchObject({
      success: false,
      errorText: '{"exit_code":2}',
    });
  });

  it('takes plain text from a legacy backend as success, and knows the timeout text', () => {
    expect(parseShellAnswer('plain output', false)).toMatchObject({
      success: true,
      stdout: 'plain output',
    });
    const timeout = parseShellAnswer(
      'Error in response: Execution failed. Error code:-1 Error message: [timeout]',
      true,
    );
    expect(timeout).toMatchObject({ success: false, timedOut: true });
    expect(parseShellAnswer('Tool shell is not available', true)).toMatchObject({
      success: false,
      timedOut: false,
      errorText: 'Tool shell is not available',
    });
  });

  it('does not take a JSON string or array for a result', () => {
    expect(parseShellAnswer('"{}"', false)).toMatchObject({ success: true, stdout: '"{}"' });
    expect(parseShellAnswer('[1]', true)).toMatchObject({ success: false });
  });
});

describe('shellQuote', () => {
  it('makes one word of anything', () => {
    expect(shellQuote("it's a $HOME `x` \n ü")).toBe("'it'\\''s a $HOME `x` \n ü'");
  });
});

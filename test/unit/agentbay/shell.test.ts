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
    expect(parseShellAnswer('{"exit_code":2}', true)).toMatchObject({
      exitCode: 2,
      success: false,
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

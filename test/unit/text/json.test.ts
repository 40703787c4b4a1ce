import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../../src/agentbay/refusal.ts';
import { identifier, parseIfText, stringField, tryParseJson } from '../../../src/text/json.ts';

describe('reading answers', () => {
  it('reads a refusal only from Success:false, with a reason even without ErrMsg', () => {
    expect(refusalOf({ Success: false, ErrMsg: 'no capacity' })).toBe('no capacity');
    expect(refusalOf({ Success: false, ErrMsg: '' })).toBe('unknown reason');
    expect(refusalOf({ Success: true, ErrMsg: 'x' })).toBeUndefined();
    expect(refusalOf({ content: [] })).toBeUndefined();
    expect(refusalOf('Success: false')).toBeUndefined();
  });

  it('keeps plain ids and drops anything that could be markup or a command', () => {
    expect(identifier('A1B2-c3.d:e_f')).toBe('A1B2-c3.d:e_f');
    expect(identifier(42)).toBe('42');
    expect(identifier('x\n::error::y')).toBe('');
    expect(identifier('<b>')).toBe('');
    expect(identifier('a'.repeat(129))).toBe('');
  });

  it('parses either encoding of a field, and nothing that is not JSON', () => {
    expect(parseIfText('{"a":1}')).toEqual({ a: 1 });
    expect(parseIfText({ a: 1 })).toEqual({ a: 1 });
    expect(parseIfText('not json')).toBeUndefined();
    expect(tryParseJson('[1')).toBeUndefined();
  });

  it('reads text and number fields as text, anything else as empty', () => {
    expect(stringField({ a: 'x', b: 2, c: true, d: null }, 'a')).toBe('x');
    expect(stringField({ b: 2 }, 'b')).toBe('2');
    expect(stringField({ c: true }, 'c')).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalLanguage } from '../../../src/runs/language.ts';
import { InputError } from '../../../src/inputs/input-error.ts';
import {
  parseBoolean,
  parseEndpoint,
  parseInteger,
  parseLabels,
} from '../../../src/inputs/parse.ts';

describe('parseEndpoint', () => {
  it.each([
    ['wuyingai.ap-southeast-1.aliyuncs.com', 'https://wuyingai.ap-southeast-1.aliyuncs.com'],
    [
      'https://wuyingai.ap-southeast-1.aliyuncs.com/',
      'https://wuyingai.ap-southeast-1.aliyuncs.com',
    ],
    ['https://gw.example.com:8443', 'https://gw.example.com:8443'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.1.2.3', 'http://127.1.2.3'],
    ['http://localhost:9', 'http://localhost:9'],
    ['http://[::1]:9', 'http://[::1]:9'],
    ['127.0.0.1:7000', 'https://127.0.0.1:7000'],
  ])('%s → %s', (input, origin) => {
    expect(parseEndpoint(input)).toBe(origin);
  });

  it.each([
    'http://10.0.0.1',
    'http://example.com',
    'http://127.0.0.1.evil.com',
    'ftp://example.com',
    'https://a/b',
    'https://a?x=1',
    'https://u:p@a',
    'https://a#f',
    'a b',
    '',
  ])('rejects %s', (input) => {
    expect(() => parseEndpoint(input)).toThrow(InputError);
  });
});

describe('parseLabels', () => {
  it('reads JSON objects and key=value lines', () => {
    expect(parseLabels('{"team":"data","n":3}')).toEqual({ team: 'data', n: '3' });
    expect(parseLabels('team = data\n# comment\n\nurl=https://x/?a=b')).toEqual({
      team: 'data',
      url: 'https://x/?a=b',
    });
  });

  it('enforces the service limits', () => {
    expect(() => parseLabels(`k=${'v'.repeat(257)}`)).toThrow(/at most 256/);
    expect(() => parseLabels(`${'k'.repeat(129)}=v`)).toThrow(/at most 128/);
    expect(() => parseLabels('k=')).toThrow(/must not be empty/);
    expect(() => parseLabels(Array.from({ length: 16 }, (_, i) => `k${i}=v`).join('\n'))).toThrow(
      /at most 15 labels/,
    );
    expect(() => parseLabels('[1]')).toThrow(/key=value/);
  });
});

describe('scalars', () => {
  it('parses whole numbers in range only', () => {
    const range = { min: 1, max: 60, fallback: 60, unit: 'seconds' } as const;
    expect(parseInteger('timeout', '', range)).toBe(60);
    expect(parseInteger('timeout', '60', range)).toBe(60);
    for (const bad of ['0', '61', '1.5', '1e1', ' 5', '0x10', '-1'])
      expect(() => parseInteger('timeout', bad, range)).toThrow(InputError);
  });

  it('names the unit it was given, whatever the input is called', () => {
    const range = { min: 1, max: 9, fallback: 1, unit: 'bytes' } as const;
    expect(() => parseInteger('timeout', '10', range)).toThrow(
      "Input 'timeout' must be a whole number of bytes from 1 to 9; got '10'",
    );
  });

  it("parses booleans by core.getBooleanInput's rules, and only those", () => {
    for (const yes of ['true', 'True', 'TRUE']) expect(parseBoolean('x', yes, false)).toBe(true);
    for (const no of ['false', 'False', 'FALSE']) expect(parseBoolean('x', no, true)).toBe(false);
    expect(parseBoolean('x', '', true)).toBe(true);
    for (const other of ['yes', 'no', 'on', 'off', '1', '0', 'tRue', 'nope']) {
      expect(() => parseBoolean('x', other, true)).toThrow(
        `Input 'x' must be true or false; got '${other}'`,
      );
    }
  });

  it('maps the SDK language aliases', () => {
    expect(['py', 'Python3', 'JS', 'node', 'nodejs', 'R', 'java'].map(canonicalLanguage)).toEqual([
      'python',
      'python',
      'javascript',
      'javascript',
      'javascript',
      'r',
      'java',
    ]);
    expect(canonicalLanguage('ruby')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildRpcRequest, popTimestamp } from '../../../src/agentbay/rpc.ts';
import { ACTION_VERSION } from '../../../src/version.ts';

describe('buildRpcRequest', () => {
  it('puts the common query fields first, in the SDK order, and sorts the form', () => {
    const request = buildRpcRequest(
      {
        action: 'GetSessionDetail',
        form: { Z: 'z', A: 'a b', Skip: undefined, Empty: '' },
        query: { SessionId: 's-1' },
        userAgent: 'ua',
      },
      new Date('2026-01-29T09:30:00.123Z'),
      'n'.repeat(64),
    );
    expect(request.path).toBe(
      `/?Action=GetSessionDetail&Format=json&Version=2025-05-06&Timestamp=2026-01-29T09%3A30%3A00Z&SignatureNonce=${'n'.repeat(64)}&SessionId=s-1`,
    );
    expect(request.body).toBe('A=a%20b&Empty=&Z=z');
    expect(request.headers).toEqual({
      'x-acs-version': '2025-05-06',
      'x-acs-action': 'GetSessionDetail',
      'user-agent': 'ua',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(popTimestamp(new Date('2026-11-26T06:46:51.999Z'))).toBe('2026-11-26T06:46:51Z');
  });
});

it('the user agent version matches package.json', () => {
  const pkg = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as {
    version: string;
  };
  expect(ACTION_VERSION).toBe(pkg.version);
});

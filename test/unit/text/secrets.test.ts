import { describe, expect, it } from 'vitest';
import { makeRedactor, redactText, secretForms } from '../../../src/text/secrets.ts';
import { keyFormIn } from '../../key-forms.ts';

const KEY = 'akm+TEST/0123=abc%def&x~y!z"q\\';

describe('secretForms / makeRedactor', () => {
  const redact = makeRedactor([KEY]);
  const carriers: Array<[string, string]> = [
    ['raw', `x ${KEY} y`],
    ['encodeURIComponent', `Authorization=Bearer%20${encodeURIComponent(KEY)}&x`],
    [
      'lower-case percent',
      `k=${encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}`,
    ],
    ['JSON-escaped', JSON.stringify({ key: KEY })],
    ['decimal entities', KEY.replace(/[^A-Za-z0-9]/g, (c) => `&#${c.charCodeAt(0)};`)],
    ['hex entities', KEY.replace(/[^A-Za-z0-9]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`)],
    ['named entities', KEY.replace(/&/g, '&amp;').replace(/"/g, '&quot;')],
    ...[0, 1, 2, 3, 7].map((pad): [string, string] => [
      `base64 after ${pad} bytes`,
      Buffer.from(`${'B'.repeat(pad)}${KEY}tail`).toString('base64'),
    ]),
    ['base64url of Bearer', Buffer.from(`Bearer ${KEY}`).toString('base64url')],
  ];
  it.each(carriers)('finds the %s form', (_name, text) => {
    expect(keyFormIn(text, KEY)).not.toBe('');
    expect(keyFormIn(redact(text), KEY)).toBe('');
  });

  it('leaves text without the key alone, and ignores secrets too short to be one', () => {
    expect(redact('nothing to see')).toBe('nothing to see');
    expect(secretForms('abc')).toEqual([]);
    expect(redactText('abc abc', ['abc'])).toBe('abc abc');
  });

  it('replaces a form containing another as a whole', () => {
    expect(redactText(`a ${KEY} b`, [KEY])).toBe('a *** b');
  });
});

describe('keyFormIn', () => {
  it('finds a key that is not ASCII in base64, by its UTF-8 bytes', () => {
    const key = 'sk-batch-Q7#secret value/ü';
    expect(keyFormIn(`x ${Buffer.from(`Bearer ${key}`).toString('base64')} y`, key)).toBe('base64');
  });
});

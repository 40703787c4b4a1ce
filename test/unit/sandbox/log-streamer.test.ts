import { describe, expect, it } from 'vitest';
import { logStreamer } from '../../../src/sandbox/work-environment.ts';

/** What the streamer wrote, without the stop-commands fences around each piece. */
function capture(limit: number, secrets: string[] = [], label?: string) {
  const written: string[] = [];
  const print = logStreamer(secrets, { limit, label, write: (s) => written.push(s) });
  const text = () =>
    written
      .filter((s) => !/^::(stop-commands::)?[0-9a-f]{32}::\n$|^::stop-commands::/.test(s))
      .join('');
  return { print, text, written };
}

describe('logStreamer', () => {
  it('prints each stream up to its limit, says so once, and then nothing more', () => {
    const { print, text } = capture(10);
    print('stdout', 'abcdef\n');
    print('stdout', 'ghijkl\n');
    print('stdout', 'never\n');
    print('stderr', 'err\n');
    expect(text()).toBe(
      'abcdef\nghi\nOnly the first 10 characters of stdout are shown in the log.\nerr\n',
    );
  });

  it('fences every piece against workflow commands', () => {
    const { print, written } = capture(100);
    print('stdout', '::error::pwned\n');
    expect(written[0]).toMatch(/^::stop-commands::[0-9a-f]{32}\n$/);
    expect(written[1]).toBe('::error::pwned\n');
    expect(written[2]).toBe(`::${written[0]!.slice('::stop-commands::'.length, -1)}::\n`);
  });

  it('redacts before it cuts: a secret at the limit is never half printed', () => {
    const { print, text } = capture(5, ['s3cr3t-value']);
    print('stdout', 'ab s3cr3t-value\n');
    expect(text()).not.toContain('s3');
    expect(text()).toContain('ab **\n');
  });

  it('with a label, every line says whose it is, the notice too', () => {
    const { print, text } = capture(12, [], 'a.py');
    print('stdout', 'one\ntwo\nthree\n');
    expect(text()).toBe(
      '[a.py] one\n[a.py] two\n[a.py] thre\n[a.py] Only the first 12 characters of stdout are shown in the log.\n',
    );
  });

  it('redacts a multi-line secret whose lines arrive in different polls (issue 20, item 4)', () => {
    const secret = 'first-line-of-key\nsecond-line-of-key';
    const { print, text } = capture(1000, [secret]);
    print('stdout', 'start\nfirst-line-of-key\n');
    print('stdout', 'second-line-of-key\nend\n');
    print('stdout', '', true);
    expect(text()).not.toContain('line-of-key');
    expect(text()).toBe('start\n***\nend\n');
  });
});

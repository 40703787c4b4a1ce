import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { noResult } from '../../../src/runs/judge.ts';
import { doctestDriver, doctestResult } from '../../../src/runs/doctest.ts';

/** The driver run by the runner's own python3, as one script, `before` run first in its namespace. */
function drive(session: string, before = ''): string {
  return execFileSync(
    'python3',
    ['-c', `${before}\n${doctestDriver(session, 'p.md:10', 'n0nce')}`],
    {
      encoding: 'utf8',
    },
  );
}

const ran = (stdout: string) => ({ ...noResult(''), success: true, stdout, output: stdout });

describe('the doctest driver, run by a real Python', () => {
  it('passes a session whose examples print what it shows, with ELLIPSIS and NORMALIZE_WHITESPACE', () => {
    const session = [
      '>>> x = 40',
      '>>> x + 2',
      '42',
      '>>> print(list(range(20)))  # doctest: +ELLIPSIS',
      '[0, 1, ..., 19]',
      '>>> print("a    b")  # doctest: +NORMALIZE_WHITESPACE',
      'a b',
      '>>> 1 / 0',
      'Traceback (most recent call last):',
      '  ...',
      'ZeroDivisionError: division by zero',
      '',
    ].join('\n');
    const judged = doctestResult(ran(drive(session)), 'n0nce', 11);
    expect(judged.result.success).toBe(true);
    expect(judged.result.stdout).toBe('');
  });

  it('uses the namespace the page built and leaves its names in it, and nothing of its own', () => {
    const out = drive('>>> y = x * 2\n>>> y\n4\n', 'x = 2');
    expect(doctestResult(ran(out), 'n0nce', 1).result.success).toBe(true);
    const after = execFileSync(
      'python3',
      [
        '-c',
        `x = 2\n${doctestDriver('>>> y = x * 2\n', 'p', 'n')}\nprint(sorted(k for k in globals() if not k.startswith("__")))`,
      ],
      { encoding: 'utf8' },
    );
    expect(after.trim().split('\n').at(-1)).toBe("['x', 'y']");
  });

  it('fails a mismatch and an unexpected exception at their page lines, expected against got', () => {
    const session = ['>>> 1 + 1', '3', '>>> print("ok")', 'ok', '>>> undefined_name', '1', ''].join(
      '\n',
    );
    const judged = doctestResult(ran(drive(session)), 'n0nce', 11);
    expect(judged.result.success).toBe(false);
    expect(judged.result.error).toBe('doctest: 2 of 3 examples failed, the first at line 11');
    expect(judged.failureLine).toBe(11);
    expect(judged.result.errorDetail).toContain(
      'Line 11, failed example:\n    1 + 1\nExpected:\n    3\nGot:\n    2',
    );
    expect(judged.result.errorDetail).toMatch(
      /Line 15, failed example:\n {4}undefined_name\nExpected:\n {4}1\nException raised:\n[\s\S]*NameError: name 'undefined_name' is not defined/,
    );
  });

  it('words a single failure on its own', () => {
    const judged = doctestResult(ran(drive('>>> print("a")\nb\n')), 'n0nce', 5);
    expect(judged.result.error).toBe(
      'doctest: the example at line 5 printed something other than the session shows',
    );
  });

  it('carries a session doctest cannot parse as the error it is', () => {
    const out = (() => {
      try {
        return drive('>>> if True:\n  ...     pass\n');
      } catch (error) {
        return String((error as { stderr?: string }).stderr);
      }
    })();
    expect(out).toMatch(/ValueError: line 2 of the docstring for p\.md:10 lacks blank after/);
  });
});

describe('reading what the driver printed', () => {
  it('takes only the line with its own nonce, and refuses a forged or missing one', () => {
    const forged = 'agentbay-run-code doctest other-nonce []\n';
    expect(doctestResult(ran(forged), 'n0nce', 1).result.error).toMatch(/reported no result/);
    expect(
      doctestResult(ran('agentbay-run-code doctest n0nce {not json\n'), 'n0nce', 1).result.error,
    ).toMatch(/cannot read/);
    expect(
      doctestResult(ran('agentbay-run-code doctest n0nce []\n'), 'n0nce', 1).result.error,
    ).toMatch(/holds no example/);
  });

  it('leaves a failed driver run as it is', () => {
    const failed = { ...noResult('SystemExit: 3'), success: false };
    expect(doctestResult(failed, 'n0nce', 1).result).toBe(failed);
  });

  it('bounds the report of a session with very many failures', () => {
    const examples = Array.from({ length: 500 }, (_, i) => ({
      line: i,
      ok: false,
      source: 'x\n',
      want: '1\n',
      got: '2\n',
    }));
    const judged = doctestResult(
      ran(`agentbay-run-code doctest n0nce ${JSON.stringify(examples)}\n`),
      'n0nce',
      1,
    );
    expect(judged.result.errorDetail).toContain('... and 480 more failing examples');
    expect(judged.result.errorDetail.length).toBeLessThan(5000);
  });
});

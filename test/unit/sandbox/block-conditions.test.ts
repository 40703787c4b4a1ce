import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { noResult } from '../../../src/runs/judge.ts';
import { conditionCode, conditionVerdict } from '../../../src/sandbox/block-conditions.ts';
import type { BlockCondition } from '../../../src/runs/markdown-blocks.ts';

/** The conditions evaluated by the runner's own python3, as the sandbox's would. */
function evaluate(conditions: BlockCondition[], before = '') {
  const stdout = execFileSync('python3', ['-c', `${before}\n${conditionCode(conditions, 'n')}`], {
    encoding: 'utf8',
  });
  return conditionVerdict({ ...noResult(''), success: true, stdout, output: stdout }, 'n');
}

describe('skip conditions', () => {
  it('skips on a true skipif, with sys, os and platform at hand, and says why', () => {
    expect(evaluate([{ kind: 'skipif', argument: 'sys.version_info >= (3, 0)', line: 4 }])).toEqual(
      {
        skip: 'skipif(sys.version_info >= (3, 0)) at line 4 is true',
      },
    );
    expect(
      evaluate([
        { kind: 'skipif', argument: 'platform.system() == "NoSuchOS", reason="x"', line: 4 },
      ]),
    ).toEqual({ skip: '' });
    // pytest evaluates a string condition too.
    expect(evaluate([{ kind: 'skipif', argument: '"os.sep == \'/\'"', line: 2 }])).toEqual({
      skip: `skipif("os.sep == '/'") at line 2 is true`,
    });
  });

  it('skips when an import fails and runs when it works', () => {
    expect(evaluate([{ kind: 'importorskip', argument: 'json', line: 1 }])).toEqual({ skip: '' });
    const skipped = evaluate([
      { kind: 'importorskip', argument: 'not_installed_anywhere', line: 9 },
    ]);
    expect(skipped).toEqual({
      skip: "importorskip(not_installed_anywhere) at line 9: No module named 'not_installed_anywhere'",
    });
  });

  it("evaluates outside the page's namespace and leaves nothing in it", () => {
    const stdout = execFileSync(
      'python3',
      [
        '-c',
        `sys = "the page's own"\n${conditionCode([{ kind: 'skipif', argument: 'sys.maxsize > 0', line: 1 }], 'n')}\nprint(sorted(k for k in globals() if not k.startswith("__")), sys)`,
      ],
      { encoding: 'utf8' },
    );
    expect(stdout).toContain("['sys'] the page's own");
  });

  it('fails the block when a condition cannot be evaluated, or nothing answers', () => {
    const failed = { ...noResult("NameError: name 'numpy' is not defined"), success: false };
    expect(conditionVerdict(failed, 'n')).toMatchObject({
      error: {
        success: false,
        error:
          "the block's skip condition could not be evaluated: NameError: name 'numpy' is not defined",
      },
    });
    const forged = {
      ...noResult(''),
      success: true,
      stdout: 'agentbay-run-code condition other "x"\n',
    };
    expect(conditionVerdict(forged, 'n')).toMatchObject({ error: { success: false } });
  });
});

// Huge sandbox output: outputs cut to the budget, the summary under 1 MiB, the result file
// whole, and the action's memory bounded.
import { readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAction, runningSessions, useServer } from './harness.ts';

const server = useServer();

describe('50 MB of output', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  beforeAll(async () => {
    run = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        // 50 lines of 1 MiB: the start and the end are recognisable.
        code: 'import sys\nfor i in range(50):\n    sys.stdout.write(chr(65 + i % 26) * (1024 * 1024 - 1) + "\\n")\nprint("THE END")\n',
      },
      env: { ACTIONS_STEP_DEBUG: 'true' },
    });
  }, 120_000);

  it('succeeds and cuts the outputs to the default budget', () => {
    expect(run.main.code).toBe(0);
    const o = run.main.outputs;
    expect(o.truncated).toBe('true');
    expect(o.stdout!.startsWith('AAAA')).toBe(true);
    expect(o.stdout!.endsWith('THE END\n')).toBe(true);
    expect(o.stdout).toMatch(
      /\[truncated: \d+ of 52428808 characters cut; the full text is in .*\.json\]/,
    );
    const total = ['output', 'stdout', 'stderr', 'error'].reduce((n, k) => n + o[k]!.length * 2, 0);
    expect(total).toBeLessThanOrEqual(262_144);
    expect(Buffer.byteLength(run.main.files.output!)).toBeLessThan(400_000);
  });

  it('keeps everything in the result file', () => {
    const file = run.main.outputs['result-file']!;
    expect(statSync(file).size).toBeGreaterThan(50 * 1024 * 1024);
    const result = JSON.parse(readFileSync(file, 'utf8'));
    expect(result.stdout.length).toBe(50 * 1024 * 1024 + 'THE END\n'.length);
    // The output is stdout here: stored once, with a pointer to it, not a second copy.
    expect(statSync(file).size).toBeLessThan(51 * 1024 * 1024);
    expect(result).not.toHaveProperty('output');
    expect(result.outputPointer).toBe('/stdout');
  });

  it('keeps the job summary under 1 MiB and says what it cut', () => {
    expect(Buffer.byteLength(run.main.summary)).toBeLessThan(1024 * 1024);
    expect(run.main.summary).toContain('Cut to fit the job summary: stdout');
  });

  it('keeps its peak memory to a few hundred MB', () => {
    const peak = Number(/::debug::Peak memory: (\d+) MiB/.exec(run.main.stdout)?.[1]);
    console.log(`peak RSS of the main step with 50 MB of output: ${peak} MiB`);
    expect(peak).toBeGreaterThan(50);
    // Measured 290–390 MiB (GC timing varies); the bound is what "a few hundred MB" allows.
    expect(peak).toBeLessThan(480);
  });

  it('still deletes the session', () => {
    expect(run.post.code).toBe(0);
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('a smaller max-output-size', () => {
  it('is honoured across all text outputs', async () => {
    const { main } = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'import sys\nprint("o" * 5000)\nprint("e" * 5000, file=sys.stderr)\n',
        'max-output-size': '4096',
      },
    });
    const o = main.outputs;
    expect(o.truncated).toBe('true');
    expect(
      (o.stdout!.length + o.stderr!.length + o.output!.length + o.error!.length) * 2,
    ).toBeLessThanOrEqual(4096);
    expect(o.stdout).toContain('[truncated:');
    expect(o.stderr).toContain('[truncated:');
  });
});

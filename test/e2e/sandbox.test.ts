// The repository in the sandbox, end to end with the bundled steps: files in, setup, env and
// secret-env, files out, runs past 60 s, and cancellation at each stage.
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeCommands,
  expectNoSecretWritten,
  interruptMain,
  makeWorkdir,
  runAction,
  runningSessions,
  runStep,
  TEST_KEY,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();

const SECRET = 'sk-live-Zq8#secret value/ü';

/** The repository the step runs in: scripts, a CSV, a binary blob and a file not to upload. */
function repository(blob: Buffer): Record<string, string | Buffer> {
  return {
    'scripts/helpers.py': 'def total(rows):\n    return sum(int(r[1]) for r in rows)\n',
    'scripts/validate_data.py': [
      'import csv, hashlib, os',
      'from helpers import total',
      "rows = list(csv.reader(open('data/table.csv')))[1:]",
      "blob = open('data/blob.bin', 'rb').read()",
      "marker = open('setup-marker.txt').read().strip()",
      "secret = os.environ['API_TOKEN']",
      "print('the secret is', secret)",
      "print('mode', os.environ['MODE'])",
      "os.makedirs('out', exist_ok=True)",
      "with open('out/report.bin', 'wb') as fh:",
      "    fh.write(str(total(rows)).encode() + b'|' + marker.encode() + b'|' + hashlib.sha256(secret.encode()).hexdigest().encode() + b'|' + blob)",
      "print('total', total(rows))",
    ].join('\n'),
    'data/table.csv': 'name,amount\na,2\nb,40\n',
    'data/blob.bin': blob,
    'data/ignored.tmp': 'not uploaded',
  };
}

describe('a repository script with upload, setup, env, secret-env and download', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  const blob = randomBytes(200_000);
  beforeAll(async () => {
    run = await runAction({
      workdir: workspaceWith(repository(blob)),
      inputs: {
        ...server.inputs(),
        file: 'scripts/validate_data.py',
        upload: 'scripts/*.py\ndata/*\n!data/*.tmp',
        setup:
          'echo "installing"; echo installed > setup-marker.txt; echo "token seen by setup: $API_TOKEN"',
        env: 'MODE=strict',
        'secret-env': `API_TOKEN=${SECRET}`,
        download: 'out/**',
      },
    });
  });

  it('runs the script as from the workspace root: sibling import, CSV, binary, setup marker, variables', () => {
    expect(run.main.code).toBe(0);
    expect(run.main.outputs.success).toBe('true');
    expect(run.main.outputs.stdout).toContain('total 42');
    expect(run.main.outputs.stdout).toContain('mode strict');
    expect(run.main.stdout).toMatch(/::group::Setup/);
    expect(run.main.stdout).toContain('installing');
    // The setup output is in the summary too, collapsed, with the secret redacted.
    expect(run.main.summary).toMatch(
      /<details><summary>Setup output<\/summary>[\s\S]*installing[\s\S]*token seen by setup: \*\*\*/,
    );
  });

  it('brings the report back byte for byte, lists it in files and download-dir', () => {
    const dir = run.main.outputs['download-dir']!;
    expect(dir.startsWith(run.workdir.runnerTemp)).toBe(true);
    const report = readFileSync(path.join(dir, 'out', 'report.bin'));
    const expected = Buffer.concat([
      Buffer.from(`42|installed|${createHash('sha256').update(SECRET).digest('hex')}|`),
      blob,
    ]);
    expect(report.equals(expected)).toBe(true);
    const files = JSON.parse(run.main.outputs.files!) as { path: string }[];
    expect(files.map((f) => f.path)).toContain(path.join(dir, 'out', 'report.bin'));
  });

  it('never writes the secret-env value anywhere, in any encoding, though code and setup printed it', () => {
    expect(run.main.outputs.stdout).toContain('the secret is ***');
    expectNoSecretWritten([SECRET], { steps: [run.main, run.post], workdir: run.workdir });
    // Masked first: before any other line of the log.
    const lines = run.main.stdout.split('\n');
    const firstOther = lines.findIndex((line) => !line.startsWith('::add-mask::'));
    expect(lines[0]).toBe(`::add-mask::${TEST_KEY}`);
    expect(lines.slice(0, firstOther)).toContain(`::add-mask::${SECRET}`);
    // Its encoded forms are masked too (base64 at each alignment, URL-encoded, …).
    expect(firstOther).toBeGreaterThan(4);
    expect(
      activeCommands(run.main.stdout).filter(
        (c) =>
          !c.startsWith('::add-mask::') &&
          !c.startsWith('::group::') &&
          !c.startsWith('::endgroup::') &&
          !c.startsWith('::debug::'),
      ),
    ).toEqual([]);
  });

  it('keeps the env preamble out of the request log of the code and the code section', () => {
    expect(run.main.summary).not.toContain('_ab_os');
    expect(run.main.summary).not.toContain('environ.update');
    const resultFile = JSON.parse(readFileSync(run.main.outputs['result-file']!, 'utf8'));
    expect(JSON.stringify(resultFile)).not.toContain('_ab_os');
  });

  it('leaves no session behind', () => {
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('a failing setup', () => {
  it('fails the step with the exit code and the tail of its output; the code never runs', async () => {
    const before = server.requests().length;
    const run = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'print("should not run")',
        setup: 'echo "collecting requirements"\necho "ERROR: no such package" >&2\nexit 3',
      },
    });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/::error::setup failed with exit code 3; the code did not run/);
    expect(run.main.stdout).toContain('ERROR: no such package');
    // The summary says setup failed and shows its whole output, collapsed.
    expect(run.main.summary).toContain('The `setup` script failed, so the code did not run');
    expect(run.main.summary).toMatch(
      /<details><summary>Setup output<\/summary>\n\n```\ncollecting requirements\nERROR: no such package\n```/,
    );
    const runCodes = server
      .requests()
      .slice(before)
      .filter((r) => r.action === 'CallMcpTool' && r.form.Name === 'run_code');
    expect(runCodes).toEqual([]);
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('bad sandbox inputs are refused before any session exists', () => {
  for (const [name, inputs, message] of [
    ['an upload that matches nothing', { upload: 'nothing/*.csv' }, /upload/],
    [
      'a download outside the working directory',
      { download: '../etc/passwd' },
      /Input 'download' must be paths or globs relative/,
    ],
    ['an env line without =', { env: 'JUST_A_NAME' }, /Input 'env' must be KEY=value lines/],
    [
      'a short secret',
      { 'secret-env': 'X=abc' },
      /Input 'secret-env' values must be at least 4 characters/,
    ],
    [
      'a timeout above 3600',
      { timeout: '3601' },
      /Input 'timeout' must be a whole number of seconds from 1 to 3600/,
    ],
  ] as const) {
    it(name, async () => {
      const before = server.sessions().length;
      const result = await runStep('main', {
        inputs: { ...server.inputs(), language: 'python', code: '1', ...inputs },
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(message);
      expect(server.sessions().length).toBe(before);
    });
  }
});

describe('runs longer than 60 seconds', () => {
  it('streams progress into the log before the end of a 90-second run, and reports its result', async () => {
    let live = '';
    let exited = false;
    let progressWhileRunning = false;
    const workdir = makeWorkdir();
    const main = runStep('main', {
      workdir,
      inputs: {
        ...server.inputs(),
        language: 'python',
        timeout: '150',
        code: 'import time\nfor i in range(10):\n    print(f"tick {i}", flush=True)\n    time.sleep(10)\nprint("done")\n',
      },
      onSpawn: (child: ChildProcess) => {
        child.stdout!.on('data', (d) => {
          live += String(d);
          if (!exited && live.includes('tick 1')) progressWhileRunning = true;
        });
      },
    });
    const result = await main;
    exited = true;
    expect(progressWhileRunning).toBe(true);
    expect(result.code).toBe(0);
    expect(result.outputs.success).toBe('true');
    expect(result.outputs.stdout).toBe(
      Array.from({ length: 10 }, (_, i) => `tick ${i}\n`).join('') + 'done\n',
    );
    const post = await runStep('post', { workdir, inputs: server.inputs(), state: result.state });
    expect(post.code).toBe(0);
    expect(runningSessions(server)).toEqual([]);
  }, 240_000);

  it('prints the streamed output once, not again at the end', async () => {
    const run = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        timeout: '61',
        code: 'import sys\nfor i in range(3):\n    print(f"line-{i}-out")\nprint("line-err", file=sys.stderr)\nraise SystemExit(4)\n',
      },
    });
    expect(run.main.code).toBe(1);
    expect(run.main.outputs.stdout).toBe('line-0-out\nline-1-out\nline-2-out\n');
    for (const line of ['line-0-out', 'line-2-out', 'line-err']) {
      expect(run.main.stdout.split(line).length - 1, line).toBe(1);
    }
    expect(run.main.stdout).toContain('The output was printed above as it arrived');
  }, 120_000);

  it('kills a run at its timeout and fails the step', async () => {
    const run = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        timeout: '61',
        code: 'import time\nprint("started", flush=True)\nwhile True:\n    time.sleep(1)\n',
      },
    });
    expect(run.main.code).toBe(1);
    expect(run.main.outputs.success).toBe('false');
    expect(run.main.outputs.error).toMatch(/stopped after 61 seconds/);
    expect(run.main.outputs.stdout).toBe('started\n');
    expect(runningSessions(server)).toEqual([]);
  }, 180_000);
});

describe('cancellation', () => {
  async function cancelWhen(inputs: Record<string, string>, ready: (live: string) => boolean) {
    const workdir = makeWorkdir();
    const { main: result } = await interruptMain({ workdir, inputs: server.inputs(inputs), ready });
    const post = await runStep('post', { workdir, inputs: server.inputs(), state: result.state });
    return { result, post };
  }

  it('during setup deletes the session', async () => {
    const { result } = await cancelWhen(
      { language: 'python', code: 'print(1)', setup: 'echo setting-up\nsleep 60' },
      (live) => live.includes('setting-up'),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error::Cancelled by SIGINT');
    expect(runningSessions(server)).toEqual([]);
  }, 120_000);

  it('during a long run deletes the session and stops the code', async () => {
    const { result } = await cancelWhen(
      {
        language: 'python',
        timeout: '300',
        code: 'import time\nprint("long-running", flush=True)\ntime.sleep(280)\n',
      },
      (live) => live.includes('long-running'),
    );
    expect(result.code).toBe(1);
    expect(runningSessions(server)).toEqual([]);
  }, 120_000);
});

// Code that one run_code call cannot carry (the gateway's ~63 KB per call, which the local
// server enforces), and ES modules that import their siblings: both run from a file in the
// sandbox, with their line numbers, results and variables intact.
import { describe, expect, it } from 'vitest';
import {
  errorAnnotations,
  makeWorkdir,
  runAction,
  runningSessions,
  runStep,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();

/** The server's limit for one tool message, and the client's for one call's Args. */
const LIMIT = 64_512;

/** Every tool call since `from`, with its name and the size of its Args in bytes. */
function toolCalls(from: number) {
  return server
    .requests()
    .slice(from)
    .filter((r) => r.action === 'CallMcpTool')
    .map((r) => ({
      name: r.form.Name ?? '',
      args: r.form.Args ?? '',
      bytes: Buffer.byteLength(r.form.Args ?? ''),
    }));
}

/** A Python comment block of `chars` characters of three UTF-8 bytes each. */
function wideComment(chars: number): string {
  const lines: string[] = [];
  for (let left = chars; left > 0; left -= 100) lines.push(`# ${'€'.repeat(Math.min(100, left))}`);
  return lines.join('\n');
}

describe('Python code larger than one run_code call', () => {
  // Fewer characters than the limit, three times as many bytes: only a byte count sees it.
  const padding = wideComment(30_000);
  const paddingLines = padding.split('\n').length;
  const script = [
    'import os',
    'from helper import double',
    'from pathlib import Path',
    'print((Path(__file__).parent / "helper.py").read_text().split("(")[0])',
    padding,
    'total = double(int(os.environ["BASE"]))',
    'print("total", total)',
    'total + 1',
    '',
  ].join('\n');

  it('runs from a file: sibling import, env, printed output and the trailing expression', async () => {
    expect(script.length).toBeLessThan(LIMIT);
    expect(Buffer.byteLength(script)).toBeGreaterThan(LIMIT);
    const workdir = workspaceWith({
      'scripts/big.py': script,
      'scripts/helper.py': 'def double(x):\n    return 2 * x\n',
    });
    const from = server.requests().length;
    const { main, post } = await runAction({
      workdir,
      inputs: {
        ...server.inputs(),
        file: 'scripts/big.py',
        upload: 'scripts/helper.py',
        env: 'BASE=21',
      },
    });
    expect(main.code).toBe(0);
    expect(main.outputs.stdout).toBe('def double\ntotal 42\n');
    expect(main.outputs.output).toBe('43');
    const calls = toolCalls(from);
    // Every call fits the gateway's limit; the code went in write_file calls.
    for (const call of calls) expect(call.bytes, call.name).toBeLessThan(LIMIT - 200);
    const writes = calls.filter((c) => c.name === 'write_file' && c.args.includes('big.py'));
    expect(writes.length).toBeGreaterThanOrEqual(2);
    const runs = calls.filter((c) => c.name === 'run_code');
    expect(runs.at(-1)!.args).toContain('scripts/big.py');
    expect(runs.at(-1)!.bytes).toBeLessThan(2_000);
    // The summary shows the user's code, not the cell that ran it.
    expect(main.summary).not.toContain('_ab_run_file');
    expect(post.code).toBe(0);
    expect(runningSessions(server)).toEqual([]);
  });

  it('a small file sees __file__ too, as `python path/to/file.py` would', async () => {
    const workdir = workspaceWith({
      'jobs/small.py':
        'import os\nprint(os.path.relpath(__file__), open(os.path.join(os.path.dirname(__file__), "d.txt")).read())\n',
      'jobs/d.txt': 'data-beside',
    });
    const { main } = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'jobs/small.py', upload: 'jobs/d.txt' },
    });
    expect(main.outputs.stdout).toBe('jobs/small.py data-beside\n');
  });

  it('a failure far down the file points at its own line, in its own file', async () => {
    const failing = [
      'def check(rows):',
      '    raise ValueError("bad row " + str(rows[0]))',
      padding,
      'check([7])',
      '',
    ].join('\n');
    const workdir = workspaceWith({
      'scripts/check.py': failing,
    });
    const { main } = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'scripts/check.py' },
    });
    expect(main.code).toBe(1);
    expect(main.outputs.error).toBe('ValueError: bad row 7');
    const callLine = paddingLines + 3;
    expect(errorAnnotations(main.stdout)).toEqual([
      `::error title=Python error,file=scripts/check.py,line=2,endLine=2::The python code failed: ValueError: bad row 7`,
    ]);
    expect(main.summary).toContain(`failed at line 2 (called from line ${callLine})`);
  });

  it('a file just under the 512 KiB input limit, almost all multi-byte, in calls under the limit', async () => {
    const tail = '\nx = 41\nx + 1\n';
    const comment = wideComment(Math.floor((512 * 1024 - 16 - tail.length) / 3.03));
    const code = `${comment}${tail}`;
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(512 * 1024);
    expect(Buffer.byteLength(code)).toBeGreaterThan(500 * 1024);
    const workdir = workspaceWith({
      'huge.py': code,
    });
    const from = server.requests().length;
    const { main } = await runAction({ workdir, inputs: { ...server.inputs(), file: 'huge.py' } });
    expect(main.code).toBe(0);
    expect(main.outputs.output).toBe('42');
    const calls = toolCalls(from);
    for (const call of calls) expect(call.bytes, call.name).toBeLessThan(LIMIT - 200);
    expect(calls.filter((c) => c.name === 'write_file').length).toBeGreaterThanOrEqual(9);
  });

  it('inline code: runs from a file that is gone afterwards, and leaves no helper behind', async () => {
    const workdir = makeWorkdir();
    const first = await runStep('main', {
      workdir,
      inputs: {
        ...server.inputs(),
        language: 'python',
        // Quotes and backslashes double in JSON: the escaped size is what counts.
        code: `s = ${JSON.stringify('"\\'.repeat(20_000))}\nprint(len(s))\n`,
      },
    });
    expect(first.code).toBe(0);
    expect(first.outputs.stdout).toBe('40000\n');
    const second = await runStep('main', {
      workdir: makeWorkdir(),
      inputs: {
        ...server.inputs(),
        'session-id': first.outputs['session-id']!,
        language: 'python',
        code: 'import os\nprint(sorted(f for f in os.listdir(".") if "agentbay" in f), "_ab_run_file" in globals(), len(s))\n',
      },
    });
    expect(second.outputs.stdout).toBe('[] False 40000\n');
    await runStep('post', { workdir, inputs: server.inputs(), state: first.state });
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('JavaScript from a file', () => {
  // The second directory is hostile: a space and non-ASCII, percent-encoded in Node's file URLs.
  it.each(['tools', 'my tools/日本'])(
    'an ES module in %s imports its siblings, with line and column of a failure intact',
    async (dir) => {
      const workdir = workspaceWith({
        [`${dir}/check.js`]: [
          "import { limit } from './limits.mjs';",
          "import { readFileSync } from 'node:fs';",
          "const rows = readFileSync('data/rows.txt', 'utf8').trim().split('\\n');",
          "console.log('rows', rows.length, 'limit', limit, 'mode', process.env.MODE);",
          "if (rows.length > limit) throw new RangeError('too many rows');",
          '',
        ].join('\n'),
        [`${dir}/limits.mjs`]: 'export const limit = 2;\n',
        'data/rows.txt': 'a\nb\nc\n',
      });
      const { main } = await runAction({
        workdir,
        inputs: {
          ...server.inputs(),
          file: `${dir}/check.js`,
          upload: `${dir}/limits.mjs\ndata/rows.txt`,
          env: 'MODE=strict',
        },
      });
      expect(main.code).toBe(1);
      expect(main.outputs.stdout).toBe('rows 3 limit 2 mode strict\n');
      expect(main.outputs.error).toBe('RangeError: too many rows');
      expect(errorAnnotations(main.stdout)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error title=JavaScript error,file=${dir}/check\\.js,line=5,endLine=5,col=\\d+::The javascript code failed: RangeError: too many rows`,
          ),
        ),
      ]);
    },
  );

  it('a CommonJS file larger than one call runs as its main module', async () => {
    const padding = `// ${'x'.repeat(200)}\n`.repeat(400);
    const workdir = workspaceWith({
      'tools/big.js': `const { twice } = require('./twice');\n${padding}if (require.main === module) console.log('main', twice(21), process.env.MODE);\n`,
      'tools/twice.js': 'exports.twice = (x) => 2 * x;\n',
    });
    const { main } = await runAction({
      workdir,
      inputs: {
        ...server.inputs(),
        file: 'tools/big.js',
        upload: 'tools/twice.js',
        env: 'MODE=on',
      },
    });
    expect(main.code).toBe(0);
    expect(main.outputs.stdout).toBe('main 42 on\n');
  });
});

describe('Java code larger than one call', () => {
  it('runs as a program and says so', async () => {
    const padding = `  // ${'y'.repeat(200)}\n`.repeat(400);
    const code = `public class Main {\n${padding}  public static void main(String[] args) {\n    System.out.println("java " + (40 + 2));\n  }\n}\n`;
    const { main } = await runAction({ inputs: { ...server.inputs(), language: 'java', code } });
    expect(main.outputs.error ?? '').toBe('');
    expect(main.code).toBe(0);
    expect(main.outputs.stdout).toBe('java 42\n');
    expect(main.stdout).toMatch(/::notice::The Java code is larger than one run_code call/);
  }, 120_000);
});

describe('several files, each from a file where it must be', () => {
  it('an ES module and a large Python file in one batch: each failure at its own line', async () => {
    const workdir = workspaceWith({
      'checks/a.mjs':
        "import { limit } from './lib.mjs';\nconsole.log('limit', limit);\nthrow new Error('over the limit');\n",
      'checks/lib.mjs': 'export const limit = 3;\n',
      'checks/b.py': `${wideComment(30_000)}\nprint("big")\nraise KeyError("missing")\n`,
    });
    const bigLines = wideComment(30_000).split('\n').length;
    const { main } = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'checks/a.mjs\nchecks/b.py', upload: 'checks/lib.mjs' },
    });
    expect(main.code).toBe(1);
    const results = JSON.parse(main.outputs.results!) as { source: string; error: string }[];
    expect(results.map((r) => [r.source, r.error])).toEqual([
      ['checks/a.mjs', 'Error: over the limit'],
      ['checks/b.py', "KeyError: 'missing'"],
    ]);
    const annotations = errorAnnotations(main.stdout);
    expect(annotations).toContainEqual(
      expect.stringMatching(
        /^::error title=JavaScript error,file=checks\/a\.mjs,line=3,endLine=3,col=7::/,
      ),
    );
    expect(annotations).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^::error title=Python error,file=checks/b\\.py,line=${bigLines + 2},endLine=${bigLines + 2}::`,
        ),
      ),
    );
  });
});

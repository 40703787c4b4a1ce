// Several files with the whole sandbox work environment, end to end with the bundled steps:
// upload and setup in every session, variables and secrets, runs longer than 60 s, downloads
// per session, and a setup that fails.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CLEAR_STATE_MARK } from '../../src/sandbox/fresh-state.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeCommands,
  expectNoSecretWritten,
  runAction,
  runningSessions,
  runStep,
  TEST_KEY,
  userCode,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();
const SECRET = 'sk-batch-Q7#secret value/ü';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

interface ResultEntry {
  source: string;
  success: boolean;
  output: string;
  error: string;
}

const REPOSITORY = {
  'checks/helpers.py': 'def total(rows):\n    return sum(int(r[1]) for r in rows)\n',
  'checks/sum_csv.py': [
    'import csv, os',
    'from helpers import total',
    "rows = list(csv.reader(open('data/table.csv')))[1:]",
    "marker = open('setup-marker.txt').read().strip()",
    "os.makedirs('out', exist_ok=True)",
    "open('out/sum.txt', 'w').write(str(total(rows)))",
    "print('total', total(rows), marker, os.environ['MODE'], 'secret:', os.environ['API_TOKEN'])",
  ].join('\n'),
  'checks/lib.js': 'module.exports = { twice: (x) => 2 * x };\n',
  'checks/use_lib.js': [
    "const fs = require('fs');",
    "const { twice } = require('./lib.js');",
    "const marker = fs.readFileSync('setup-marker.txt', 'utf8').trim();",
    "fs.mkdirSync('out', { recursive: true });",
    "fs.writeFileSync('out/js.txt', String(twice(21)));",
    "console.log('twice', twice(21), marker, process.env.MODE, 'secret:', process.env.API_TOKEN);",
    // The secret in the forms a careless script might print it in.
    "console.log(Buffer.from(process.env.API_TOKEN).toString('base64'), encodeURIComponent(process.env.API_TOKEN));",
  ].join('\n'),
  'checks/count_setups.py': [
    // Each session runs setup once: the counter the setup appends to has one line.
    "print('setups', len(open('setup-count.txt').read().split()))",
  ].join('\n'),
  'data/table.csv': 'name,amount\na,2\nb,40\n',
};

describe('several files, two sessions, each with upload, setup, env, secret-env and download', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let before: number;
  beforeAll(async () => {
    before = server.sessions().length;
    run = await runAction({
      workdir: workspaceWith(REPOSITORY),
      inputs: {
        ...server.inputs(),
        file: 'checks/sum_csv.py\nchecks/use_lib.js\nchecks/count_setups.py',
        parallel: '2',
        upload: 'checks/*\ndata/*',
        setup:
          'echo "preparing $MODE"; echo ready > setup-marker.txt; echo x >> setup-count.txt; echo "setup sees $API_TOKEN"',
        env: 'MODE=strict',
        'secret-env': `API_TOKEN=${SECRET}`,
        download: 'out/**',
      },
    });
  });

  it('runs every file in a prepared session: sibling imports, uploaded data, setup, variables', () => {
    expect(run.main.code).toBe(0);
    expect(run.main.outputs.passed).toBe('3');
    const results = JSON.parse(run.main.outputs.results!) as ResultEntry[];
    expect(results.map((r) => [r.source, r.success])).toEqual([
      ['checks/sum_csv.py', true],
      ['checks/use_lib.js', true],
      ['checks/count_setups.py', true],
    ]);
    expect(results[0]!.output).toBe('total 42 ready strict secret: ***\n');
    expect(results[1]!.output).toMatch(/^twice 42 ready strict secret: \*\*\*\n/);
    expect(results[2]!.output).toBe('setups 1\n');
  });

  it('uploads and sets up each session once, right after its create, before its first run', () => {
    const created = server.sessions().slice(before);
    expect(created).toHaveLength(2);
    let ran = 0;
    for (const session of created) {
      const calls = server
        .requests()
        .filter((r) => r.form.SessionId === session.id && r.action === 'CallMcpTool');
      const names = calls.map((r) => r.form.Name);
      // Under load one session may take every file while the other is still being set up.
      const firstRun = names.indexOf('run_code');
      if (firstRun === -1) continue;
      ran++;
      // The archive goes in with write_file, is unpacked, then setup starts: all before code.
      expect(names.indexOf('write_file')).toBeGreaterThanOrEqual(0);
      expect(names.indexOf('write_file')).toBeLessThan(firstRun);
      const setupStart = calls.findIndex((r) => (r.form.Args ?? '').includes('nohup'));
      expect(setupStart).toBeGreaterThan(-1);
      expect(setupStart).toBeLessThan(firstRun);
    }
    expect(ran).toBeGreaterThanOrEqual(1);
    // Two setups at once: their lines say which session is which instead of sharing a group.
    expect(run.main.stdout).toMatch(/\[session 1\] preparing strict/);
    expect(run.main.stdout).toMatch(/\[session 2\] preparing strict/);
    expect(run.main.stdout).not.toMatch(/::group::Setup/);
  });

  it('downloads each session’s files into a directory of its own, listed in files', () => {
    const dir = run.main.outputs['download-dir']!;
    expect(dir.startsWith(run.workdir.runnerTemp)).toBe(true);
    const found = listFiles(dir);
    // sum_csv.py and use_lib.js ran in different sessions or the same one; each file exists
    // once, under the session that wrote it.
    expect(found.filter((f) => f.endsWith(path.join('out', 'sum.txt')))).toHaveLength(1);
    expect(found.filter((f) => f.endsWith(path.join('out', 'js.txt')))).toHaveLength(1);
    expect(found.every((f) => /^session-[12]\//.test(f))).toBe(true);
    const sum = found.find((f) => f.endsWith('sum.txt'))!;
    expect(readFileSync(path.join(dir, sum), 'utf8')).toBe('42');
    // The index says which session each session-N directory is, and each run names its session.
    const index = JSON.parse(readFileSync(run.main.outputs['result-file']!, 'utf8'));
    const sumRun = index.runs.find((r: { source: string }) => r.source === 'checks/sum_csv.py');
    const its = index.sessions.find((s: { sessionId: string }) => s.sessionId === sumRun.sessionId);
    expect(path.join(its.downloadDir, 'out', 'sum.txt')).toBe(path.join(dir, sum));
    const files = (JSON.parse(run.main.outputs.files!) as { path: string }[]).map((f) => f.path);
    expect(files.sort()).toEqual(found.map((f) => path.join(dir, f)).sort());
  });

  it('shows each session’s setup output collapsed in the summary, redacted', () => {
    expect(run.main.summary).toMatch(
      /<details><summary>Setup \(session 1\)<\/summary>[\s\S]*preparing strict[\s\S]*setup sees \*\*\*/,
    );
    expect(run.main.summary).toMatch(/<summary>Setup \(session 2\)<\/summary>/);
  });

  it('never writes the secret-env value anywhere, in any encoding, though the code printed it', () => {
    expectNoSecretWritten([SECRET], { steps: [run.main, run.post], workdir: run.workdir });
    expect(
      activeCommands(run.main.stdout).filter(
        (c) => !/^::(add-mask|group|endgroup|debug)::/.test(c),
      ),
    ).toEqual([]);
  });

  it('deletes both sessions', () => {
    expect(run.post.code).toBe(0);
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('a batch with a setup that fails', () => {
  it('fails every run with the setup error, runs no code, and deletes the session', async () => {
    const before = server.requests().length;
    const run = await runAction({
      workdir: workspaceWith({ 'a.py': 'print("a")\n', 'b.js': 'console.log("b")\n' }),
      inputs: {
        ...server.inputs(),
        file: 'a.py\nb.js',
        setup: 'echo "collecting requirements"\necho "ERROR: no such package" >&2\nexit 3',
      },
    });
    expect(run.main.code).toBe(1);
    expect(run.main.outputs.failed).toBe('2');
    const results = JSON.parse(run.main.outputs.results!) as ResultEntry[];
    for (const result of results) {
      expect(result.success).toBe(false);
      expect(result.error).toMatch(/^setup failed with exit code 3; the code did not run/);
      expect(result.error).toContain('ERROR: no such package');
    }
    expect(run.main.stdout).toMatch(/could not be prepared, so it takes no runs: setup failed/);
    expect(run.main.summary).toMatch(
      /<details><summary>Setup<\/summary>[\s\S]*collecting requirements[\s\S]*ERROR: no such package/,
    );
    expect(activeCommands(run.main.stdout)).toContain('::error::2 of 2 runs failed.');
    const runCodes = server
      .requests()
      .slice(before)
      .filter((r) => r.action === 'CallMcpTool' && r.form.Name === 'run_code')
      // The interpreter is cleared between files (a fresh namespace per file): not a run.
      .filter((r) => !String(JSON.parse(String(r.form.Args)).code).startsWith(CLEAR_STATE_MARK));
    expect(runCodes).toEqual([]);
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('a batch with a timeout above 60 seconds', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let requestsBefore: number;
  beforeAll(async () => {
    requestsBefore = server.requests().length;
    run = await runAction({
      workdir: workspaceWith({
        'long/a.py': 'import os\nprint("py", os.environ["MODE"])\n',
        'long/b.js': 'console.log("js", process.env.MODE);\nprocess.exit(4);\n',
        'long/c.py': 'print("to stdout")\nraise ValueError("bad value")\n',
      }),
      inputs: { ...server.inputs(), file: 'long/*', timeout: '120', env: 'MODE=long' },
    });
  });

  it('runs each file as a background process, with the variables, and reports each', () => {
    expect(run.main.code).toBe(1);
    const results = JSON.parse(run.main.outputs.results!) as ResultEntry[];
    expect(results.map((r) => [r.source, r.success, r.output])).toEqual([
      ['long/a.py', true, 'py long\n'],
      ['long/b.js', false, 'js long\n'],
      ['long/c.py', false, 'to stdout\n'],
    ]);
    expect(results[1]!.error).toBe('Process exited with code 4');
    expect(results[2]!.error).toBe('ValueError: bad value');
    // Not one run_code call: every file ran through the shell tool.
    const runCodes = server
      .requests()
      .slice(requestsBefore)
      .filter((r) => r.action === 'CallMcpTool' && r.form.Name === 'run_code')
      // The interpreter is cleared between files (a fresh namespace per file): not a run.
      .filter((r) => !String(JSON.parse(String(r.form.Args)).code).startsWith(CLEAR_STATE_MARK));
    expect(runCodes).toEqual([]);
  });

  it('streams the output into the log as it arrives, fenced, and annotates each failure', () => {
    expect(run.main.stdout).toMatch(/::stop-commands::\w+\npy long\n/);
    const errors = activeCommands(run.main.stdout).filter((c) => c.startsWith('::error'));
    expect(errors).toEqual([
      '::error title=JavaScript error::long/b.js failed: Process exited with code 4',
      // Run from its own file, the traceback names it: the line is found there.
      '::error title=Python error,file=long/c.py,line=2,endLine=2::long/c.py failed: ValueError: bad value',
      '::error::2 of 3 runs failed.',
    ]);
  });

  it('deletes the session', () => {
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('a session lost in the middle of a Markdown page', () => {
  const page = (lines: string[]) => lines.join('\n');
  let run: Awaited<ReturnType<typeof runAction>>;
  let before: number;
  beforeAll(async () => {
    before = server.sessions().length;
    const workdir = workspaceWith({
      'docs/a.md': page([
        '```python',
        'import time',
        'x = 20',
        'time.sleep(30)',
        '```',
        '',
        '```python',
        'x += 1',
        '```',
        '',
        '```python',
        'print(x * 2)',
        '```',
      ]),
      'docs/b.md': page(['```python', 'print("page b", 6 * 7)', '```']),
    });
    const main = runStep('main', {
      workdir,
      inputs: { ...server.inputs(), markdown: 'docs/*.md' },
    });
    // Released by the service (idle release, deleted elsewhere) while the first block runs.
    const until = Date.now() + 20_000;
    while (!server.sessions().slice(before)[0]?.runCount) {
      if (Date.now() > until) throw new Error('the page did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    const lost = server.sessions().slice(before)[0]!.id;
    const reply = await fetch(`${server.url}/?Action=ReleaseMcpSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Authorization: `Bearer ${TEST_KEY}`, SessionId: lost }),
    });
    expect(reply.ok).toBe(true);
    const finished = await main;
    const post = await runStep('post', { workdir, inputs: server.inputs(), state: finished.state });
    run = { main: finished, post, workdir };
  });

  it('reports the rest of the page as not run, and goes on with the next page in a fresh session', () => {
    expect(run.main.code).toBe(1);
    const results = JSON.parse(run.main.outputs.results!) as ResultEntry[];
    expect(results.map((r) => r.source)).toEqual([
      'docs/a.md:1',
      'docs/a.md:7',
      'docs/a.md:11',
      'docs/b.md:1',
    ]);
    // The block that was running when the session went, or the next one, meets the loss;
    // every block after that is not run: the state it depends on is gone with the session.
    const lostAt = results.findIndex((r) => /NotFound|session was gone/i.test(r.error));
    expect(lostAt).toBeGreaterThanOrEqual(0);
    expect(lostAt).toBeLessThanOrEqual(1);
    for (const r of results.slice(lostAt + 1, 3)) {
      expect(r.success).toBe(false);
      expect(r.error).toMatch(
        /^not run: the session was lost during the block at docs\/a\.md:(1|7), and with it the state this run depends on$/,
      );
    }
    expect(results[3]).toMatchObject({ success: true, output: 'page b 42\n' });
    expect(run.main.summary).toContain('⏹️ not run');
    const created = server.sessions().slice(before);
    expect(created).toHaveLength(2);
    // Not one block of page a ran in the fresh session.
    expect(created[1]!.runCount).toBe(1);
  });

  it('deletes the fresh session', () => {
    expect(runningSessions(server)).toEqual([]);
  });
});

function notebookOf(sources: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: sources.map((source, i) => ({
      id: `c${i}`,
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    })),
  });
}

describe('the syntax of a batch, checked on the runner before any session', () => {
  it('fails the files with a syntax error without sending them; the others run', async () => {
    const requestsBefore = server.requests().length;
    const run = await runAction({
      workdir: workspaceWith({
        'src/a_ok.py': 'print("a")\n',
        'src/b_bad.py': 'x = 1\nif x\n    print(x)\n',
        'src/c_bad.js': 'const a = 1;\nconst = 2;\n',
        'src/d_ok.js': 'console.log("d");\n',
      }),
      inputs: { ...server.inputs(), file: 'src/*.{py,js}' },
    });
    expect(run.main.code).toBe(1);
    const results = JSON.parse(run.main.outputs.results!) as ResultEntry[];
    expect(results.map((r) => [r.source, r.success])).toEqual([
      ['src/a_ok.py', true],
      ['src/b_bad.py', false],
      ['src/c_bad.js', false],
      ['src/d_ok.js', true],
    ]);
    expect(results[1]!.error).toMatch(/^SyntaxError: /);
    expect(results[2]!.error).toMatch(/^SyntaxError: /);
    const sent = userCode(server.requests().slice(requestsBefore)).join('\n');
    expect(sent).toContain('print("a")');
    expect(sent).toContain('console.log("d")');
    expect(sent).not.toContain('if x');
    expect(sent).not.toContain('const = 2');
    const errors = activeCommands(run.main.stdout).filter((c) => c.startsWith('::error'));
    expect(errors).toContainEqual(
      expect.stringMatching(/^::error title=Python error,file=src\/b_bad\.py,line=2,/),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(/^::error title=JavaScript error,file=src\/c_bad\.js,line=2,/),
    );
    expect(run.main.stdout).toMatch(
      /Syntax checked on the runner .*: 4 of 4 runs, 2 with a syntax error/,
    );
    expect(runningSessions(server)).toEqual([]);
  });

  it('creates no session at all when every file has a syntax error', async () => {
    const requestsBefore = server.requests().length;
    const run = await runAction({
      workdir: workspaceWith({ 'a.py': 'def f(:\n', 'b.js': 'let = ;\n' }),
      inputs: { ...server.inputs(), file: 'a.py\nb.js', parallel: '2' },
    });
    expect(run.main.code).toBe(1);
    expect(run.main.outputs.failed).toBe('2');
    expect(
      server
        .requests()
        .slice(requestsBefore)
        .map((r) => r.action),
    ).toEqual([]);
    expect(run.post.code).toBe(0);
  });

  it('in a Markdown page: the block fails at its page line, a block that must fail is left to the sandbox', async () => {
    const requestsBefore = server.requests().length;
    const run = await runAction({
      workdir: workspaceWith({
        'docs/page.md': [
          '# Page', // 1
          '', // 2
          '```python', // 3
          'x = 2', // 4
          'def broken(:', // 5
          '```', // 6
          '', // 7
          '<!-- run-code: expect-error -->', // 8
          '```python', // 9
          'also broken(', // 10
          '```', // 11
          '', // 12
          '```python', // 13
          'print("page goes on")', // 14
          '```', // 15
        ].join('\n'),
      }),
      inputs: { ...server.inputs(), markdown: 'docs/*.md' },
    });
    const results = JSON.parse(run.main.outputs.results!) as ResultEntry[];
    expect(results.map((r) => [r.source, r.success])).toEqual([
      ['docs/page.md:3', false],
      ['docs/page.md:9', true],
      ['docs/page.md:13', true],
    ]);
    expect(results[2]!.output).toBe('page goes on\n');
    expect(activeCommands(run.main.stdout)).toContainEqual(
      expect.stringMatching(/^::error title=Python error,file=docs\/page\.md,line=5,/),
    );
    const sent = userCode(server.requests().slice(requestsBefore));
    expect(sent).toEqual(['also broken(\n', 'print("page goes on")\n']);
  });

  it('in a notebook: the earlier cells run, the cell fails unsent, the later ones are not run', async () => {
    const requestsBefore = server.requests().length;
    const run = await runAction({
      workdir: workspaceWith({
        'nb/a.ipynb': notebookOf(['x = 41\n', 'print(x +)\n', 'print("never")\n']),
      }),
      inputs: { ...server.inputs(), file: 'nb/a.ipynb' },
    });
    expect(run.main.code).toBe(1);
    const results = JSON.parse(run.main.outputs.results!) as Array<
      ResultEntry & { notRun: boolean }
    >;
    expect(results.map((r) => [r.success, r.notRun])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect(results[1]!.error).toMatch(/nb\/a\.ipynb.*cell 2.*line 1.*SyntaxError/);
    expect(userCode(server.requests().slice(requestsBefore))).toEqual(['x = 41\n']);
  });
});

describe('file and markdown together', () => {
  it('run as one batch: the files first, then the pages, in one session with parallel 1', async () => {
    const before = server.sessions().length;
    const run = await runAction({
      workdir: workspaceWith({
        'scripts/a.py': 'print("script a")\n',
        'scripts/b.js': 'console.log("script b");\n',
        'docs/guide.md': [
          '```python',
          'total = 6 * 7',
          '```',
          '',
          '```python',
          'print(total)',
          '```',
          '<!-- run-code: expected-output -->',
          '```',
          '42',
          '```',
        ].join('\n'),
      }),
      inputs: { ...server.inputs(), file: 'scripts/*', markdown: 'docs/*.md', env: 'MODE=x' },
    });
    expect(run.main.code).toBe(0);
    const results = JSON.parse(run.main.outputs.results!) as ResultEntry[];
    expect(results.map((r) => [r.source, r.success, r.output])).toEqual([
      ['scripts/a.py', true, 'script a\n'],
      ['scripts/b.js', true, 'script b\n'],
      ['docs/guide.md:1', true, ''],
      ['docs/guide.md:5', true, '42\n'],
    ]);
    expect(run.main.outputs.passed).toBe('4');
    expect(server.sessions().slice(before)).toHaveLength(1);
  });

  it('are refused together beyond the run limit, before any session', async () => {
    const requestsBefore = server.requests().length;
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`many/f${i}.py`] = 'print(1)\n';
    files['docs/p.md'] = Array.from({ length: 60 }, () => '```python\n1\n```\n').join('\n');
    const main = await runStep('main', {
      workdir: workspaceWith(files),
      inputs: { ...server.inputs(), file: 'many/*.py', markdown: 'docs/p.md' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /Input 'markdown' and 'file' together make 210 runs, more than 200; split them/,
    );
    expect(server.requests().length).toBe(requestsBefore);
  });
});

describe('a batch whose downloads would not fit in the outputs', () => {
  it('lists as many whole entries as fit in files, says truncated, and the index lists all', async () => {
    const run = await runAction({
      workdir: workspaceWith({
        'a.py':
          'import os\nos.makedirs("out", exist_ok=True)\nfor i in range(300):\n    open(f"out/f{i:03}.txt", "w").write(str(i))\n',
        'b.py': 'print("b")\n',
      }),
      inputs: {
        ...server.inputs(),
        file: 'a.py\nb.py',
        download: 'out/**',
        'max-output-size': '4096',
      },
    });
    expect(run.main.code).toBe(0);
    const files = JSON.parse(run.main.outputs.files!) as { path: string }[];
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThan(300);
    expect(run.main.outputs.files!.length).toBeLessThanOrEqual(512);
    expect(run.main.outputs.truncated).toBe('true');
    const index = JSON.parse(readFileSync(run.main.outputs['result-file']!, 'utf8'));
    expect(index.files).toHaveLength(300);
    expect(readFileSync(index.files[299].path, 'utf8')).toBe('299');
  });
});

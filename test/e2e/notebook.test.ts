// Jupyter notebooks: the bundled action, main then post, against the local server's
// persistent Python kernel. Cells run in order in one session; the executed notebook is
// written back as nbformat 4 and checked against the vendored schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import draft04 from 'ajv/lib/refs/json-schema-draft-04.json' with { type: 'json' };
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeCommands,
  expectNoSecretWritten,
  interruptMain,
  runAction,
  runningSessions,
  runStep,
  TEST_KEY,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();

const ajv = new Ajv({ schemaId: 'id', meta: false, allErrors: true });
ajv.addMetaSchema(draft04);
const validators: Record<number, Ajv.ValidateFunction> = {
  4: ajv.compile(schema('4.4')),
  5: ajv.compile(schema('4.5')),
};

function schema(version: string): object {
  const url = new URL(`../fixtures/nbformat/nbformat.v${version}.schema.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as object;
}

/** A 1x1 PNG. */
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let nextId = 0;
function code(source: string, tags: string[] = []): object {
  return {
    id: `cell-${nextId++}`,
    cell_type: 'code',
    execution_count: 3,
    metadata: tags.length > 0 ? { tags } : {},
    // Stale output from the author's machine: must not survive as this run's.
    outputs: [{ output_type: 'stream', name: 'stdout', text: ['stale\n'] }],
    source: source.split(/(?<=\n)/),
  };
}

function markdownCell(source: string): object {
  return { id: `cell-${nextId++}`, cell_type: 'markdown', metadata: {}, source };
}

function notebook(cells: object[], language = 'python'): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: `${language}3`, display_name: language, language },
        language_info: { name: language },
      },
      cells,
    },
    null,
    1,
  );
}

interface ResultEntry {
  source: string;
  language: string;
  success: boolean;
  skipped: boolean;
  notRun: boolean;
  output: string;
  error: string;
}

type Json = Record<string, unknown>;

function executed(outputs: Record<string, string>): { path: string; document: Json }[] {
  const files = JSON.parse(outputs.files ?? '[]') as Array<{ path: string; mimeType: string }>;
  return files
    .filter((f) => f.mimeType === 'application/x-ipynb+json')
    .map((f) => ({ path: f.path, document: JSON.parse(readFileSync(f.path, 'utf8')) as Json }));
}

/** The 1-based line of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  expect(text).toContain(needle);
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

function multiline(value: unknown): string {
  return Array.isArray(value) ? value.join('') : String(value);
}

function expectValid(document: Json): void {
  const validate = validators[document.nbformat_minor as number] as Ajv.ValidateFunction;
  const valid = validate(document);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

const ANALYSIS = notebook([
  markdownCell('# Analysis\nThe parameters come first.'),
  code('alpha = 1\nlabel = "default"\n', ['parameters']),
  code(
    'import base64\nfrom IPython.display import Image, display\ntotal = alpha * 10\nprint("total", total, label)\n',
  ),
  code(`display(Image(data=base64.b64decode("${PNG_B64}")))\ntotal + 1\n`),
  code('import sys\nprint("to stderr", file=sys.stderr)\nratio = total / 0\n'),
  code('print("never printed")\n'),
  code('print("nor this")\n'),
]);

describe('a notebook with a parameters cell, a displayed image and a failing later cell', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let results: ResultEntry[];
  let sessionsBefore: number;
  let requestsBefore: number;
  beforeAll(async () => {
    sessionsBefore = server.sessions().length;
    requestsBefore = server.requests().length;
    const workdir = workspaceWith({ 'notebooks/analysis.ipynb': ANALYSIS });
    run = await runAction({
      workdir,
      inputs: {
        ...server.inputs(),
        file: 'notebooks/analysis.ipynb',
        parameters: '{"alpha": 4, "label": "from the workflow"}',
      },
    });
    results = JSON.parse(run.main.outputs.results ?? '[]') as ResultEntry[];
  });

  it('runs the cells in order in one session, with the parameters injected after the tagged cell', () => {
    const sessions = server.sessions().slice(sessionsBefore);
    expect(sessions).toHaveLength(1);
    // parameters, injected, print, image: four cells ran, the failing one is the fifth.
    expect(sessions[0]!.runCount).toBe(5);
    expect(results.map((r) => [r.source, r.success, r.notRun])).toEqual([
      ['notebooks/analysis.ipynb cell 2', true, false],
      ['notebooks/analysis.ipynb injected parameters', true, false],
      ['notebooks/analysis.ipynb cell 3', true, false],
      ['notebooks/analysis.ipynb cell 4', true, false],
      ['notebooks/analysis.ipynb cell 5', false, false],
      ['notebooks/analysis.ipynb cell 6', false, true],
      ['notebooks/analysis.ipynb cell 7', false, true],
    ]);
    // Later cells saw the earlier ones' definitions, and the injected values won.
    expect(results[2]!.output).toBe('total 40 from the workflow\n');
    expect(results[3]!.output).toBe('41');
  });

  it('names the notebook, the cell and the line of the failure', () => {
    expect(run.main.code).toBe(1);
    expect(results[4]!.error).toBe(
      "Notebook 'notebooks/analysis.ipynb' cell 5, line 3: ZeroDivisionError: division by zero",
    );
    expect(results[5]!.error).toBe('not run: notebooks/analysis.ipynb cell 5 failed before it');
    expect(run.main.outputs.error).toBe(results[4]!.error);
    expect(run.main.outputs.passed).toBe('4');
    expect(run.main.outputs.failed).toBe('1');
    expect(run.main.outputs.success).toBe('false');
  });

  it('annotates the notebook file at the line of the .ipynb where the failing line stands', () => {
    const line = lineOf(ANALYSIS, '"ratio = total / 0\\n"');
    expect(line).toBeGreaterThan(30);
    const commands = activeCommands(run.main.stdout);
    expect(commands).toContain(
      `::error title=Python error,file=notebooks/analysis.ipynb,line=${line},endLine=${line}::Notebook 'notebooks/analysis.ipynb' cell 5, line 3: ZeroDivisionError: division by zero`,
    );
  });

  it('writes the executed notebook back as valid nbformat 4 with every kind of output', () => {
    const notebooks = executed(run.main.outputs);
    expect(notebooks).toHaveLength(1);
    const { path: file, document } = notebooks[0]!;
    expect(path.basename(file)).toBe('notebooks__analysis.ipynb');
    expect(file.startsWith(run.workdir.runnerTemp)).toBe(true);
    expectValid(document);
    const cells = document.cells as Json[];
    expect(cells.map((c) => c.cell_type)).toEqual([
      'markdown',
      'code',
      'code',
      'code',
      'code',
      'code',
      'code',
      'code',
    ]);
    const injected = cells[2]!;
    expect((injected.metadata as Json).tags).toEqual(['injected-parameters']);
    expect(multiline(injected.source)).toContain('label = "from the workflow"');
    expect(cells.map((c) => ('execution_count' in c ? c.execution_count : 'none'))).toEqual([
      'none',
      1,
      2,
      3,
      4,
      5,
      null,
      null,
    ]);
    expect(cells[3]!.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: ['total 40 from the workflow\n'] },
    ]);
    const image = cells[4]!.outputs as Json[];
    expect(image.map((o) => o.output_type)).toEqual(['display_data', 'execute_result']);
    expect((image[0]!.data as Json)['image/png']).toBe(PNG_B64);
    expect((image[1]!.data as Json)['text/plain']).toBe('41');
    const failed = cells[5]!.outputs as Json[];
    expect(failed.map((o) => o.output_type)).toEqual(['stream', 'error']);
    expect(failed[1]).toMatchObject({ ename: 'ZeroDivisionError', evalue: 'division by zero' });
    expect(failed[0]).toMatchObject({ output_type: 'stream', name: 'stderr' });
    // The local kernel prints its traceback to stderr, as a script's would.
    expect(multiline(failed[0]!.text)).toMatch(/to stderr\n[\s\S]*line 3[\s\S]*ZeroDivisionError/);
    // Cells that did not run keep no stale output.
    expect(cells[6]!.outputs).toEqual([]);
    expect(cells[7]!.outputs).toEqual([]);
    // The notebook in the workspace is left as it was.
    expect(readFileSync(path.join(run.workdir.workspace, 'notebooks/analysis.ipynb'), 'utf8')).toBe(
      ANALYSIS,
    );
  });

  it('reports each cell in the summary, the not-run ones as such', () => {
    const html = marked.parse(run.main.summary, { async: false });
    expect(html).toContain('7 runs: 4 passed, 1 failed, 2 not run');
    expect(html).toContain('⏹️ not run');
    expect(html).toContain('notebooks/analysis.ipynb cell 5 failed');
  });

  it('deletes the one session', () => {
    expect(runningSessions(server)).toHaveLength(0);
    const requests = server.requests().slice(requestsBefore);
    expect(requests.filter((r) => r.action === 'DeleteSessionAsync')).toHaveLength(1);
  });
});

describe('hostile notebooks and parameters are refused before any session', () => {
  const deep = `{"nbformat": 4, "nbformat_minor": 5, "metadata": ${'['.repeat(5000)}${']'.repeat(5000)}, "cells": []}`;
  const cells = (n: number) => notebook(Array.from({ length: n }, () => code('1\n')));
  it.each([
    [
      'not JSON',
      '{"cells": [',
      '',
      /Input 'file' names a bad notebook: Notebook 'n\/bad\.ipynb' is not valid JSON/,
    ],
    ['an array', '[1, 2]', '', /Notebook 'n\/bad\.ipynb' is not a JSON object/],
    ['nested 5000 deep', deep, '', /Notebook 'n\/bad\.ipynb' nests deeper than 256 levels/],
    [
      'nbformat 3',
      JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [] }),
      '',
      /is nbformat 3; only nbformat 4/,
    ],
    ['2001 cells', cells(2001), '', /has 2001 cells; at most 2000 are run/],
    [
      '201 code cells',
      cells(201),
      '',
      /Input 'file' makes 201 runs \(a notebook is one per code cell\); at most 200/,
    ],
    [
      'an unknown kernel',
      notebook([code('1\n')], 'julia'),
      '',
      /whose metadata names no kernel language the sandbox runs \(it says 'julia'\)/,
    ],
    [
      'a cell source of numbers',
      notebook([{ ...code('1'), source: [1, 2] }]),
      '',
      /cell 1 has a source that is neither a string nor a list of strings/,
    ],
    [
      'parameters that are not JSON',
      ANALYSIS,
      '{alpha: 1}',
      /Input 'parameters' must be a JSON object such as \{"alpha": 0\.5, "name": "run-1"\}; it is not valid JSON/,
    ],
    [
      'parameters that are an array',
      ANALYSIS,
      '[1, 2]',
      /Input 'parameters' must be a JSON object of names and values such as \{"alpha": 0\.5\}; got an array/,
    ],
    [
      'parameters that are a string',
      ANALYSIS,
      '"alpha=1"',
      /Input 'parameters' must be a JSON object .*; got string/,
    ],
    [
      'parameters that are null',
      ANALYSIS,
      'null',
      /Input 'parameters' must be a JSON object .*; got null/,
    ],
    [
      'parameters nested 40 deep',
      ANALYSIS,
      `{"a": ${'['.repeat(40)}${']'.repeat(40)}}`,
      /Input 'parameters' must not nest deeper than 32 levels/,
    ],
    [
      'parameters of 100 KB',
      ANALYSIS,
      JSON.stringify({ a: 'x'.repeat(100_000) }),
      /Input 'parameters' must be at most 65536 bytes of JSON; it has 100008/,
    ],
    [
      'a keyword as a parameter name',
      ANALYSIS,
      '{"import": 1}',
      /Input 'parameters' cannot be given to notebook 'n\/bad\.ipynb': parameter name 'import' is not a plain python variable name/,
    ],
    [
      'code injected through a parameter name',
      ANALYSIS,
      '{"a = 1\\nimport os; os.system(\\"id\\")\\nb": 1}',
      /parameter name 'a = 1%0Aimport os; os\.system\("id"\)%0Ab' is not a plain python variable name/,
    ],
  ])('%s', async (_, text, parameters, message) => {
    const requestsBefore = server.requests().length;
    const workdir = workspaceWith({ 'n/bad.ipynb': text });
    const main = await runStep('main', {
      workdir,
      inputs: { ...server.inputs(), file: 'n/bad.ipynb', ...(parameters ? { parameters } : {}) },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(message);
    expect(server.requests().length).toBe(requestsBefore);
  });

  it('refuses a notebook over 16 MiB', async () => {
    const requestsBefore = server.requests().length;
    const huge = notebook([code(`# ${'x'.repeat(17 * 1024 * 1024)}\n`)]);
    const workdir = workspaceWith({ 'n/huge.ipynb': huge });
    const main = await runStep('main', {
      workdir,
      inputs: { ...server.inputs(), file: 'n/huge.ipynb' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /Input 'file' must name notebooks of at most 16777216 bytes; 'n\/huge\.ipynb' has \d+/,
    );
    expect(server.requests().length).toBe(requestsBefore);
  });

  it('refuses a timeout above 60 s, which would run each cell in a fresh interpreter', async () => {
    const requestsBefore = server.requests().length;
    const workdir = workspaceWith({ 'n/a.ipynb': notebook([code('1\n')]), 'b.py': '1\n' });
    const main = await runStep('main', {
      workdir,
      inputs: { ...server.inputs(), file: 'n/a.ipynb\nb.py', timeout: '120' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toContain(
      "::error::Input 'timeout' must be a whole number from 1 to 60 seconds with `markdown` or a notebook (got 120)",
    );
    expect(server.requests().length).toBe(requestsBefore);
  });

  it.each([
    ['a Python file', { file: 'a.py' }],
    ['inline code', { code: 'print(1)', language: 'python' }],
    ['Markdown pages', { markdown: 'a.md' }],
  ])('refuses parameters with %s (they apply to notebooks only)', async (_, inputs) => {
    const requestsBefore = server.requests().length;
    const workdir = workspaceWith({ 'a.py': 'print(1)\n', 'a.md': '```python\n1\n```\n' });
    const main = await runStep('main', {
      workdir,
      inputs: { ...server.inputs(), ...inputs, parameters: '{"alpha": 1}' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /Input 'parameters' applies to notebooks only, and no file given to `file` is one \(\.ipynb\)/,
    );
    expect(server.requests().length).toBe(requestsBefore);
  });
});

describe('a notebook that tries to inject into the log, the summary and the notebook', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let evil: string;
  beforeAll(async () => {
    evil = notebook([
      markdownCell('<script>alert("markdown cell")</script>'),
      code('print("::error::from stdout")\nprint("<img src=x onerror=alert(1)>")\n'),
      code(
        `print(${JSON.stringify(TEST_KEY)}[::-1][::-1])\nraise ValueError("bad\\n::warning::pwned <script>alert(2)</script> " + key)\n`,
      ),
    ]);
    const workdir = workspaceWith({
      'n/evil.ipynb': evil,
      // A workspace file name is the pull request's to choose: the log line naming it starts
      // a workflow command unless it is fenced.
      '::warning::pwned.ipynb': notebook([code('print(key[:3])\n')]),
    });
    run = await runAction({
      workdir,
      // A parameter carries the key into the injected cell's source.
      inputs: {
        ...server.inputs(),
        file: 'n/*.ipynb\n*.ipynb',
        parameters: JSON.stringify({ key: TEST_KEY }),
      },
    });
  });

  it('prints no workflow command of the sandbox', () => {
    const commands = activeCommands(run.main.stdout);
    const ours =
      /^::(add-mask|debug|error title=Python error,file=n\/evil\.ipynb,line=\d+,endLine=\d+)::|^::error::1 of 5 runs failed\.$/;
    expect(commands.filter((c) => !ours.test(c))).toEqual([]);
    // The error's first line is its headline; the traceback with the rest stays fenced.
    const line = lineOf(evil, '"raise ValueError');
    expect(commands).toContain(
      `::error title=Python error,file=n/evil.ipynb,line=${line},endLine=${line}::Notebook 'n/evil.ipynb' cell 3, line 2: ValueError: bad`,
    );
    expect(run.main.stdout).toContain('\n::warning::pwned.ipynb cell 1 (Python): passed\n');
  });

  it('shows sandbox text only escaped in the summary', () => {
    const html = marked.parse(run.main.summary, { async: false });
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('keeps the key out of every output, the summary, the log and the executed notebook', () => {
    const notebooks = executed(run.main.outputs);
    expect(notebooks).toHaveLength(2);
    expectValid(notebooks[0]!.document);
    expectNoSecretWritten([TEST_KEY], { steps: [run.main, run.post], workdir: run.workdir });
    // The key was there to find: printed by a cell and written into the injected cell.
    const cellsText = JSON.stringify(notebooks[0]!.document.cells);
    expect(cellsText).toContain('key = \\"***\\"');
  });
});

describe('notebooks among other files, in parallel', () => {
  it('runs each notebook in one session beside the scripts; a failing one stops only itself', async () => {
    const before = server.sessions().length;
    const workdir = workspaceWith({
      'src/a.py': 'print("a")\n',
      'src/b.js': 'console.log("b")\n',
      'nb/one.ipynb': notebook([
        code('x = 1\n'),
        code('x += undefined_name\n'),
        code('print(x)\n'),
      ]),
      'nb/two.ipynb': notebook([code('y = "two"\n'), code('print(y)\n')]),
      'nb/three.ipynb': notebook([code('z = 3\n'), code('print(z * 2)\n')]),
    });
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'src/*\nnb/*.ipynb', parallel: '3' },
    });
    expect(run.main.code).toBe(1);
    const results = JSON.parse(run.main.outputs.results ?? '[]') as ResultEntry[];
    expect(results.map((r) => [r.source, r.success, r.notRun, r.output])).toEqual([
      ['src/a.py', true, false, 'a\n'],
      ['src/b.js', true, false, 'b\n'],
      ['nb/one.ipynb cell 1', true, false, ''],
      ['nb/one.ipynb cell 2', false, false, ''],
      ['nb/one.ipynb cell 3', false, true, ''],
      ['nb/three.ipynb cell 1', true, false, ''],
      ['nb/three.ipynb cell 2', true, false, '6\n'],
      ['nb/two.ipynb cell 1', true, false, ''],
      ['nb/two.ipynb cell 2', true, false, 'two\n'],
    ]);
    expect(results[3]!.error).toBe(
      "Notebook 'nb/one.ipynb' cell 2, line 1: NameError: name 'undefined_name' is not defined",
    );
    expect([run.main.outputs.passed, run.main.outputs.failed]).toEqual(['7', '1']);
    // Each notebook had one session to itself: its cells saw each other, not the others'.
    expect(server.sessions().slice(before)).toHaveLength(3);
    const notebooks = executed(run.main.outputs);
    expect(notebooks.map((n) => path.basename(n.path))).toEqual([
      'nb__one.ipynb',
      'nb__three.ipynb',
      'nb__two.ipynb',
    ]);
    for (const { document } of notebooks) expectValid(document);
    expect(runningSessions(server)).toHaveLength(0);
  });
});

describe('a notebook cancelled while a cell runs', () => {
  it('deletes the session, runs no later cell and leaves nothing behind', async () => {
    const before = server.sessions().length;
    const workdir = workspaceWith({
      'slow.ipynb': notebook([
        code('import time\n'),
        code('print("sleeping", flush=True)\ntime.sleep(30)\n'),
        code('print("after")\n'),
      ]),
    });
    const { main } = await interruptMain({
      workdir,
      inputs: { ...server.inputs(), file: 'slow.ipynb' },
      // Once the second cell runs.
      ready: () =>
        server
          .sessions()
          .slice(before)
          .some((s) => s.runCount >= 2),
      waitMs: 45_000,
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toContain('::error::Cancelled by SIGINT');
    const post = await runStep('post', { workdir, inputs: server.inputs(), state: main.state });
    expect(post.code).toBe(0);
    const created = server.sessions().slice(before);
    expect(created).toHaveLength(1);
    expect(created[0]!.runCount).toBe(2);
    expect(runningSessions(server)).toHaveLength(0);
  }, 90_000);
});

describe('a notebook in a session an earlier step created', () => {
  it("sees the earlier step's state, and only the creating step deletes the session", async () => {
    const before = server.sessions().length;
    const workdir = workspaceWith({
      'use.ipynb': notebook([code('print(prepared * 2)\n')]),
    });
    const first = await runStep('main', {
      workdir,
      inputs: { ...server.inputs(), language: 'python', code: 'prepared = 21\n' },
    });
    expect(first.code).toBe(0);
    const sessionId = first.outputs['session-id']!;
    const second = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'use.ipynb', 'session-id': sessionId },
    });
    expect(second.main.code).toBe(0);
    const results = JSON.parse(second.main.outputs.results ?? '[]') as ResultEntry[];
    expect(results.map((r) => r.output)).toEqual(['42\n']);
    // The reusing step's post leaves the session alone; the creating step's deletes it.
    expect(runningSessions(server)).toHaveLength(1);
    await runStep('post', { workdir, inputs: server.inputs(), state: first.state });
    expect(runningSessions(server)).toHaveLength(0);
    expect(server.sessions().slice(before)).toHaveLength(1);
  });
});

describe('a notebook with upload, setup, env and secret-env', () => {
  const SECRET = 'nb-secret-value-0451/+=';
  let run: Awaited<ReturnType<typeof runAction>>;
  beforeAll(async () => {
    const workdir = workspaceWith({
      'nb/report.ipynb': notebook([
        code('import os\nrows = open("data/table.csv").read().splitlines()[1:]\n'),
        code(
          'total = sum(int(r.split(",")[1]) for r in rows)\nprint(total, os.environ["MODE"], open("ready.txt").read().strip())\n',
        ),
        // The secret, printed and displayed in three encodings: none may reach the notebook.
        code(
          'import base64, urllib.parse\nfrom IPython.display import display, HTML\ns = os.environ["TOKEN"]\nprint(s)\ndisplay(HTML("<b>" + urllib.parse.quote(s, safe="") + "</b>"))\nbase64.b64encode(s.encode()).decode()\n',
        ),
      ]),
      'data/table.csv': 'name,amount\na,2\nb,40\n',
    });
    run = await runAction({
      workdir,
      inputs: {
        ...server.inputs(),
        file: 'nb/report.ipynb',
        upload: 'data/*',
        setup: 'echo ready > ready.txt',
        env: 'MODE=strict',
        'secret-env': `TOKEN=${SECRET}`,
      },
    });
  });

  it('runs the cells in the prepared session, one after another', () => {
    expect(run.main.code).toBe(0);
    const results = JSON.parse(run.main.outputs.results ?? '[]') as ResultEntry[];
    expect(results.map((r) => r.success)).toEqual([true, true, true]);
    expect(results[1]!.output).toBe('42 strict ready\n');
  });

  it('writes no form of the secret into the executed notebook or anywhere else', () => {
    const notebooks = executed(run.main.outputs);
    expect(notebooks).toHaveLength(1);
    expectValid(notebooks[0]!.document);
    const outputs = (notebooks[0]!.document.cells as Json[])[2]!.outputs as Json[];
    // The cell did print and display it: redacted, not missing.
    expect(outputs.map((o) => o.output_type)).toEqual(['stream', 'display_data', 'execute_result']);
    expect(multiline(outputs[0]!.text)).toBe('***\n');
    expectNoSecretWritten([SECRET], { steps: [run.main, run.post], workdir: run.workdir });
  });
});

describe('a notebook whose outputs are hostile to the nbformat writer', () => {
  it('still writes back a valid nbformat 4 notebook', async () => {
    const workdir = workspaceWith({
      'odd.ipynb': notebook([
        code(
          [
            'from IPython.display import display',
            'deep = []',
            'node = deep',
            'for _ in range(500):',
            '    node.append([])',
            '    node = node[0]',
            'display({"application/json": {"deep": deep}}, raw=True)',
            'display({"text/plain": 5, "text/html": ["<b>", 1, None], "x-weird/type": {"a": [1]}}, raw=True)',
            'display({"__proto__": "polluted", "constructor": "x"}, raw=True)',
            'print("\\x1b[31mred\\x1b[0m \\u0000 \\ud800".encode("utf-8", "replace").decode())',
            '',
          ].join('\n'),
        ),
        code('{"execute": ["result", {"nested": True}]}\n'),
      ]),
    });
    const run = await runAction({ workdir, inputs: { ...server.inputs(), file: 'odd.ipynb' } });
    expect(run.main.code).toBe(0);
    const notebooks = executed(run.main.outputs);
    expect(notebooks).toHaveLength(1);
    expectValid(notebooks[0]!.document);
    const cells = notebooks[0]!.document.cells as Json[];
    const outputs = cells[0]!.outputs as Json[];
    expect(outputs.map((o) => o.output_type)).toEqual([
      'stream',
      'display_data',
      'display_data',
      'display_data',
    ]);
    // Keys the sandbox chose stay keys: none becomes the bundle's prototype.
    expect(Object.keys(outputs[3]!.data as Json)).toContain('__proto__');
    expect((outputs[3]!.data as Json)['__proto__']).toBe('polluted');
    expect((outputs[2]!.data as Json)['text/plain']).toBe('5');
    expect((outputs[2]!.data as Json)['text/html']).toBe('["<b>",1,null]');
    expect((cells[1]!.outputs as Json[]).map((o) => o.output_type)).toEqual(['execute_result']);
  });
});

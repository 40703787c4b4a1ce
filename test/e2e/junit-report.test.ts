// `junit-file`, end to end: the bundled steps against the local server write a JUnit XML
// report that the JUnit schema (xmllint) and a JUnit reader's XML parser accept, whose counts
// are the step's `passed` and `failed`, for a batch with a failing file, a skipped block and a
// not-run cell, with hostile names and outputs, and for a single run.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { MAX_JUNIT_TEXT_CHARS } from '../../src/report/junit.ts';
import {
  activeCommands,
  expectNoSecretWritten,
  runAction,
  runningSessions,
  useServer,
  workspaceWith,
  type StepResult,
  type Workdir,
} from './harness.ts';

const server = useServer();

const SCHEMA = readFileSync(new URL('../fixtures/junit/junit-10.xsd', import.meta.url), 'utf8');
const SECRET = 'sk-junit-9#secret/ü';

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: 'junit-10.xsd', contents: SCHEMA }],
  });
  return result.errors.map((e) => e.rawMessage);
}

interface Case {
  name: string;
  classname: string;
  time: string;
  failure?: { message: string; '#text'?: string };
  skipped?: { message: string };
  'system-out'?: string;
  'system-err'?: string;
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  skipped: string;
  testcase: Case[];
}

/** The report as a JUnit reader's parser (fast-xml-parser, as test reporters use) reads it. */
function readJUnit(xml: string): { tests: string; failures: string; testsuite: Suite[] } {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase'].includes(name),
    trimValues: false,
    // Numeric character references (&#13;) decoded, as XML requires.
    htmlEntities: true,
  });
  return parser.parse(xml, true).testsuites;
}

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((source, i) => ({
      id: `c${i}`,
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    })),
  });
}

/** A name holding what XML escapes and what it cannot hold (control characters). */
const HOSTILE_NAME = `checks/x<y>&"'z ]]> \u0001.py`;

describe('a batch with a failing file, a skipped block and a not-run cell', () => {
  let run: { main: StepResult; post: StepResult };
  let workdir: Workdir;
  let xml: string;
  beforeAll(async () => {
    workdir = workspaceWith({
      'checks/ok.py': 'print("fine")\n',
      'checks/bad.py':
        'import os\nprint("before ]]> <b>&amp;", os.environ["TOKEN"])\nraise ValueError("bad \\ud800 \\x01 " + os.environ["TOKEN"] + "\\nsecond line")\n',
      [HOSTILE_NAME]:
        'import sys\nprint("ctl \\x01\\x1b[31m red \\x7f ]]> <!-- -->")\n_ = sys.stderr.write("err <&>\\n")\n',
      'docs/guide.md': [
        '```python',
        'print("block one")',
        '```',
        '',
        '<!-- run-code: skip -->',
        '```python',
        'raise SystemExit(9)',
        '```',
      ].join('\n'),
      'nb.ipynb': notebook(['undefined_name\n', 'print("never")\n']),
    });
    run = await runAction({
      workdir,
      inputs: {
        ...server.inputs(),
        file: 'checks/*.py\nnb.ipynb',
        markdown: 'docs/guide.md',
        'secret-env': `TOKEN=${SECRET}`,
        'junit-file': 'reports/junit.xml',
        'fail-on-error': 'false',
      },
    });
    xml = readFileSync(path.join(workdir.workspace, 'reports/junit.xml'), 'utf8');
  });

  it('writes the report where junit-file says, and names it in the output', () => {
    expect(run.main.code).toBe(0);
    expect(run.main.outputs['junit-file']).toBe(path.join(workdir.workspace, 'reports/junit.xml'));
  });

  it('is valid against the JUnit schema', async () => {
    expect(await schemaErrors(xml)).toEqual([]);
  });

  it('counts what the outputs count', () => {
    const report = readJUnit(xml);
    const cases = report.testsuite.flatMap((s) => s.testcase);
    const failed = cases.filter((c) => c.failure).length;
    const skipped = cases.filter((c) => c.skipped).length;
    expect(run.main.outputs).toMatchObject({ passed: '3', failed: '2' });
    expect([cases.length - failed - skipped, failed, skipped]).toEqual([3, 2, 2]);
    expect([report.tests, report.failures]).toEqual(['7', run.main.outputs.failed]);
  });

  it('has one suite per file, page or notebook, one case per run', () => {
    const suites = readJUnit(xml).testsuite;
    expect(suites.map((s) => [s.name, s.tests, s.failures, s.skipped])).toEqual([
      ['checks/bad.py', '1', '1', '0'],
      ['checks/ok.py', '1', '0', '0'],
      [HOSTILE_NAME.replace('\u0001', ''), '1', '0', '0'],
      ['nb.ipynb', '2', '1', '1'],
      ['docs/guide.md', '2', '0', '1'],
    ]);
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases.map((c) => [c.classname, c.name])).toEqual([
      ['checks/bad.py', 'checks/bad.py'],
      ['checks/ok.py', 'checks/ok.py'],
      [HOSTILE_NAME.replace('\u0001', ''), HOSTILE_NAME.replace('\u0001', '')],
      ['nb.ipynb', 'nb.ipynb cell 1'],
      ['nb.ipynb', 'nb.ipynb cell 2'],
      ['docs/guide.md', 'docs/guide.md:1'],
      ['docs/guide.md', 'docs/guide.md:6'],
    ]);
    for (const c of cases) expect(c.time).toMatch(/^\d+\.\d{3}$/);
  });

  it('gives a failure its one-line error and redacted traceback, a skip and a not-run their reason', () => {
    const cases = readJUnit(xml).testsuite.flatMap((s) => s.testcase);
    const bad = cases.find((c) => c.name === 'checks/bad.py')!;
    // The lone surrogate and the control character are dropped; the secret is out.
    expect(bad.failure!.message).toBe('ValueError: bad ***');
    // The text is the rest of the error, as the summary's failure section shows it.
    expect(bad.failure!['#text']).toContain('second line');
    expect(bad.failure!['#text']).not.toContain(SECRET);
    expect(bad['system-out']).toBe('before ]]> <b>&amp; ***\n');
    const cell = cases.find((c) => c.name === 'nb.ipynb cell 1')!.failure!;
    expect(cell.message).toMatch(/NameError: name 'undefined_name' is not defined/);
    expect(cell['#text']).toMatch(/Traceback[\s\S]*undefined_name/);
    expect(cases.find((c) => c.name === 'nb.ipynb cell 2')!.skipped!.message).toBe(
      'not run: nb.ipynb cell 1 failed before it',
    );
    expect(cases.find((c) => c.name === 'docs/guide.md:6')!.skipped!.message).toBe('marked skip');
  });

  it('keeps hostile output well-formed, as XML can hold it', () => {
    const hostile = readJUnit(xml)
      .testsuite.flatMap((s) => s.testcase)
      .find((c) => c.classname.startsWith('checks/x<y>'))!;
    expect(hostile['system-out']).toBe('ctl [31m red \u007f ]]> <!-- -->\n');
    expect(hostile['system-err']).toBe('err <&>\n');
  });

  it('writes the secret in no form', () => {
    expectNoSecretWritten([SECRET], {
      steps: [run.main, run.post],
      workdir,
      texts: { junit: xml },
    });
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('a single run', () => {
  it('is a report of one suite and one case, its output bounded', async () => {
    const workdir = workspaceWith({ 'one.py': 'print("x" * 300_000)\n' });
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'one.py', 'junit-file': 'junit.xml' },
    });
    expect(run.main.code).toBe(0);
    const xml = readFileSync(run.main.outputs['junit-file']!, 'utf8');
    expect(await schemaErrors(xml)).toEqual([]);
    const report = readJUnit(xml);
    expect([report.tests, report.failures]).toEqual(['1', '0']);
    const [only] = report.testsuite[0]!.testcase;
    expect(only).toMatchObject({ classname: 'one.py', name: 'one.py' });
    expect(only!['system-out']!.length).toBeLessThanOrEqual(MAX_JUNIT_TEXT_CHARS);
    expect(only!['system-out']).toMatch(/^x+\n… \[truncated: /);
  });

  it('a syntax error found on the runner is a failed case, without a session', async () => {
    const workdir = workspaceWith({ 'broken.py': 'def f(:\n  pass\n' });
    const sessionsBefore = server.sessions().length;
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'broken.py', 'junit-file': 'junit.xml' },
    });
    expect(run.main.code).toBe(1);
    expect(server.sessions().length).toBe(sessionsBefore);
    const xml = readFileSync(path.join(workdir.workspace, 'junit.xml'), 'utf8');
    expect(await schemaErrors(xml)).toEqual([]);
    const report = readJUnit(xml);
    expect([report.tests, report.failures]).toEqual(['1', '1']);
    expect(report.testsuite[0]!.testcase[0]!.failure!.message).toMatch(/SyntaxError/);
  });
});

describe('a shard with nothing to run', () => {
  it('writes an empty report, without a session', async () => {
    const workdir = workspaceWith({ 'a.py': 'print(1)\n' });
    const sessionsBefore = server.sessions().length;
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'a.py', shard: '2/2', 'junit-file': 'junit.xml' },
    });
    expect(run.main.code).toBe(0);
    expect(server.sessions().length).toBe(sessionsBefore);
    const xml = readFileSync(run.main.outputs['junit-file']!, 'utf8');
    expect(await schemaErrors(xml)).toEqual([]);
    expect(readJUnit(xml)).toMatchObject({ name: 'agentbay-run-code (shard 2 of 2)', tests: '0' });
  });
});

describe('junit-file, bad paths', () => {
  it.each([
    ['../outside.xml', 'leads out of it'],
    ['/tmp/junit.xml', 'is absolute'],
    ['out/link/junit.xml', 'is below a link to'],
    ['file-link.xml', 'is a link'],
    ['reports/', 'names a directory'],
  ])("'%s' is refused before any session", async (junitFile, why) => {
    const workdir = workspaceWith({ 'a.py': 'print(1)\n' });
    mkdirSync(path.join(workdir.workspace, 'out'));
    symlinkSync(workdir.runnerTemp, path.join(workdir.workspace, 'out', 'link'));
    writeFileSync(path.join(workdir.dir, 'victim.xml'), 'keep');
    symlinkSync(
      path.join(workdir.dir, 'victim.xml'),
      path.join(workdir.workspace, 'file-link.xml'),
    );
    const sessionsBefore = server.sessions().length;
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'a.py', 'junit-file': junitFile },
    });
    expect(run.main.code).toBe(1);
    const errors = activeCommands(run.main.stdout).filter((c) => c.startsWith('::error'));
    expect(errors.join('\n')).toContain(
      `Input 'junit-file' must be a file path relative to the workspace`,
    );
    expect(errors.join('\n')).toContain(why);
    expect(server.sessions().length).toBe(sessionsBefore);
    expect(readFileSync(path.join(workdir.dir, 'victim.xml'), 'utf8')).toBe('keep');
  });
});

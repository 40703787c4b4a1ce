import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import type { CodeRunResult } from '../../../src/agentbay/run-code-result.ts';
import type { BatchEntry } from '../../../src/report/batch-report.ts';
import { cleanText, MAX_JUNIT_TEXT_CHARS, renderJUnit } from '../../../src/report/junit.ts';
import type { RunReport } from '../../../src/report/run-report.ts';
import type { CodeSource } from '../../../src/runs/code-source.ts';
import { makeRedactor } from '../../../src/text/secrets.ts';

const SCHEMA = readFileSync(new URL('../../fixtures/junit/junit-10.xsd', import.meta.url), 'utf8');
const SECRET = 'sk-junit-secret-42';
const redact = makeRedactor([SECRET]);

function entry(
  source: CodeSource,
  result: Partial<CodeRunResult>,
  extra: Partial<BatchEntry> = {},
): BatchEntry {
  const report: RunReport = {
    language: 'python',
    source,
    code: 'print(1)\n',
    sessionId: 's',
    requestId: 'r',
    result: {
      success: true,
      toolError: false,
      output: '',
      stdout: '',
      stderr: '',
      error: '',
      errorDetail: '',
      results: [],
      executionTimeS: 0.1,
      executionCount: undefined,
      traceId: '',
      format: 'structured',
      ...result,
    },
    wallTimeMs: 1,
    sessionKept: false,
    resultFile: '/tmp/r.json',
    files: [],
  };
  return { report, durationMs: 1234, ...extra };
}

const file = (path: string): CodeSource => ({ kind: 'file', path });

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: 'junit-10.xsd', contents: SCHEMA }],
  });
  return result.errors.map((e) => e.rawMessage);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase'].includes(name),
  trimValues: false,
  processEntities: true,
  // Numeric character references (&#13;) decoded, as XML requires.
  htmlEntities: true,
});

interface Case {
  name: string;
  classname: string;
  time: string;
  failure?: { message: string; '#text'?: string };
  skipped?: { message: string } | string;
  'system-out'?: string;
  'system-err'?: string;
}

function read(xml: string) {
  const doc = parser.parse(xml) as {
    testsuites: Record<string, string> & {
      testsuite: Array<Record<string, string> & { testcase: Case[] }>;
    };
  };
  return doc.testsuites;
}

const BATCH: BatchEntry[] = [
  entry(file('checks/ok.py'), { stdout: 'fine\n' }),
  entry(file('checks/bad.py'), {
    success: false,
    error: 'ValueError: bad\nsecond line',
    errorDetail: 'Traceback (most recent call last):\n  File "<cell>", line 1\nValueError: bad\n',
    stderr: 'warning\n',
  }),
  entry({ kind: 'file', path: 'docs/guide.md', fenceLine: 3 }, { stdout: 'block\n' }),
  entry({ kind: 'file', path: 'docs/guide.md', fenceLine: 9 }, {}, { skipped: true }),
  entry(
    { kind: 'file', path: 'nb.ipynb', cell: 1 },
    { success: false, error: 'nb.ipynb cell 1, line 1: NameError: x' },
  ),
  entry(
    { kind: 'file', path: 'nb.ipynb', cell: 2 },
    { success: false, error: 'not run: nb.ipynb cell 1 failed before it' },
    { notRun: true },
  ),
];

describe('renderJUnit', () => {
  it('is valid against the JUnit schema, one suite per file, one case per run', async () => {
    const xml = renderJUnit(BATCH, { name: 'agentbay-run-code (shard 1 of 2)', redact });
    expect(await schemaErrors(xml)).toEqual([]);
    const suites = read(xml);
    expect(suites).toMatchObject({
      name: 'agentbay-run-code (shard 1 of 2)',
      tests: '6',
      failures: '2',
      errors: '0',
      time: '7.404',
    });
    expect(suites.testsuite.map((s) => [s.name, s.tests, s.failures, s.skipped])).toEqual([
      ['checks/ok.py', '1', '0', '0'],
      ['checks/bad.py', '1', '1', '0'],
      ['docs/guide.md', '2', '0', '1'],
      ['nb.ipynb', '2', '1', '1'],
    ]);
    const cases = suites.testsuite.flatMap((s) => s.testcase);
    expect(cases.map((c) => [c.classname, c.name, c.time])).toEqual([
      ['checks/ok.py', 'checks/ok.py', '1.234'],
      ['checks/bad.py', 'checks/bad.py', '1.234'],
      ['docs/guide.md', 'docs/guide.md:3', '1.234'],
      ['docs/guide.md', 'docs/guide.md:9', '1.234'],
      ['nb.ipynb', 'nb.ipynb cell 1', '1.234'],
      ['nb.ipynb', 'nb.ipynb cell 2', '1.234'],
    ]);
  });

  it('says a failure in one line and gives the traceback as its text', () => {
    const cases = read(renderJUnit(BATCH, { name: 'n', redact })).testsuite.flatMap(
      (s) => s.testcase,
    );
    expect(cases[1]!.failure).toMatchObject({ message: 'ValueError: bad second line' });
    expect(cases[1]!.failure!['#text']).toContain(
      'Traceback (most recent call last):\n  File "<cell>", line 1\n',
    );
    expect(cases[1]!['system-err']).toBe('warning\n');
    expect(cases[0]!['system-out']).toBe('fine\n');
    expect(cases[0]!.failure).toBeUndefined();
    expect(cases[3]!.skipped).toEqual({ message: 'marked skip' });
    expect(cases[5]!.skipped).toEqual({ message: 'not run: nb.ipynb cell 1 failed before it' });
  });

  it('stays well-formed and valid with hostile names and outputs, and keeps what XML can hold', async () => {
    const hostile =
      'a<b>&c"d\'e ]]> \u0001\u0008\u000B\u000C\u001B\uFFFE\uFFFF \uD800 x \uDC00 😀 \r\n\ttab';
    const xml = renderJUnit(
      [
        entry(file(`checks/${hostile}.py`), {
          success: false,
          error: hostile,
          errorDetail: hostile,
          stdout: hostile,
          stderr: `]]>${hostile}`,
        }),
      ],
      { name: hostile, redact },
    );
    expect(await schemaErrors(xml)).toEqual([]);
    const [suite] = read(xml).testsuite;
    const kept = 'a<b>&c"d\'e ]]>   x  😀 \r\n\ttab';
    expect(suite!.name).toBe(`checks/${kept}.py`);
    const [run] = suite!.testcase;
    expect(run!['system-out']).toBe(kept);
    expect(run!['system-err']).toBe(`]]>${kept}`);
    expect(run!.failure!.message).toBe(kept.replace(/\s+/g, ' ').trim());
  });

  it('writes no secret, in any form, and none cut in half', () => {
    const base64 = Buffer.from(SECRET).toString('base64');
    // Secrets everywhere, so some straddle the cut wherever it falls.
    const long = `${SECRET} `.repeat(20_000);
    const xml = renderJUnit(
      [
        entry(file(`checks/${SECRET}.py`), {
          success: false,
          error: `leaked ${SECRET}`,
          errorDetail: `trace ${encodeURIComponent(SECRET)} ${base64}`,
          stdout: long,
          stderr: `${SECRET.slice(0, 6)}\u0000${SECRET.slice(6)}`,
        }),
      ],
      { name: 'n', redact },
    );
    expect(xml).not.toContain(SECRET);
    expect(xml).not.toContain(base64);
    // Cut through, a secret would leave its start before the cut or its end after it.
    const stdout = /<system-out>([\s\S]*)<\/system-out>/.exec(xml)![1]!;
    expect(stdout).toContain('truncated');
    expect(stdout).not.toMatch(/sk-j|t-42/);
    // A character XML cannot hold is dropped before redaction: it hides no secret.
    expect(xml).toContain('<system-err>***</system-err>');
    expect(xml).toContain('checks/***.py');
  });

  it('bounds each text, keeping its start and end', () => {
    const huge = `START${'z'.repeat(5_000_000)}END`;
    const xml = renderJUnit([entry(file('a.py'), { stdout: huge })], { name: 'n', redact });
    const out = read(xml).testsuite[0]!.testcase[0]!['system-out']!;
    expect(out.length).toBeLessThanOrEqual(MAX_JUNIT_TEXT_CHARS);
    expect(out.startsWith('START')).toBe(true);
    expect(out.endsWith('END')).toBe(true);
    expect(out).toContain('truncated');
  });

  it('puts a trailing expression’s value after what the run printed', () => {
    const xml = renderJUnit([entry(file('a.py'), { stdout: 'printed\n', output: '42' })], {
      name: 'n',
      redact,
    });
    expect(read(xml).testsuite[0]!.testcase[0]!['system-out']).toBe('printed\n\n42');
  });

  it('is a valid empty report when nothing ran', async () => {
    const xml = renderJUnit([], { name: 'agentbay-run-code (shard 3 of 3)', redact });
    expect(await schemaErrors(xml)).toEqual([]);
    expect(read(xml)).toMatchObject({ tests: '0', failures: '0' });
  });
});

describe('cleanText', () => {
  it('drops what XML cannot hold before redacting', () => {
    expect(cleanText('a\u0000b\uD800', 100, redact)).toBe('ab');
    expect(cleanText(`${SECRET.slice(0, 5)}\u0001${SECRET.slice(5)}`, 100, redact)).toBe('***');
    expect(cleanText(`${SECRET}`, 100, redact)).toBe('***');
  });
});

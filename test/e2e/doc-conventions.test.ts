// The conventions pages are written for today: pytest-codeblocks' markers and `>>>` sessions
// (doctest), run by the bundled action against the local server, each verdict the one the
// reference tool gives (pytest-codeblocks 0.17, Python's doctest).
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeCommands,
  runAction,
  runStep,
  useServer,
  userCode,
  workspaceWith,
} from './harness.ts';

const server = useServer();

interface ResultEntry {
  source: string;
  success: boolean;
  skipped: boolean;
  output: string;
  error: string;
}

const results = (outputs: Record<string, string>) =>
  JSON.parse(outputs.results ?? '[]') as ResultEntry[];

const PASSING = [
  '# Passing', // 1
  '```python', // 2
  'a = 1', // 3
  '```', // 4
  'Then, continued:', // 5
  '<!--pytest-codeblocks:cont-->', // 6
  '```python', // 7
  'print(a + 1)', // 8
  '```', // 9
  '<!--pytest-codeblocks:expected-output-->', // 10
  '```', // 11
  '2', // 12
  '```', // 13
  '<!--pytest-codeblocks:skip-->', // 14
  '```python', // 15
  'import not_installed_anywhere', // 16
  '```', // 17
  '<!--pytest-codeblocks:expect-exception-->', // 18
  '```python', // 19
  '1 / 0', // 20
  '```', // 21
  '<!--pytest-codeblocks:skipif(sys.version_info >= (3, 0))-->', // 22
  '```python', // 23
  'raise SystemExit("a true skipif skips this")', // 24
  '```', // 25
  '<!--pytest-codeblocks:importorskip(not_installed_anywhere)-->', // 26
  '```python', // 27
  'import not_installed_anywhere', // 28
  '```', // 29
  '<!--pytest-codeblocks:importorskip(json)-->', // 30
  '```python', // 31
  'print(json.dumps([a]) if "json" in dir() else "json not imported here")', // 32
  '```', // 33
  '', // 34
].join('\n');

const FAILING = [
  '```python', // 1
  'print("x ")', // 2
  '```', // 3
  '<!--pytest-codeblocks:expected-output-->', // 4
  '```', // 5
  'x', // 6
  '```', // 7
  '<!--pytest-codeblocks:expect-exception-->', // 8
  '```python', // 9
  'print("no error")', // 10
  '```', // 11
  '```python', // 12
  'b = 1', // 13
  '```', // 14
  '<!--pytest-codeblocks:cont-->', // 15
  '```python', // 16
  'print(b)', // 17
  'missing_name', // 18
  '```', // 19
  '', // 20
].join('\n');

describe('pytest-codeblocks markers', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let requestsBefore: number;
  beforeAll(async () => {
    requestsBefore = server.requests().length;
    const workdir = workspaceWith({ 'docs/a-pass.md': PASSING, 'docs/b-fail.md': FAILING });
    run = await runAction({ workdir, inputs: { ...server.inputs(), markdown: 'docs/*.md' } });
  });

  it('gives the verdicts pytest-codeblocks gives, a cont block reported as one with its first', () => {
    expect(results(run.main.outputs).map((r) => [r.source, r.success, r.skipped])).toEqual([
      ['docs/a-pass.md:2', true, false],
      ['docs/a-pass.md:15', true, true],
      ['docs/a-pass.md:19', true, false],
      ['docs/a-pass.md:23', true, true],
      ['docs/a-pass.md:27', true, true],
      ['docs/a-pass.md:31', true, false],
      ['docs/b-fail.md:1', false, false],
      ['docs/b-fail.md:9', false, false],
      ['docs/b-fail.md:12', false, false],
    ]);
    const [joined, , , skipif, importorskip] = results(run.main.outputs);
    expect(joined!.output).toBe('2\n');
    expect(skipif!.output).toBe('skipped: skipif(sys.version_info >= (3, 0)) at line 22 is true');
    expect(importorskip!.output).toMatch(
      /^skipped: importorskip\(not_installed_anywhere\) at line 26: No module named/,
    );
  });

  it('evaluates the conditions in the sandbox, outside the page, and never sends a skipped block', () => {
    const sent = userCode(server.requests().slice(requestsBefore));
    expect(sent.filter((c) => c.includes('_agentbay_conditions'))).toHaveLength(3);
    expect(sent.some((c) => c.includes('a true skipif skips this'))).toBe(false);
    // The import of importorskip(json) happened in the condition's own call, not the page's.
    expect(results(run.main.outputs)[5]!.output).toBe('json not imported here\n');
  });

  it('compares expected output exactly, fails an expect-exception block that does not raise, and maps a cont block to its page lines', () => {
    const failing = results(run.main.outputs).slice(6);
    expect(failing[0]!.error).toBe('the output differs from the expected output at line 5');
    expect(failing[1]!.error).toBe(
      'the block is marked pytest-codeblocks:expect-exception, but it ran without an error',
    );
    expect(failing[2]!.error).toMatch(/NameError: name 'missing_name' is not defined/);
    const commands = activeCommands(run.main.stdout);
    expect(commands.find((c) => c.includes('docs/b-fail.md:12 failed'))).toMatch(
      /file=docs\/b-fail\.md,line=18,/,
    );
    const html = marked.parse(run.main.summary, { async: false });
    expect(html).toMatch(/differ in white space at line 1/);
  });

  it('refuses an unknown pytest-codeblocks marker before any session, naming page and line', async () => {
    const requests = server.requests().length;
    const workdir = workspaceWith({
      'docs/bad.md':
        '```python\nx = 1\n```\n\n<!--pytest-codeblocks:skip-if(True)-->\n```python\nx\n```\n',
    });
    const main = await runStep('main', {
      workdir,
      inputs: { ...server.inputs(), markdown: 'docs/bad.md' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /Input 'markdown' has a bad marker: docs\/bad\.md:5: unknown pytest-codeblocks marker 'pytest-codeblocks:skip-if\(True\)'/,
    );
    expect(server.requests().length).toBe(requests);
  });
});

const SESSIONS = [
  '# Sessions', // 1
  '```pycon', // 2
  '>>> total = 40', // 3
  '>>> total + 2', // 4
  '42', // 5
  '>>> print(list(range(30)))  # doctest: +ELLIPSIS', // 6
  '[0, 1, ..., 29]', // 7
  '```', // 8
  '```python', // 9
  'print(total)', // 10
  '```', // 11
  '```python', // 12
  '>>> total * 2', // 13
  '81', // 14
  '>>> print("a   b")  # doctest: +NORMALIZE_WHITESPACE', // 15
  'a b', // 16
  '```', // 17
  '', // 18
].join('\n');

describe('>>> sessions', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  beforeAll(async () => {
    const workdir = workspaceWith({ 'docs/sessions.md': SESSIONS });
    run = await runAction({
      workdir,
      inputs: { ...server.inputs(), markdown: 'docs/sessions.md' },
    });
  });

  it("run as doctest runs them, in the page's namespace", () => {
    expect(results(run.main.outputs).map((r) => [r.source, r.success, r.output])).toEqual([
      ['docs/sessions.md:2', true, ''],
      ['docs/sessions.md:9', true, '40\n'],
      ['docs/sessions.md:12', false, ''],
    ]);
  });

  it('fail a mismatch at the example line, the summary showing expected against got', () => {
    const failing = results(run.main.outputs)[2]!;
    expect(failing.error).toBe(
      'doctest: the example at line 13 printed something other than the session shows',
    );
    expect(
      activeCommands(run.main.stdout).find((c) => c.includes('docs/sessions.md:12 failed')),
    ).toMatch(/file=docs\/sessions\.md,line=13,/);
    expect(run.main.summary).toContain('Expected:\n    81\nGot:\n    80');
  });
});

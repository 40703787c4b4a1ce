// Markdown code blocks: the bundled action, main then post, against the local server.
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeCommands,
  runAction,
  runningSessions,
  runStep,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();

const GUIDE = [
  '# Guide', // 1
  '', // 2
  '```python', // 3
  'answer = 21', // 4: a name the next block uses, as a reader's interpreter keeps it
  '```', // 5
  '', // 6
  '```python', // 7
  'print(answer * 2)', // 8
  '```', // 9
  '<!-- run-code: expected-output -->', // 10
  '```', // 11
  '42', // 12
  '```', // 13
  '', // 14
  '<!-- run-code: skip -->', // 15
  '```python', // 16
  'import not_installed_anywhere', // 17
  '```', // 18
  '', // 19
  '```python skip', // 20
  'raise SystemExit(9)', // 21
  '```', // 22
  '', // 23
  '<!-- run-code: expect-error -->', // 24
  '```python', // 25
  '1 / 0', // 26
  '```', // 27
  '', // 28
  '```python', // 29
  'print("forty-two")', // 30
  '```', // 31
  '<!-- run-code: expected-output -->', // 32
  '```', // 33
  '42', // 34
  '```', // 35
  '', // 36
  '```javascript', // 37
  'const a = 1;', // 38
  'missingFunction(a);', // 39
  '```', // 40
  '', // 41
  '```bash', // 42
  'echo never run', // 43
  '```', // 44
].join('\n');

describe('a Markdown page', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let before: number;
  beforeAll(async () => {
    before = server.sessions().length;
    const workdir = workspaceWith({ 'docs/guide.md': GUIDE });
    run = await runAction({ workdir, inputs: { ...server.inputs(), markdown: 'docs/*.md' } });
  });

  it('runs its blocks in one session, in order, skipping the marked ones', () => {
    const created = server.sessions().slice(before);
    expect(created).toHaveLength(1);
    expect(created[0]!.runCount).toBe(5);
  });

  it('judges each block: expected output, skips, expected error, a mismatch, a failure', () => {
    expect(run.main.code).toBe(1);
    const results = JSON.parse(run.main.outputs.results!) as Array<{
      source: string;
      success: boolean;
      skipped: boolean;
      error: string;
    }>;
    expect(results.map((r) => [r.source, r.success, r.skipped])).toEqual([
      ['docs/guide.md:3', true, false],
      ['docs/guide.md:7', true, false],
      ['docs/guide.md:16', true, true],
      ['docs/guide.md:20', true, true],
      ['docs/guide.md:25', true, false],
      ['docs/guide.md:29', false, false],
      ['docs/guide.md:37', false, false],
    ]);
    expect(results[5]!.error).toBe('the output differs from the expected output at line 33');
    expect(results[6]!.error).toMatch(/ReferenceError: missingFunction is not defined/);
    expect(run.main.outputs.passed).toBe('3');
    expect(run.main.outputs.failed).toBe('2');
  });

  it('annotates the mismatch and the failing line on the page', () => {
    const commands = activeCommands(run.main.stdout);
    expect(commands).toContain(
      '::error title=Python error,file=docs/guide.md,line=33,endLine=33::docs/guide.md:29 failed: the output differs from the expected output at line 33',
    );
    const js = commands.find((c) => c.includes('docs/guide.md:37 failed'));
    expect(js).toMatch(/file=docs\/guide\.md,line=39,/);
  });

  it('shows the diff and the skips in the summary', () => {
    const html = marked.parse(run.main.summary, { async: false });
    expect(html).toContain('7 runs: 3 passed, 2 failed, 2 skipped');
    expect(html).toContain('⏭️ skipped');
    expect(html).toMatch(/-42\n\+forty-two/);
  });

  it('leaves no session behind', () => {
    expect(runningSessions(server)).toHaveLength(0);
  });
});

describe('bad Markdown inputs are refused before any session', () => {
  it.each([
    [
      '<!-- run-code: skipp -->\n```python\n1\n```\n',
      /Input 'markdown' has a bad marker: docs\/bad\.md:1: unknown marker/,
    ],
    ['no code here\n```bash\nls\n```\n', /Input 'markdown' names pages with no code block/],
  ])('%j', async (text, message) => {
    const requestsBefore = server.requests().length;
    const workdir = workspaceWith({ 'docs/bad.md': text });
    const main = await runStep('main', {
      workdir,
      inputs: { ...server.inputs(), markdown: 'docs/bad.md' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(message);
    expect(server.requests().length).toBe(requestsBefore);
  });

  it('refuses markdown with code', async () => {
    const requestsBefore = server.requests().length;
    const main = await runStep('main', {
      inputs: { ...server.inputs(), markdown: 'x.md', code: 'print(1)', language: 'python' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/Input 'markdown' cannot be combined with 'code'/);
    expect(server.requests().length).toBe(requestsBefore);
  });
});

describe('pages in one session', () => {
  it('start each from a clean interpreter, whatever parallel is, while a page keeps its own state', async () => {
    const before = server.sessions().length;
    const workdir = workspaceWith({
      'docs/a.md':
        '```python\nsum = lambda xs: "shadowed"\nanswer = 21\n```\n\n```python\nprint(answer * 2)\n```\n',
      'docs/b.md': '```python\nprint(sum([1, 2]))\n```\n\n```python\nprint(answer)\n```\n',
    });
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), markdown: 'docs/*.md', parallel: '1' },
    });
    expect(server.sessions().slice(before)).toHaveLength(1);
    const results = JSON.parse(run.main.outputs.results!) as Array<{
      source: string;
      success: boolean;
      output: string;
      error: string;
    }>;
    expect(results.map((r) => [r.source, r.success, r.output])).toEqual([
      ['docs/a.md:1', true, ''],
      ['docs/a.md:6', true, '42\n'],
      ['docs/b.md:1', true, '3\n'],
      ['docs/b.md:5', false, ''],
    ]);
    expect(results[3]!.error).toMatch(/NameError: name 'answer' is not defined/);
  });
});

// `changed-only`, end to end: the bundled steps against the local server and the loopback
// stand-in of GitHub's REST API, on a pull request (files over two pages, removed and renamed
// ones), a push (the compare of before and after), a workflow_dispatch, and an API that refuses.
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChangedFile } from '../fake-github.ts';
import {
  activeCommands,
  expectNoSecretWritten,
  runAction,
  runningSessions,
  useFakeGitHub,
  userCode,
  useServer,
  workspaceWith,
  type StepResult,
} from './harness.ts';

const server = useServer();
const github = useFakeGitHub();

const TOKEN = 'ghs_changedonlytoken0123456789';
const BEFORE = 'a'.repeat(40);
const AFTER = 'b'.repeat(40);

/** A workspace of checks, each printing its own name, a Markdown page, and data they read. */
function checks() {
  const files: Record<string, string> = {
    'data/input.txt': 'from upload\n',
    'docs/guide.md': '# Guide\n\n```python\nprint("guide block")\n```\n',
  };
  for (const name of ['a', 'same', 'new', 'old', 'removed']) {
    files[`checks/${name}.py`] = `print("ran ${name}", open("data/input.txt").read().strip())\n`;
  }
  return workspaceWith(files);
}

/** Which checks ran, by the code sent to the sandbox. */
function ranChecks(requestsBefore: number): string[] {
  return userCode(server.requests().slice(requestsBefore))
    .map((code) => (code.includes('guide block') ? 'guide' : (/ran (\w+)/.exec(code)?.[1] ?? code)))
    .sort();
}

const INPUTS = {
  file: 'checks/*.py',
  markdown: 'docs/*.md',
  upload: 'data/**',
  'changed-only': 'true',
  'github-token': TOKEN,
};

/** 150 changed files: 146 the step does not run, and the four it must judge, on page two. */
function pullRequestFiles(): ChangedFile[] {
  const files: ChangedFile[] = [];
  for (let i = 0; i < 146; i++) files.push({ filename: `src/lib${i}.ts`, status: 'modified' });
  files.push(
    { filename: 'checks/a.py', status: 'modified' },
    { filename: 'checks/new.py', status: 'renamed', previous_filename: 'checks/old.py' },
    { filename: 'checks/removed.py', status: 'removed' },
    { filename: 'docs/guide.md', status: 'added' },
  );
  return files;
}

describe('changed-only on a pull request', () => {
  let run: { main: StepResult; post: StepResult };
  let requestsBefore = 0;
  let workdir: ReturnType<typeof checks>;
  beforeAll(async () => {
    github.reset();
    github.setChangedFiles(pullRequestFiles());
    workdir = checks();
    requestsBefore = server.requests().length;
    run = await runAction({
      workdir,
      inputs: { ...server.inputs(), ...INPUTS },
      env: github.pullRequestEnv(workdir),
    });
  });

  it('reads every page of the pull request’s files with the token', () => {
    const calls = github
      .calls()
      .filter((c) => c.path === '/repos/octo/agentbay-demo/pulls/7/files');
    expect(calls.map((c) => [c.query.page ?? '1', c.query.per_page])).toEqual([
      ['1', '100'],
      ['2', '100'],
    ]);
    expect(calls.every((c) => c.authorization === `token ${TOKEN}`)).toBe(true);
  });

  it('runs the added, modified and renamed files, not the removed, the old name or the unchanged', () => {
    expect(run.main.code).toBe(0);
    expect(ranChecks(requestsBefore)).toEqual(['a', 'guide', 'new']);
    expect(JSON.parse(run.main.outputs.results!).map((r: { source: string }) => r.source)).toEqual([
      'checks/a.py',
      'checks/new.py',
      'docs/guide.md:3',
    ]);
  });

  it('uploads the unchanged neighbours the changed code needs', () => {
    const results = JSON.parse(run.main.outputs.results!) as Array<{ output: string }>;
    expect(results[0]!.output).toContain('ran a from upload');
  });

  it('says what it kept in the log and the summary', () => {
    expect(run.main.stdout).toContain('changed-only: 3 of 6 files changed in the pull request #7:');
    expect(shown(run.main.summary)).toContain(
      'Changed files only: 3 of 6 files changed in the pull request #7.',
    );
    expect(run.main.summary.split('\n')[0]).toMatch(/^### ✅ 3 runs: 3 passed/);
  });

  it('writes the token nowhere', () => {
    expectNoSecretWritten([TOKEN], { steps: [run.main, run.post], workdir });
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('changed-only when the pull request touched none of the files', () => {
  it('succeeds without a session and says so', async () => {
    github.reset();
    github.setChangedFiles([
      { filename: 'README.md', status: 'modified' },
      { filename: 'checks/removed.py', status: 'removed' },
    ]);
    const workdir = checks();
    const sessionsBefore = server.sessions().length;
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), ...INPUTS },
      env: github.pullRequestEnv(workdir),
    });
    expect(run.main.code).toBe(0);
    expect(server.sessions().length).toBe(sessionsBefore);
    expect(run.main.stdout).toContain('Nothing to run: no file changed. No session was created.');
    expect(run.main.summary).toContain('### ✅ Nothing to run: no file changed');
    expect(shown(run.main.summary)).toContain(
      'Changed files only: 0 of 6 files changed in the pull request #7.',
    );
    expect(run.main.outputs).toMatchObject({
      success: 'true',
      passed: '0',
      failed: '0',
      results: '[]',
    });
  });
});

describe('changed-only on a push', () => {
  it('runs the files changed between before and after', async () => {
    github.reset();
    github.setChangedFiles([
      { filename: 'checks/same.py', status: 'modified' },
      { filename: 'checks/old.py', status: 'removed' },
    ]);
    const workdir = checks();
    const requestsBefore = server.requests().length;
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), ...INPUTS },
      env: github.eventEnv(workdir, 'push', {
        before: BEFORE,
        after: AFTER,
        ref: 'refs/heads/main',
      }),
    });
    expect(run.main.code).toBe(0);
    expect(github.calls().map((c) => c.path)).toEqual([
      `/repos/octo/agentbay-demo/compare/${BEFORE}...${AFTER}`,
    ]);
    expect(ranChecks(requestsBefore)).toEqual(['same']);
    expect(shown(run.main.summary)).toContain(
      'Changed files only: 1 of 6 files changed in the push aaaaaaa...bbbbbbb.',
    );
  });

  it('runs every file, with a warning, when the push created the branch', async () => {
    github.reset();
    const workdir = checks();
    const requestsBefore = server.requests().length;
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), ...INPUTS },
      env: github.eventEnv(workdir, 'push', { before: '0'.repeat(40), after: AFTER }),
    });
    expect(run.main.code).toBe(0);
    expect(github.calls()).toEqual([]);
    expect(ranChecks(requestsBefore)).toEqual(['a', 'guide', 'new', 'old', 'removed', 'same']);
    expect(activeCommands(run.main.stdout)).toContain(
      '::warning::changed-only: running every file, because the push created the branch, so there is no earlier commit to compare.',
    );
  });
});

describe('changed-only on a workflow_dispatch', () => {
  it('runs every file with a notice, and asks GitHub nothing', async () => {
    github.reset();
    const workdir = checks();
    const requestsBefore = server.requests().length;
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), ...INPUTS },
      env: github.eventEnv(workdir, 'workflow_dispatch', { inputs: {} }),
    });
    expect(run.main.code).toBe(0);
    expect(github.calls()).toEqual([]);
    expect(ranChecks(requestsBefore)).toEqual(['a', 'guide', 'new', 'old', 'removed', 'same']);
    const notices = activeCommands(run.main.stdout).filter((c) => c.startsWith('::notice'));
    expect(notices).toEqual([
      "::notice::changed-only: running every file, because a 'workflow_dispatch' event has no changed files (only pull_request, pull_request_target and push have).",
    ]);
    expect(shown(run.main.summary)).toContain('Changed files only: every file runs, because');
  });
});

describe('changed-only when the API refuses', () => {
  it('runs every file, with a warning that names the refusal', async () => {
    github.reset();
    github.setChangedFiles([{ filename: 'checks/a.py', status: 'modified' }]);
    github.failChangedFiles(403);
    const workdir = checks();
    const requestsBefore = server.requests().length;
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), ...INPUTS },
      env: github.pullRequestEnv(workdir),
    });
    expect(run.main.code).toBe(0);
    expect(ranChecks(requestsBefore)).toEqual(['a', 'guide', 'new', 'old', 'removed', 'same']);
    const warnings = activeCommands(run.main.stdout).filter((c) => c.startsWith('::warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^::warning::changed-only: running every file, because the GitHub API refused the file list: HTTP 403, Resource not accessible by integration.*pull-requests: read/,
    );
    expectNoSecretWritten([TOKEN], { steps: [run.main, run.post], workdir });
  });
});

describe('changed-only, bad input', () => {
  it.each([
    [{ 'changed-only': 'yes please' }, "Input 'changed-only'"],
    [
      { 'changed-only': 'true', 'github-token': '' },
      "Input 'github-token' is required when changed-only is true",
    ],
    [
      { 'changed-only': 'true', file: '', code: 'print(1)', language: 'python' },
      "Input 'changed-only' chooses among the files",
    ],
  ])('%j is refused before any session', async (extra, message) => {
    github.reset();
    const workdir = checks();
    const sessionsBefore = server.sessions().length;
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'checks/*.py', 'github-token': TOKEN, ...extra },
      env: github.pullRequestEnv(workdir),
    });
    expect(run.main.code).toBe(1);
    expect(errorLines(run.main.stdout)).toContain(message);
    expect(server.sessions().length).toBe(sessionsBefore);
    expect(github.calls()).toEqual([]);
  });
});

/** The summary as a reader sees it: rendered, tags gone, characters decoded. */
function shown(markdown: string): string {
  return marked
    .parse(markdown, { async: false })
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function errorLines(stdout: string): string {
  return activeCommands(stdout)
    .filter((c) => c.startsWith('::error'))
    .join('\n');
}

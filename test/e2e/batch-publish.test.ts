// A batch's artifact and pull-request comment, end to end: the bundled steps against the local
// server and a loopback stand-in of GitHub (artifact service and REST API).
import path from 'node:path';
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_ID } from '../fake-github.ts';
import {
  activeCommands,
  expectNoSecretWritten,
  runAction,
  runningSessions,
  unzip,
  useFakeGitHub,
  useServer,
  workspaceWith,
  type Workdir,
} from './harness.ts';

const server = useServer();
const github = useFakeGitHub();

const SECRET = 'sk-publish-9#secret/ü';
const GITHUB_TOKEN = 'ghs_faketoken0123456789';

describe('a batch with artifact and comment on a pull request', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let workdir: Workdir;
  beforeAll(async () => {
    github.reset();
    workdir = workspaceWith({
      'checks/ok.py':
        'import os\nprint("ok", os.environ["TOKEN"])\nopen("out.txt", "w").write("data")\n',
      'checks/bad.py':
        'import os\nprint("::error::fake")\nraise ValueError("<script>alert(1)</script> bad " + os.environ["TOKEN"])\n',
      'checks/chart.py':
        'from IPython.display import display, HTML\ndisplay(HTML("<b>table</b>"))\n',
    });
    run = await runAction({
      workdir,
      inputs: {
        ...server.inputs(),
        file: 'checks/*.py',
        'secret-env': `TOKEN=${SECRET}`,
        download: 'out.txt',
        artifact: 'batch-results',
        comment: 'true',
        'github-token': GITHUB_TOKEN,
      },
      env: { ...github.artifactEnv(), ...github.pullRequestEnv(workdir, 'batch') },
    });
  });

  it('uploads every run’s result file, its rich files, the downloads and the index as one artifact', () => {
    expect(run.main.code).toBe(1);
    const [artifact] = github.artifacts();
    expect(artifact).toMatchObject({ name: 'batch-results', finalized: true });
    const entries = unzip(artifact!.content);
    const names = Object.keys(entries);
    const index = JSON.parse(entries[path.basename(run.main.outputs['result-file']!)]!.toString());
    expect(index).toMatchObject({ passed: 2, failed: 1 });
    for (const r of index.runs as Array<{ resultFile: string }>) {
      expect(names).toContain(path.basename(r.resultFile));
    }
    expect(names.some((n) => /-files\/.*\.html$/.test(n))).toBe(true);
    const download = names.find((n) => n.endsWith('-download/out.txt'));
    expect(download && entries[download]!.toString()).toBe('data');
    const url = `https://github.com/octo/agentbay-demo/actions/runs/4242/artifacts/${ARTIFACT_ID}`;
    expect(run.main.outputs['artifact-url']).toBe(url);
    expect(marked.parse(run.main.summary, { async: false })).toContain(
      `<a href="${url}"><code>batch&#45;results</code></a>`,
    );
    // Redacted before anything was written into it.
    const all = Buffer.concat(Object.values(entries)).toString('utf8');
    expect(all).toContain('</script> bad ***');
    expectNoSecretWritten([SECRET], { texts: { artifact: all } });
  });

  it('posts one comment with the table, failures first, and the first error, escaped', () => {
    const comments = github.comments();
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body.split('\n')[0]).toBe('<!-- agentbay-run-code:check.batch -->');
    expect(body).toContain('3 runs: 2 passed, 1 failed');
    const html = marked.parse(body, { async: false });
    const rows = [...html.matchAll(/<tr>\s*<td><code>([^<]+)<\/code><\/td>/g)].map((m) =>
      m[1]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
    );
    expect(rows).toEqual(['checks/bad.py', 'checks/chart.py', 'checks/ok.py']);
    expect(body).toContain('ValueError: <script>alert(1)</script> bad ***');
    expectNoSecretWritten([SECRET], { texts: { comment: body } });
    expect(html).not.toMatch(/<script>/);
    expect(body).toContain(`/artifacts/${ARTIFACT_ID}`);
    expect(run.main.stdout).toMatch(/Posted the pull-request comment/);
    // The sandbox's `::error::fake` line is printed, never obeyed.
    expect(activeCommands(run.main.stdout).some((c) => c.includes('::error::fake'))).toBe(false);
  });

  it('writes the secret-env value in no form to the log, the runner files or GitHub', () => {
    expectNoSecretWritten([SECRET], {
      steps: [run.main, run.post],
      workdir,
      texts: { 'GitHub requests': JSON.stringify(github.calls()) },
    });
  });

  it('deletes the session', () => {
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('a batch comment on a push', () => {
  it('is a notice, not a failure, and posts nothing', async () => {
    github.reset();
    const workdir = workspaceWith({ 'a.py': 'print(1)\n', 'b.py': 'print(2)\n' });
    const run = await runAction({
      workdir,
      inputs: {
        ...server.inputs(),
        file: '*.py',
        comment: 'true',
        'github-token': GITHUB_TOKEN,
      },
      env: { GITHUB_EVENT_NAME: 'push', GITHUB_API_URL: github.url },
    });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(/::notice::comment: true only applies to pull_request/);
    expect(github.comments()).toEqual([]);
  });
});

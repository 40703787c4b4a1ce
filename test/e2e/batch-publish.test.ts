// A batch's artifact and pull-request comment, end to end: the bundled steps against the local
// server and a loopback stand-in of GitHub (artifact service and REST API).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import {
  activeCommands,
  makeWorkdir,
  runAction,
  runningSessions,
  TEST_KEY,
} from '../../scripts/step-runner.ts';
import { ARTIFACT_ID, fakeRuntimeToken, startFakeGitHub, type FakeGitHub } from '../fake-github.ts';

let server: AgentBayServer;
let github: FakeGitHub;
beforeAll(async () => {
  server = await startServer({ apiKey: TEST_KEY });
  github = await startFakeGitHub();
});
afterAll(async () => {
  await server.close();
  await github.close();
});

const SECRET = 'sk-publish-9#secret/ü';
const GITHUB_TOKEN = 'ghs_faketoken0123456789';

/** Names and contents of a zip, read by Python's zipfile. */
function unzip(content: Buffer): Record<string, Buffer> {
  const script =
    'import sys, zipfile, io, json, base64\n' +
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\n' +
    'print(json.dumps({n: base64.b64encode(z.read(n)).decode() for n in z.namelist()}))';
  const entries = JSON.parse(
    execFileSync('python3', ['-c', script], { input: content }).toString(),
  );
  return Object.fromEntries(
    Object.entries(entries as Record<string, string>).map(([n, b]) => [
      n,
      Buffer.from(b, 'base64'),
    ]),
  );
}

describe('a batch with artifact and comment on a pull request', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  beforeAll(async () => {
    github.reset();
    const workdir = makeWorkdir();
    const files: Record<string, string> = {
      'checks/ok.py':
        'import os\nprint("ok", os.environ["TOKEN"])\nopen("out.txt", "w").write("data")\n',
      'checks/bad.py':
        'import os\nprint("::error::fake")\nraise ValueError("<script>alert(1)</script> bad " + os.environ["TOKEN"])\n',
      'checks/chart.py':
        'from IPython.display import display, HTML\ndisplay(HTML("<b>table</b>"))\n',
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(workdir.workspace, name)), { recursive: true });
      writeFileSync(path.join(workdir.workspace, name), text);
    }
    const eventPath = path.join(workdir.dir, 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7 } }),
    );
    run = await runAction({
      workdir,
      inputs: {
        'api-key': TEST_KEY,
        endpoint: server.url,
        file: 'checks/*.py',
        'secret-env': `TOKEN=${SECRET}`,
        download: 'out.txt',
        artifact: 'batch-results',
        comment: 'true',
        'github-token': GITHUB_TOKEN,
      },
      env: {
        ACTIONS_RUNTIME_TOKEN: fakeRuntimeToken(),
        ACTIONS_RESULTS_URL: `${github.url}/`,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_API_URL: github.url,
        GITHUB_ACTION: 'batch',
      },
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
    expect(all).not.toContain(SECRET);
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
    expect(body).not.toContain(SECRET);
    expect(html).not.toMatch(/<script>/);
    expect(body).toContain(`/artifacts/${ARTIFACT_ID}`);
    expect(run.main.stdout).toMatch(/Posted the pull-request comment/);
    // The sandbox's `::error::fake` line is printed, never obeyed.
    expect(activeCommands(run.main.stdout).some((c) => c.includes('::error::fake'))).toBe(false);
  });

  it('deletes the session', () => {
    expect(runningSessions(server)).toEqual([]);
  });
});

describe('a batch comment on a push', () => {
  it('is a notice, not a failure, and posts nothing', async () => {
    github.reset();
    const workdir = makeWorkdir();
    writeFileSync(path.join(workdir.workspace, 'a.py'), 'print(1)\n');
    writeFileSync(path.join(workdir.workspace, 'b.py'), 'print(2)\n');
    const run = await runAction({
      workdir,
      inputs: {
        'api-key': TEST_KEY,
        endpoint: server.url,
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

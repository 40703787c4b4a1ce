// The pull-request comment end to end: the bundled action with the real Octokit client
// against a loopback stand-in of the REST API (GITHUB_API_URL), a pull_request event file.
import { marked } from 'marked';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  expectNoSecretWritten,
  makeWorkdir,
  runStep,
  TEST_KEY,
  useFakeGitHub,
  useServer,
} from './harness.ts';

const server = useServer();
const github = useFakeGitHub();
beforeEach(() => github.reset());

const GITHUB_TOKEN = 'ghs_faketoken0123456789';

async function runOnPullRequest(
  code: string,
  options: { event?: string; action?: string; inputs?: Record<string, string> } = {},
) {
  const workdir = makeWorkdir();
  return runStep('main', {
    workdir,
    inputs: {
      ...server.inputs(),
      language: 'python',
      code,
      comment: 'true',
      'github-token': GITHUB_TOKEN,
      'fail-on-error': 'false',
      ...options.inputs,
    },
    env: {
      ...github.pullRequestEnv(workdir, options.action),
      GITHUB_EVENT_NAME: options.event ?? 'pull_request',
    },
  });
}

describe('comment: true on a pull request', () => {
  it('creates one comment, then updates that same comment on the next run', async () => {
    const unrelated = github.addComment('LGTM <!-- some other bot -->');
    const first = await runOnPullRequest('print("first run")\n');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /Posted the pull-request comment https:\/\/github\.com\/.*#issuecomment-\d+/,
    );
    const calls = () => github.calls().map((c) => `${c.method} ${c.path}`);
    expect(calls()).toEqual([
      'GET /repos/octo/agentbay-demo/issues/7/comments',
      'GET /user',
      'POST /repos/octo/agentbay-demo/issues/7/comments',
    ]);
    expect(github.calls()[0]!.authorization).toBe(`token ${GITHUB_TOKEN}`);
    expect(github.comments()).toHaveLength(2);
    const ours = github.comments()[1]!;
    expect(ours.body.split('\n')[0]).toBe('<!-- agentbay-run-code:check.sandbox -->');
    expect(ours.body).toContain('### ✅ Python code ran successfully');
    expect(ours.body).toContain('first run');
    expect(ours.body).toContain('https://github.com/octo/agentbay-demo/actions/runs/4242');

    github.calls().length = 0;
    const second = await runOnPullRequest('print("second")\nraise RuntimeError("broken")\n');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Updated the pull-request comment');
    expect(calls()).toEqual([
      'GET /repos/octo/agentbay-demo/issues/7/comments',
      'GET /user',
      `PATCH /repos/octo/agentbay-demo/issues/comments/${ours.id}`,
    ]);
    expect(github.comments()).toHaveLength(2);
    expect(github.comments()[0]).toEqual(unrelated);
    const updated = github.comments()[1]!;
    expect(updated.body).toContain('### ❌ Python code failed at line 2: RuntimeError&#58; broken');
    expect(updated.body).toMatch(/Cell In ?\[\d+\], line 2\n/);
    expect(updated.body).not.toContain('first run');
  });

  it("never takes over someone else's comment that carries the marker", async () => {
    const planted = github.addComment(
      '<!-- agentbay-run-code:check.sandbox -->\n✅ all good',
      'mallory',
    );
    const main = await runOnPullRequest('print("real")\n');
    expect(main.stdout).toContain('Posted the pull-request comment');
    expect(github.comments()).toHaveLength(2);
    expect(github.comments()[0]).toEqual(planted);
    expect(github.comments()[1]!.user.login).toBe('github-actions[bot]');
    expect(github.comments()[1]!.body).toContain('real');
  });

  it('keeps one comment per step: another step gets its own, and comment-id names it', async () => {
    await runOnPullRequest('print(1)\n', { action: 'first' });
    await runOnPullRequest('print(2)\n', { action: 'second' });
    await runOnPullRequest('print(3)\n', { inputs: { 'comment-id': 'nightly-check' } });
    await runOnPullRequest('print(4)\n', { action: 'first' });
    const markers = github.comments().map((c) => c.body.split('\n')[0]);
    expect(markers).toEqual([
      '<!-- agentbay-run-code:check.first -->',
      '<!-- agentbay-run-code:check.second -->',
      '<!-- agentbay-run-code:nightly-check -->',
    ]);
    expect(github.comments()[0]!.body).toContain('4');
  });

  it('shows the output escaped, in a code block, and never the API key', async () => {
    const main = await runOnPullRequest(
      `print("@octocat <img src=x onerror=alert(1)> [x](javascript:alert(1)) \`\`\` ${TEST_KEY}")\n`,
    );
    expect(main.code).toBe(0);
    const body = github.comments()[0]!.body;
    expectNoSecretWritten([TEST_KEY], { steps: [main], texts: { comment: body } });
    expect(body).toContain('***');
    const html = marked.parse(body, { gfm: true, async: false });
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toMatch(/<pre><code>@octocat &lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('a comment that cannot be posted is a warning, never a failed step', async () => {
    github.failComments(403);
    const main = await runOnPullRequest('print("ok")\n', { inputs: { 'fail-on-error': 'true' } });
    expect(main.code).toBe(0);
    expect(main.outputs.success).toBe('true');
    expect(main.stdout).toMatch(
      /::warning::Could not comment on the pull request: Resource not accessible by integration/,
    );
  });

  it('on other events, says commenting only applies to pull requests and calls nothing', async () => {
    const main = await runOnPullRequest('print("ok")\n', { event: 'push' });
    expect(main.code).toBe(0);
    expect(main.stdout).toContain(
      "::notice::comment: true only applies to pull_request and pull_request_target events; this is a 'push' event, so no comment was posted.",
    );
    expect(github.calls()).toEqual([]);
  });

  it('works on pull_request_target too', async () => {
    await runOnPullRequest('print("target")\n', { event: 'pull_request_target' });
    expect(github.comments()).toHaveLength(1);
  });

  it('needs a github-token, checked before any session is created', async () => {
    const before = server.requests().length;
    const main = await runOnPullRequest('print(1)\n', { inputs: { 'github-token': '' } });
    expect(main.code).toBe(1);
    expect(main.stdout).toContain("::error::Input 'github-token' is required when comment is true");
    expect(server.requests().length).toBe(before);
  });
});

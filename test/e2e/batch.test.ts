// Several files in one step: the bundled action, main then post, against the local server.
import { readFileSync } from 'node:fs';
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeCommands,
  interruptMain,
  runAction,
  runningSessions,
  runStep,
  TEST_KEY,
  userCode,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();

function decode(html: string): string {
  return html.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

interface ResultEntry {
  source: string;
  language: string;
  success: boolean;
  output: string;
  error: string;
  executionTime: number | null;
  truncated: boolean;
}

describe('a glob over Python and JavaScript files, one failing', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let before: number;
  let requestsBefore: number;
  beforeAll(async () => {
    before = server.sessions().length;
    requestsBefore = server.requests().length;
    const workdir = workspaceWith({
      'checks/a_ok.py': 'x = 20\nprint("a", x + 1)\n',
      'checks/b_ok.mjs': 'console.log("b", [1, 2].length);\n',
      'checks/c_bad.py': 'print("c starts")\nundefined_name + 1\n',
      'checks/d_ok.js': 'console.log("d");\n',
      'checks/skip_me.py': 'raise SystemExit(3)\n',
      'checks/.hidden.py': 'raise SystemExit(4)\n',
    });
    run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'checks/*.py\n!checks/skip_*\nchecks/*.{js,mjs}\n' },
    });
  });

  it('runs each file once, in one session, in order, and fails the step', () => {
    expect(run.main.code).toBe(1);
    const created = server.sessions().slice(before);
    expect(created).toHaveLength(1);
    const requests = server.requests().slice(requestsBefore);
    expect(requests.filter((r) => r.action === 'CreateMcpSession')).toHaveLength(1);
    // Each file's code once, in order, run as `python checks/a_ok.py` / `node checks/d_ok.js`
    // would: Python after a call that puts the file's directory on sys.path, JavaScript with
    // require() resolving from the file, on the first line so line numbers stay.
    const code = userCode(requests);
    expect(code[3]).toMatch(/^require = .*createRequire\(.*"checks\/d_ok\.js"\)\);console/);
    const withoutPrefix = code.map((c) => c.replace(/^require = [^\n]*?\)\);(?=console)/, ''));
    expect(withoutPrefix).toEqual([
      'x = 20\nprint("a", x + 1)\n',
      'print("c starts")\nundefined_name + 1\n',
      'console.log("b", [1, 2].length);\n',
      'console.log("d");\n',
    ]);
    // Two calls that set up Python for a file, one that clears what a_ok.py left for c_bad.py.
    expect(created[0]!.runCount).toBe(7);
  });

  it('reports every run in results, with counts', () => {
    const o = run.main.outputs;
    expect(o.passed).toBe('3');
    expect(o.failed).toBe('1');
    expect(o.success).toBe('false');
    const results = JSON.parse(o.results!) as ResultEntry[];
    expect(results.map((r) => [r.source, r.language, r.success])).toEqual([
      ['checks/a_ok.py', 'python', true],
      ['checks/c_bad.py', 'python', false],
      ['checks/b_ok.mjs', 'javascript', true],
      ['checks/d_ok.js', 'javascript', true],
    ]);
    expect(results[0]!.output).toBe('a 21\n');
    expect(results[1]!.error).toMatch(/NameError: name 'undefined_name' is not defined/);
    expect(results.every((r) => r.truncated === false)).toBe(true);
    expect(o.error).toMatch(/^checks\/c_bad\.py: NameError/);
    expect(o['session-id']).toBe(server.sessions()[before]!.id);
    const index = JSON.parse(readFileSync(o['result-file']!, 'utf8'));
    expect(index).toMatchObject({ passed: 3, failed: 1 });
    const full = JSON.parse(readFileSync(index.runs[1].resultFile, 'utf8'));
    expect(full).toMatchObject({ success: false, stdout: 'c starts\n' });
  });

  it('annotates the failing file at its line', () => {
    const commands = activeCommands(run.main.stdout);
    const error = commands.find((c) => c.includes('file=checks/c_bad.py,'));
    expect(error).toBe(
      "::error title=Python error,file=checks/c_bad.py,line=2,endLine=2::checks/c_bad.py failed: NameError: name 'undefined_name' is not defined",
    );
    expect(commands).toContain('::error::1 of 4 runs failed.');
  });

  it('writes one table and a collapsed section per run, failures first', () => {
    const html = marked.parse(run.main.summary, { async: false });
    expect(html).toContain('4 runs: 3 passed, 1 failed');
    const rows = [
      ...html.matchAll(
        /<tr>\s*<td><code>([^<]+)<\/code><\/td>\s*<td>(\w+)<\/td>\s*<td>([^<]+)<\/td>/g,
      ),
    ].map((m) => [decode(m[1]!), m[2], m[3]]);
    expect(rows).toEqual([
      ['checks/a_ok.py', 'Python', '✅ passed'],
      ['checks/c_bad.py', 'Python', '❌ failed'],
      ['checks/b_ok.mjs', 'JavaScript', '✅ passed'],
      ['checks/d_ok.js', 'JavaScript', '✅ passed'],
    ]);
    // One per run, the failed run's holding its traceback collapsed, as a single run's summary does.
    const sections = [...html.matchAll(/<summary>([^<]+)<\/summary>/g)].map((m) => m[1]);
    expect(sections).toEqual([
      expect.stringMatching(/^❌ checks\/c_bad\.py failed at line 2/),
      'stderr, with the traceback',
      '✅ checks/a_ok.py passed',
      '✅ checks/b_ok.mjs passed',
      '✅ checks/d_ok.js passed',
    ]);
  });

  it('leaves no session behind', () => {
    expect(runningSessions(server)).toHaveLength(0);
    expect(run.post.code).toBe(0);
  });
});

describe('parallel: 4 over 8 files under a 2-session quota', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let before: number;
  let requestsBefore: number;
  beforeAll(async () => {
    server.setSessionLimit({ max: 2 });
    before = server.sessions().length;
    requestsBefore = server.requests().length;
    const files: Record<string, string> = {};
    for (let i = 1; i <= 8; i++) {
      files[`jobs/job${i}.py`] = `import time\ntime.sleep(0.4)\nprint("job ${i}")\n`;
    }
    run = await runAction({
      workdir: workspaceWith(files),
      inputs: { ...server.inputs(), file: 'jobs/*.py', parallel: '4' },
    });
  });

  it('waits for the quota instead of failing, and reports every run', () => {
    expect(run.main.code).toBe(0);
    expect(run.main.outputs.passed).toBe('8');
    expect(run.main.outputs.failed).toBe('0');
    const results = JSON.parse(run.main.outputs.results!) as ResultEntry[];
    expect(results.map((r) => r.output)).toEqual(
      Array.from({ length: 8 }, (_, i) => `job ${i + 1}\n`),
    );
    expect(run.main.stdout).toMatch(/refused while this step holds \d .*retrying in/);
  });

  it('never held more sessions than the quota, and was refused on the way', () => {
    const created = server.sessions().slice(before);
    expect(created).toHaveLength(2);
    const code = userCode(server.requests().slice(requestsBefore));
    expect(code.filter((c) => c.includes('time.sleep(0.4)'))).toHaveLength(8);
    const creates = server
      .requests()
      .slice(requestsBefore)
      .filter((r) => r.action === 'CreateMcpSession');
    expect(creates.length).toBeGreaterThan(2);
  });

  it('deletes every session it created in the post step, each once', () => {
    expect(runningSessions(server)).toHaveLength(0);
    const ids = server
      .sessions()
      .slice(before)
      .map((s) => s.id);
    const saved = JSON.parse(run.main.state.sessions!) as Array<{
      id: string;
      proof: string;
    }>;
    // Recorded as the creates answered, which need not be the order the server made them.
    expect(saved.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(saved.every((s) => /^[0-9a-f]{64}$/.test(s.proof))).toBe(true);
    const deletes = server
      .requests()
      .slice(requestsBefore)
      .filter((r) => r.action === 'DeleteSessionAsync')
      .map((r) => r.form.SessionId);
    expect(deletes.sort()).toEqual([...ids].sort());
  });
});

describe('quota and key errors with no session of this step alive', () => {
  it('a refused first create fails the step at once, without retrying', async () => {
    server.setSessionLimit({ max: 0 });
    const requestsBefore = server.requests().length;
    const workdir = workspaceWith({ 'a.py': 'print(1)\n', 'b.py': 'print(2)\n' });
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: '*.py', parallel: '2' },
    });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(
      /::error::AgentBay CreateMcpSession failed: The number of concurrent sessions/,
    );
    const creates = server
      .requests()
      .slice(requestsBefore)
      .filter((r) => r.action === 'CreateMcpSession');
    expect(creates.length).toBeLessThanOrEqual(2);
    expect(run.main.stdout).not.toMatch(/retrying in/);
  });

  it('a wrong key is never taken for the quota', async () => {
    const workdir = workspaceWith({ 'a.py': 'print(1)\n', 'b.py': 'print(2)\n' });
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), 'api-key': 'akm-wrong-key', file: '*.py', parallel: '2' },
    });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(/NOT_LOGIN/);
    expect(run.main.stdout).not.toMatch(/retrying in/);
  });
});

describe('bad batch inputs are refused before any session', () => {
  it.each([
    [{ file: 'nothing/*.py' }, /Input 'file' line 'nothing\/\*\.py' matches no file/],
    [
      { file: '*.py\n../outside.py' },
      /Input 'file' must stay inside the workspace; '\.\.\/outside\.py' contains '\.\.'/,
    ],
    [{ file: '*.txt' }, /Input 'language' is required: it cannot be inferred from 'notes\.txt'/],
    [
      { file: '*.py', parallel: '9' },
      /Input 'parallel' must be a whole number of sessions from 1 to 8; got '9'/,
    ],
    [
      { file: '*.py', parallel: '0' },
      /Input 'parallel' must be a whole number of sessions from 1 to 8/,
    ],
  ])('%j', async (inputs, message) => {
    const requestsBefore = server.requests().length;
    const workdir = workspaceWith({ 'a.py': 'print(1)\n', 'notes.txt': 'x' });
    const main = await runStep('main', { workdir, inputs: { ...server.inputs(), ...inputs } });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(message);
    expect(server.requests().length).toBe(requestsBefore);
  });
});

describe('a parallel batch cancelled mid-way', () => {
  it('leaves no session, whatever was running', async () => {
    const before = server.sessions().length;
    const files: Record<string, string> = {};
    for (let i = 1; i <= 6; i++) files[`slow/s${i}.py`] = 'import time\ntime.sleep(30)\n';
    const workdir = workspaceWith(files);
    const { main } = await interruptMain({
      workdir,
      inputs: { ...server.inputs(), file: 'slow/*.py', parallel: '3' },
      ready: () =>
        server
          .sessions()
          .slice(before)
          .filter((s) => s.runCount > 0).length >= 3,
      // Starting three sessions is quick, but the machine may be busy.
      waitMs: 45_000,
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toContain('::error::Cancelled by SIGINT while 3 sessions were in use.');
    const post = await runStep('post', { workdir, inputs: server.inputs(), state: main.state });
    expect(post.code).toBe(0);
    const created = server.sessions().slice(before);
    expect(created).toHaveLength(3);
    expect(created.every((s) => s.status !== 'RUNNING')).toBe(true);
    expect(runningSessions(server)).toHaveLength(0);
  }, 90_000);
});

describe('a forged batch list in the step state', () => {
  it('deletes nothing that does not carry this step’s label, and prints no injected command', async () => {
    const reply = await fetch(`${server.url}/?Action=CreateMcpSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Authorization: `Bearer ${TEST_KEY}`,
        ImageId: 'code_latest',
        Labels: JSON.stringify({ team: 'someone-else' }),
      }),
    });
    const victim = ((await reply.json()) as { Data: { SessionId: string } }).Data.SessionId;
    const post = await runStep('post', {
      inputs: server.inputs(),
      state: {
        'cleanup-token': '0123456789abcdef01234567',
        sessions: JSON.stringify([
          { id: victim, proof: 'f'.repeat(64) },
          { id: 'x\n::set-output name=pwned::1', proof: '' },
          { id: 42, proof: 'not a session' },
        ]),
      },
    });
    expect(post.code).toBe(0);
    expect(server.sessions().find((s) => s.id === victim)?.status).toBe('RUNNING');
    expect(post.stdout).toMatch(/does not carry this step's label/);
    expect(activeCommands(post.stdout).some((c) => c.includes('pwned'))).toBe(false);
  });
});

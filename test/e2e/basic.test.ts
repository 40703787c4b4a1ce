// The bundled action, main then post, against the local AgentBay-compatible server.
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeCommands,
  makeWorkdir,
  runAction,
  runningSessions,
  runStep,
  TEST_KEY,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();

describe('a successful Python run', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let before: number;
  beforeAll(async () => {
    before = server.sessions().length;
    run = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'Python',
        code: "print('hello from the sandbox')\n6 * 7\n",
        timeout: '20',
      },
    });
  });

  it('runs on Node 24, the runtime the action ships for', () => {
    expect(process.version).toMatch(/^v24\./);
  });

  it('succeeds and creates exactly one code_latest session with the traceable labels', () => {
    expect(run.main.code).toBe(0);
    const created = server.sessions().slice(before);
    expect(created).toHaveLength(1);
    const session = created[0]!;
    expect(session.imageId).toBe('code_latest');
    expect(session.labels).toMatchObject({
      'gha-repo': 'octo/agentbay-demo',
      'gha-run-id': '4242',
      'gha-run-attempt': '1',
      'gha-job': 'check',
    });
    expect(session.labels['gha-step-token']).toMatch(/^[0-9a-f]{24}$/);
    expect(session.labels['gha-step-token']).toBe(run.main.state['cleanup-token']);
    expect(session.idleTimeoutS).toBe(900);
  });

  it('sets every output', () => {
    const o = run.main.outputs;
    expect(o.success).toBe('true');
    expect(o.output).toBe('42');
    expect(o.stdout).toBe('hello from the sandbox\n');
    expect(o.stderr).toBe('');
    expect(o.error).toBe('');
    expect(Number(o['execution-time'])).toBeGreaterThan(0);
    expect(o['session-id']).toMatch(/^session-/);
    expect(o['request-id']).toMatch(/^[0-9A-F]{8}-[0-9A-F-]{27}$/);
    const createRequestId = /Session session-\S+ created \(request id (\S+)\)/.exec(
      run.main.stdout,
    )?.[1];
    expect(createRequestId).toBeTruthy();
    expect(o['request-id']).not.toBe(createRequestId);
    expect(o.truncated).toBe('false');
    const file = JSON.parse(readFileSync(o['result-file']!, 'utf8'));
    expect(o['result-file']!.startsWith(run.workdir.runnerTemp)).toBe(true);
    expect(file).toMatchObject({
      success: true,
      stdout: 'hello from the sandbox\n',
      sessionId: o['session-id'],
    });
    expect(file.results[0]).toEqual({ isMain: true, data: { 'text/plain': '42' } });
    // The output is not stored twice: the file points at the text it already holds.
    expect(file).not.toHaveProperty('output');
    expect(file.outputPointer).toBe('/results/0/data/text~1plain');
  });

  it('saves the session id to state and as an output', () => {
    const saved = JSON.parse(run.main.state.sessions!) as Array<{ id: string }>;
    expect(saved.map((s) => s.id)).toEqual([run.main.outputs['session-id']]);
  });

  it('prints the sandbox output in groups, fenced from workflow commands', () => {
    expect(run.main.stdout).toContain('::group::stdout');
    expect(run.main.stdout).toContain('hello from the sandbox');
    expect(
      activeCommands(run.main.stdout).filter((c) => !/^::(group|endgroup|add-mask|debug)/.test(c)),
    ).toEqual([]);
  });

  it('writes a job summary with verdict, table, output and code', () => {
    const s = run.main.summary;
    expect(s).toMatch(/^### ✅ Python code ran successfully/);
    expect(s).toContain('| Language | Verdict | Run time | Total time |');
    expect(s).toContain('| Python | ✅ Passed |');
    expect(s).toContain(run.main.outputs['session-id']!.replace(/-/g, '&#45;'));
    expect(s).toContain('hello from the sandbox');
    // Two lines: the final newline ends the last one, it does not add a third.
    expect(s).toContain('<summary>Code (2 lines)</summary>');
  });

  it('deletes the session in the post step and leaves none alive', () => {
    expect(run.post.code).toBe(0);
    const id = run.main.outputs['session-id']!;
    expect(run.post.stdout).toContain(`Deleted session ${id}`);
    const session = server.sessions().find((s) => s.id === id)!;
    expect(session.deletedBy).toBe('DeleteSessionAsync');
    expect(
      runningSessions(server).filter(
        (s) => s.labels['gha-step-token'] === run.main.state['cleanup-token'],
      ),
    ).toEqual([]);
  });

  it('the main step neither deletes nor polls', () => {
    const id = run.main.outputs['session-id']!;
    const mainCalls = server
      .requests()
      .filter((r) => r.form.SessionId === id || r.query.SessionId === id)
      .map((r) => r.action);
    expect(mainCalls).toEqual(['CallMcpTool', 'DeleteSessionAsync']);
  });
});

describe('code that fails', () => {
  it('fails the step with the error, and still reports and cleans up', async () => {
    const { main, post } = await runAction({
      inputs: { ...server.inputs(), language: 'py', code: 'print("before")\nundefined_name + 1\n' },
    });
    expect(main.code).toBe(1);
    expect(main.outputs.success).toBe('false');
    expect(main.outputs.error).toBe("NameError: name 'undefined_name' is not defined");
    expect(main.outputs.stdout).toBe('before\n');
    expect(main.stdout).toContain(
      "::error title=Python error at line 2::The python code failed: NameError: name 'undefined_name' is not defined",
    );
    expect(main.summary).toMatch(/^### ❌ Python code failed at line 2: NameError/);
    expect(post.code).toBe(0);
    expect(
      runningSessions(server).find((s) => s.id === main.outputs['session-id']),
    ).toBeUndefined();
  });

  it('with fail-on-error false, reports and succeeds', async () => {
    const { main } = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'javascript',
        code: 'console.log("a");\nthrow new TypeError("boom");\n',
        'fail-on-error': 'false',
      },
    });
    expect(main.code).toBe(0);
    expect(main.outputs.success).toBe('false');
    expect(main.outputs.error).toBe('TypeError: boom');
    expect(main.outputs.stdout).toBe('a\n');
    expect(main.stdout).toContain(
      '::warning title=JavaScript error at line 2%2C column 7::The javascript code failed: TypeError: boom',
    );
  });

  it('a timeout is a failure of the code', async () => {
    const { main } = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'import time\nprint("start", flush=True)\ntime.sleep(30)\n',
        timeout: '1',
      },
    });
    expect(main.code).toBe(1);
    expect(main.outputs.success).toBe('false');
    expect(main.outputs.error).toMatch(/timed out after 1 second/i);
    expect(main.outputs.stdout).toBe('start\n');
  });
});

describe('code from a file', () => {
  it('runs a file from the workspace, inferring the language from its extension', async () => {
    const workdir = workspaceWith({
      'scripts/check.js': 'console.log(["ok", 1 + 1].join(":"));\n',
    });
    const { main, post } = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'scripts/check.js' },
    });
    expect(main.code).toBe(0);
    expect(main.outputs.stdout).toBe('ok:2\n');
    expect(main.summary).toContain(
      'JavaScript code from <code>scripts/check&#46;js</code> ran successfully',
    );
    expect(post.code).toBe(0);
  });

  it('runs Java', async () => {
    const { main } = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'JAVA',
        code: 'System.out.println("java " + (40 + 2));',
      },
    });
    expect(main.code).toBe(0);
    expect(main.outputs.stdout).toBe('java 42\n');
  });
});

describe('API errors', () => {
  it('a wrong key fails with NOT_LOGIN, the request id and a hint, and creates nothing', async () => {
    const before = server.sessions().length;
    const { main, post } = await runAction({
      inputs: { ...server.inputs(), 'api-key': 'akm-wrong', language: 'python', code: '1' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::AgentBay CreateMcpSession failed: You are not logged in.*code NOT_LOGIN, HTTP 400, host 127\.0\.0\.1:\d+, request id [0-9A-F-]{36}, after 1 attempt\)\. Check api-key/,
    );
    expect(server.sessions().length).toBe(before);
    expect(post.code).toBe(0);
  });

  it('a session that vanished before run_code says so', async () => {
    server.setFaults([
      {
        action: 'CallMcpTool',
        type: 'http-error',
        status: 400,
        code: 'InvalidMcpSession.NotFound',
        message: 'Resource [McpSession] is not found.',
      },
    ]);
    const { main, post } = await runAction({
      inputs: { ...server.inputs(), language: 'python', code: '1' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::AgentBay CallMcpTool failed: Resource \[McpSession\] is not found\. \(code InvalidMcpSession\.NotFound/,
    );
    expect(main.outputs.success).toBe('false');
    expect(main.outputs['session-id']).toMatch(/^session-/);
    expect(post.code).toBe(0);
    expect(
      runningSessions(server).find((s) => s.id === main.outputs['session-id']),
    ).toBeUndefined();
  });

  it('Data.Success false on create fails with ErrMsg', async () => {
    server.setFaults([
      { action: 'CreateMcpSession', type: 'data-success-false', message: 'No capacity in region' },
    ]);
    const { main } = await runAction({
      inputs: { ...server.inputs(), language: 'python', code: '1' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/::error::AgentBay CreateMcpSession failed: No capacity in region/);
  });

  it('Success false with a Code fails with the code', async () => {
    server.setFaults([
      {
        action: 'CallMcpTool',
        type: 'success-false',
        code: 'Tool.Failed',
        message: 'the tool broke',
      },
    ]);
    const { main } = await runAction({
      inputs: { ...server.inputs(), language: 'python', code: '1' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::AgentBay CallMcpTool failed: the tool broke \(code Tool\.Failed, HTTP 200, host 127\.0\.0\.1:\d+, request id/,
    );
  });
});

describe('the post step', () => {
  it('does nothing when the main step never created a session', async () => {
    const { post } = await runAction({
      inputs: { ...server.inputs(), language: 'cobol', code: '1' },
    });
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('nothing to clean up');
  });

  it('is idempotent: a second run finds the session already gone', async () => {
    const workdir = makeWorkdir();
    const { main } = await runAction({
      workdir,
      inputs: { ...server.inputs(), language: 'python', code: '1' },
    });
    await new Promise((r) => setTimeout(r, 100));
    const again = await runStep('post', { workdir, inputs: server.inputs(), state: main.state });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Session ${main.outputs['session-id']} was already gone.`);
  });

  it('keeps the session with cleanup: false, and the summary says so', async () => {
    const { main, post } = await runAction({
      inputs: { ...server.inputs(), language: 'python', code: '1', cleanup: 'false' },
    });
    const id = main.outputs['session-id']!;
    expect(post.stdout).toContain(`cleanup is false: session ${id} is kept.`);
    expect(runningSessions(server).map((s) => s.id)).toContain(id);
    expect(main.summary).toContain('was kept');
    await fetch(`${server.url}/?Action=ReleaseMcpSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Authorization=Bearer%20${TEST_KEY}&SessionId=${id}`,
    });
  });

  it('reads the key from AGENTBAY_API_KEY when api-key is not given', async () => {
    const { main, post } = await runAction({
      inputs: { endpoint: server.url, language: 'python', code: 'print(1)' },
      env: { AGENTBAY_API_KEY: TEST_KEY },
    });
    expect(main.code).toBe(0);
    expect(post.stdout).toMatch(/Deleted session session-/);
  });
});

describe('labels and region', () => {
  it('sends user labels and LoginRegionId', async () => {
    const { main } = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: '1',
        labels: 'team=data\npurpose = pr-check',
        'region-id': 'us-east-1',
        'idle-timeout': '200',
      },
    });
    const session = server.sessions().find((s) => s.id === main.outputs['session-id'])!;
    expect(session.labels).toMatchObject({ team: 'data', purpose: 'pr-check' });
    // The endpoint input names the loopback server, so the region is region-id's.
    expect(session.loginRegionId).toBe('us-east-1');
    // 200 s rounded up to whole minutes.
    expect(session.lifecycle).toMatchObject({ unit: 'minutes', timeout: 4 });
  });

  it('a symlink to a file inside the workspace is fine', async () => {
    const workdir = workspaceWith({ 'real.py': 'print("linked")\n' });
    symlinkSync(path.join(workdir.workspace, 'real.py'), path.join(workdir.workspace, 'link.py'));
    const { main } = await runAction({ workdir, inputs: { ...server.inputs(), file: 'link.py' } });
    expect(main.outputs.stdout).toBe('linked\n');
  });
});

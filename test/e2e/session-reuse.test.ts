// One sandbox across steps: `session-id` runs in a session an earlier step created. The runner
// runs every main step first and the post steps at the end of the job, in reverse order.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  activeCommands,
  makeWorkdir,
  runningSessions,
  runStep,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();

describe('session-id across two steps', () => {
  it('gives each step sharing the session its own download directory in the job', async () => {
    // One job: the steps share RUNNER_TEMP, as on a runner.
    const workdir = makeWorkdir();
    const step = (extra: Record<string, string>, text: string) =>
      runStep('main', {
        workdir,
        inputs: {
          ...server.inputs(),
          ...extra,
          language: 'python',
          code: `open("report.txt", "w").write(${JSON.stringify(text)})\n`,
          download: 'report.txt',
        },
      });
    const first = await step({}, 'first step');
    expect(first.code).toBe(0);
    const second = await step({ 'session-id': first.outputs['session-id']! }, 'second step');
    expect(second.code).toBe(0);
    const firstDir = first.outputs['download-dir']!;
    const secondDir = second.outputs['download-dir']!;
    expect(secondDir).not.toBe(firstDir);
    expect(readFileSync(path.join(firstDir, 'report.txt'), 'utf8')).toBe('first step');
    expect(readFileSync(path.join(secondDir, 'report.txt'), 'utf8')).toBe('second step');
    await runStep('post', { workdir, inputs: server.inputs(), state: first.state });
  });

  it('carries files over, creates one session and deletes it exactly once', async () => {
    const before = server.sessions().length;
    const requestsBefore = server.requests().length;
    const workdir = makeWorkdir();
    const first = await runStep('main', {
      workdir,
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'open("carried.txt", "w").write("41")\nprint("written")\n',
      },
    });
    expect(first.code).toBe(0);
    const id = first.outputs['session-id']!;

    const secondWork = makeWorkdir();
    const second = await runStep('main', {
      workdir: secondWork,
      inputs: {
        ...server.inputs(),
        'session-id': id,
        language: 'python',
        code: 'print(int(open("carried.txt").read()) + 1)\n',
      },
    });
    expect(second.code).toBe(0);
    expect(second.outputs.stdout).toBe('42\n');
    expect(second.outputs['session-id']).toBe(id);
    expect(second.state).toEqual({});
    // Each step has its own result file, though they share the session.
    expect(second.outputs['result-file']).not.toBe(first.outputs['result-file']);

    const secondPost = await runStep('post', {
      workdir: secondWork,
      inputs: server.inputs(),
      state: second.state,
    });
    expect(secondPost.code).toBe(0);
    expect(runningSessions(server).map((s) => s.id)).toContain(id);
    const firstPost = await runStep('post', {
      workdir,
      inputs: server.inputs(),
      state: first.state,
    });
    expect(firstPost.code).toBe(0);

    expect(server.sessions().slice(before)).toHaveLength(1);
    const actions = server
      .requests()
      .slice(requestsBefore)
      .map((r) => r.action);
    expect(actions.filter((a) => a === 'CreateMcpSession')).toHaveLength(1);
    expect(actions.filter((a) => a === 'DeleteSessionAsync')).toHaveLength(1);
    expect(runningSessions(server).map((s) => s.id)).not.toContain(id);
  });

  it('runs a batch of files in the reused session, in order', async () => {
    const workdir = makeWorkdir();
    const first = await runStep('main', {
      workdir,
      inputs: { ...server.inputs(), language: 'python', code: 'open("n.txt", "w").write("1")\n' },
    });
    const id = first.outputs['session-id']!;
    const step =
      'n = int(open("n.txt").read())\nopen("n.txt", "w").write(str(n + 1))\nprint(n + 1)\n';
    const second = workspaceWith({ 'steps/a.py': step, 'steps/b.py': step });
    const batch = await runStep('main', {
      workdir: second,
      inputs: { ...server.inputs(), 'session-id': id, file: 'steps/*.py' },
    });
    expect(batch.code).toBe(0);
    const results = JSON.parse(batch.outputs.results!) as Array<{ output: string }>;
    expect(results.map((r) => r.output)).toEqual(['2\n', '3\n']);
    expect(batch.state).toEqual({});
    await runStep('post', { workdir, inputs: server.inputs(), state: first.state });
    expect(runningSessions(server).map((s) => s.id)).not.toContain(id);
  });

  it('a session that is gone fails the step and deletes nothing', async () => {
    const requestsBefore = server.requests().length;
    const main = await runStep('main', {
      inputs: {
        ...server.inputs(),
        'session-id': 'session-doesnotexist0',
        language: 'python',
        code: '1',
      },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/InvalidMcpSession\.NotFound/);
    const post = await runStep('post', { inputs: server.inputs(), state: main.state });
    expect(post.code).toBe(0);
    const actions = server
      .requests()
      .slice(requestsBefore)
      .map((r) => r.action);
    expect(actions).not.toContain('CreateMcpSession');
    expect(actions).not.toContain('DeleteSessionAsync');
  });

  it.each([
    ['session-x\n::set-output name=pwned::1', /Input 'session-id' must be a session id/],
    ['../session', /Input 'session-id' must be a session id/],
    ['s'.repeat(129), /Input 'session-id' must be a session id/],
  ])('refuses %j before any call', async (value, message) => {
    const requestsBefore = server.requests().length;
    const main = await runStep('main', {
      inputs: { ...server.inputs(), 'session-id': value, language: 'python', code: '1' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(message);
    expect(activeCommands(main.stdout).some((c) => c.includes('pwned'))).toBe(false);
    expect(server.requests().length).toBe(requestsBefore);
  });

  it('refuses parallel above 1 with it', async () => {
    const main = await runStep('main', {
      inputs: {
        ...server.inputs(),
        'session-id': 'session-abc',
        parallel: '2',
        language: 'python',
        code: '1',
      },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /Input 'session-id' runs everything in the one session it names, so parallel must be 1/,
    );
  });
});

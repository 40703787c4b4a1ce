// Cancellation: the runner sends SIGINT, then SIGTERM 7.5 s later. The main step must delete
// its session within that grace, record it, and exit failed; the post step still runs.
import { beforeAll, describe, expect, it } from 'vitest';
import { interruptMain, makeWorkdir, runStep, useServer } from './harness.ts';

const server = useServer();

const SLOW = {
  language: 'python',
  code: 'import time\nprint("working", flush=True)\ntime.sleep(30)\n',
};

/** Runs main, sends `signals` once `ready` holds, then runs post with main's state. */
async function cancelDuring(ready: () => boolean, signals: NodeJS.Signals[], inputs = SLOW) {
  const workdir = makeWorkdir();
  const before = server.requests().length;
  const { main, exitMs } = await interruptMain({
    workdir,
    inputs: server.inputs(inputs),
    ready: () => ready(),
    signals,
    waitMs: 10_000,
  });
  const post = await runStep('post', { workdir, inputs: server.inputs(), state: main.state });
  return { main, post, exitMs, requests: server.requests().slice(before) };
}

const codeRunning = (count: number) => () =>
  server
    .sessions()
    .slice(count)
    .some((s) => s.runCount > 0);

describe.each(['SIGINT', 'SIGTERM'] as const)('%s while the code runs', (signal) => {
  let result: Awaited<ReturnType<typeof cancelDuring>>;
  let id = '';
  beforeAll(async () => {
    const count = server.sessions().length;
    result = await cancelDuring(codeRunning(count), [signal]);
    id = server.sessions()[count]!.id;
  }, 60_000);

  it('deletes the session and exits failed, well inside the 7.5 s grace', () => {
    expect(result.main.code).toBe(1);
    expect(result.exitMs).toBeLessThan(7_500);
    expect(result.main.stdout).toContain(`::error::The step was cancelled (${signal}).`);
    expect(result.main.stdout).toContain(`Deleted session ${id} on cancellation.`);
    expect(result.main.stdout).toContain(
      `::error::Cancelled by ${signal} while session ${id} was in use.`,
    );
    expect(server.sessions().find((s) => s.id === id)!.deletedBy).toBe('DeleteSessionAsync');
  });

  it('records the deletion, and the post step does not repeat it', () => {
    expect(result.main.state['deleted-by-main']).toBe('true');
    expect(result.post.code).toBe(0);
    expect(result.post.stdout).toContain(
      `Session ${id} was already deleted when the step was cancelled.`,
    );
    const deletes = result.requests.filter((r) => r.action === 'DeleteSessionAsync');
    expect(deletes).toHaveLength(1);
  });
});

describe('SIGINT then SIGTERM at once', () => {
  it('handles the cancellation once', async () => {
    const count = server.sessions().length;
    const result = await cancelDuring(codeRunning(count), ['SIGINT', 'SIGTERM']);
    expect(result.main.code).toBe(1);
    expect(result.main.stdout.match(/The step was cancelled/g)).toHaveLength(1);
    expect(result.requests.filter((r) => r.action === 'DeleteSessionAsync')).toHaveLength(1);
    expect(
      server
        .sessions()
        .slice(count)
        .every((s) => s.status !== 'RUNNING'),
    ).toBe(true);
  });
});

describe('SIGINT while the create is in flight', () => {
  it('waits briefly for the create to answer, then deletes the new session', async () => {
    const count = server.sessions().length;
    server.setFaults([{ action: 'CreateMcpSession', type: 'delay', delayMs: 800 }]);
    const before = server.requests().length;
    const result = await cancelDuring(() => server.requests().length > before, ['SIGINT']);
    expect(result.main.code).toBe(1);
    const created = server.sessions().slice(count);
    expect(created).toHaveLength(1);
    expect(result.main.stdout).toContain(`Deleted session ${created[0]!.id} on cancellation.`);
    expect(created[0]!.status).not.toBe('RUNNING');
    expect(result.requests.some((r) => r.action === 'CallMcpTool')).toBe(false);
    expect(result.post.code).toBe(0);
  });

  it('when the create outlasts the wait, exits and the post step finds the late session by label', async () => {
    const count = server.sessions().length;
    // The service finishes the create 7 s later, though the client has gone.
    server.setFaults([{ action: 'CreateMcpSession', type: 'delay', delayMs: 7_000, act: true }]);
    const before = server.requests().length;
    const result = await cancelDuring(() => server.requests().length > before, ['SIGINT']);
    expect(result.main.code).toBe(1);
    expect(result.exitMs).toBeLessThan(7_500);
    expect(result.main.stdout).toContain('::error::Cancelled by SIGINT.');
    expect(result.main.state.create).toBe('unknown');
    expect(result.post.code).toBe(0);
    expect(result.post.stdout).toContain(
      'The main step could not confirm its session (the create went unanswered); looking for it by its label',
    );
    const created = server.sessions().slice(count);
    expect(created).toHaveLength(1);
    expect(result.post.stdout).toContain(`Found session ${created[0]!.id} from this step`);
    expect(created[0]!.status).not.toBe('RUNNING');
    expect(result.requests.filter((r) => r.action === 'ListSession').length).toBeGreaterThanOrEqual(
      2,
    );
  }, 40_000);
});

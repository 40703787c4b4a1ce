// Cancellation while files travel: SIGINT during an upload and during a download, by either
// route (write_file text, or the presigned file_transfer archive), each held at its worst
// moment by a delayed answer. The session must be gone within the runner's grace period.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { interruptMain, runningSessions, runStep, useServer, workspaceWith } from './harness.ts';

const server = useServer();

/** The runner's SIGTERM follows its SIGINT after 7.5 s. */
const GRACE_MS = 7_500;

/** Runs main with a repository, SIGINTs it once `ready` holds, and looks at what is left. */
async function cancelWhen(
  inputs: Record<string, string>,
  files: Record<string, Buffer | string>,
  ready: (live: string, from: number) => boolean,
) {
  const workdir = workspaceWith(files);
  const from = server.requests().length;
  const { main: result, exitMs } = await interruptMain({
    workdir,
    inputs: server.inputs(inputs),
    ready: (live) => ready(live, from),
  });
  // Before the post step: the main step itself deleted it.
  const leftByMain = runningSessions(server);
  const post = await runStep('post', { workdir, inputs: server.inputs(), state: result.state });
  return { result, exitMs, leftByMain, post, requests: server.requests().slice(from) };
}

const seen = (action: string) => (_live: string, from: number) =>
  server
    .requests()
    .slice(from)
    .some((r) => r.action === action);

function expectCleanCancel(outcome: Awaited<ReturnType<typeof cancelWhen>>): void {
  expect(outcome.result.code).toBe(1);
  expect(outcome.result.stdout).toContain('::error::Cancelled by SIGINT while session');
  expect(outcome.exitMs).toBeLessThan(GRACE_MS);
  expect(outcome.leftByMain).toEqual([]);
  expect(outcome.post.code).toBe(0);
  expect(runningSessions(server)).toEqual([]);
  // The code never ran after the cancellation.
  expect(outcome.requests.filter((r) => r.form.Name === 'run_code')).toEqual([]);
}

describe('SIGINT during an upload', () => {
  it('by write_file: the session is deleted within the grace period', async () => {
    // The first tool call is the upload's first write_file; it does not answer in time.
    server.setFaults([{ action: 'CallMcpTool', type: 'delay', delayMs: 30_000, nth: 1 }]);
    const outcome = await cancelWhen(
      { language: 'python', code: 'print(1)', upload: 'data/*' },
      { 'data/a.txt': 'alpha\n' },
      (live) => live.includes('Uploading 1 file(s)'),
    );
    expectCleanCancel(outcome);
  }, 90_000);

  it('by file_transfer, between the PUT and the sync: likewise', async () => {
    server.setFaults([{ action: 'SyncContext', type: 'delay', delayMs: 30_000 }]);
    const outcome = await cancelWhen(
      { language: 'python', code: 'print(1)', upload: 'data/*' },
      // Random bytes do not compress: far more than six write_file calls' worth.
      { 'data/blob.bin': randomBytes(2 * 1024 * 1024) },
      seen('SyncContext'),
    );
    expectCleanCancel(outcome);
  }, 90_000);
});

describe('SIGINT during a download', () => {
  it('by write_file (the archive read back): the session is deleted within the grace period', async () => {
    // Tool calls: run_code, then the shell call that packs the files; it hangs.
    server.setFaults([{ action: 'CallMcpTool', type: 'delay', delayMs: 30_000, nth: 2 }]);
    const outcome = await cancelWhen(
      {
        language: 'python',
        code: 'import os\nos.makedirs("out", exist_ok=True)\nopen("out/r.txt", "w").write("r")\n',
        download: 'out/**',
      },
      {},
      (live) => live.includes('Downloading out/**'),
    );
    expect(outcome.requests.filter((r) => r.form.Name === 'run_code')).toHaveLength(1);
    expect(outcome.result.code).toBe(1);
    expect(outcome.result.stdout).toContain('::error::Cancelled by SIGINT while session');
    expect(outcome.exitMs).toBeLessThan(GRACE_MS);
    expect(outcome.leftByMain).toEqual([]);
    expect(runningSessions(server)).toEqual([]);
  }, 90_000);

  it('by file_transfer, waiting for the download URL: likewise', async () => {
    server.setFaults([{ action: 'GetContextFileDownloadUrl', type: 'delay', delayMs: 30_000 }]);
    const outcome = await cancelWhen(
      {
        language: 'python',
        code: 'import os\nos.makedirs("out", exist_ok=True)\nopen("out/r.bin", "wb").write(os.urandom(2 * 1024 * 1024))\n',
        download: 'out/**',
      },
      {},
      seen('GetContextFileDownloadUrl'),
    );
    expect(outcome.result.code).toBe(1);
    expect(outcome.result.stdout).toContain('::error::Cancelled by SIGINT while session');
    expect(outcome.exitMs).toBeLessThan(GRACE_MS);
    expect(outcome.leftByMain).toEqual([]);
    expect(runningSessions(server)).toEqual([]);
  }, 90_000);
});

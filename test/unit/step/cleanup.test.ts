// The post step, in-process against the local server: one delete path for every saved
// session, only sessions this step provably created deleted, and its own time bounded
// (whatever the service does, cleanup() returns by its deadline with a warning).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type AgentBayServer } from '../../../server/server.ts';
import { cleanup, CLEANUP_LIMITS } from '../../../src/step/cleanup.ts';
import { sessionProof } from '../../../src/state/ownership.ts';
import { TEST_KEY } from '../../../scripts/step-runner.ts';

let server: AgentBayServer;
beforeAll(async () => {
  server = await startServer({ apiKey: TEST_KEY });
});
afterAll(() => server.close());

describe('cleanup deadline', () => {
  it('gives up at the deadline with a warning, never an error', async () => {
    server.setFaults([{ action: 'DeleteSessionAsync', type: 'delay', delayMs: 5_000 }]);
    const env = {
      'INPUT_API-KEY': TEST_KEY,
      INPUT_ENDPOINT: server.url,
      'STATE_cleanup-token': 'feedfacefeedfacefeedface',
      // With the main step's proof that the id is its own: deleted without asking whose it is.
      STATE_sessions: JSON.stringify([
        {
          id: 'session-stuck0000000000',
          proof: sessionProof(TEST_KEY, 'feedfacefeedfacefeedface', 'session-stuck0000000000'),
        },
      ]),
    };
    vi.stubEnv('GITHUB_OUTPUT', '');
    vi.stubEnv('GITHUB_STATE', '');
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const started = Date.now();
    try {
      await cleanup(process.env, { ...CLEANUP_LIMITS, deadlineMs: 1_500 });
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(3_000);
    const log = written.join('');
    expect(log).toContain(
      '::warning::Cleanup stopped after 2 s; anything left is released by the session idle timeout.',
    );
    expect(log).not.toContain('::error::');
    expect(process.exitCode ?? 0).toBe(0);
  });
});

const TOKEN = '0123456789abcdef01234567';

/** A session made on the server directly, with the labels given. */
async function sessionWith(labels: Record<string, string>): Promise<string> {
  const reply = await fetch(`${server.url}/?Action=CreateMcpSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      Authorization: `Bearer ${TEST_KEY}`,
      ImageId: 'code_latest',
      Labels: JSON.stringify(labels),
    }),
  });
  return ((await reply.json()) as { Data: { SessionId: string } }).Data.SessionId;
}

/** The post step with this state; returns what it printed. */
async function postStep(state: Record<string, string>): Promise<string> {
  vi.stubEnv('GITHUB_OUTPUT', '');
  vi.stubEnv('GITHUB_STATE', '');
  vi.stubEnv('INPUT_API-KEY', TEST_KEY);
  vi.stubEnv('INPUT_ENDPOINT', server.url);
  for (const [key, value] of Object.entries(state)) vi.stubEnv(`STATE_${key}`, value);
  const written: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await cleanup(process.env, { ...CLEANUP_LIMITS, searchWindowMs: 0 });
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
  return written.join('');
}

const statusOf = (id: string) => server.sessions().find((s) => s.id === id)?.status;

describe('one delete path for every saved session', () => {
  it("deletes a proven session at once, an unproven one only when its labels are this step's", async () => {
    server.setFaults([]);
    const proven = await sessionWith({ 'gha-step-token': TOKEN });
    const labelled = await sessionWith({ 'gha-step-token': TOKEN });
    const foreign = await sessionWith({ team: 'someone-else' });
    const before = server.requests().length;
    const log = await postStep({
      'cleanup-token': TOKEN,
      sessions: JSON.stringify([
        { id: proven, proof: sessionProof(TEST_KEY, TOKEN, proven) },
        { id: labelled, proof: '' },
        // A proof made for another session proves nothing about this one.
        { id: foreign, proof: sessionProof(TEST_KEY, TOKEN, proven) },
      ]),
    });
    expect(statusOf(proven)).not.toBe('RUNNING');
    expect(statusOf(labelled)).not.toBe('RUNNING');
    expect(statusOf(foreign)).toBe('RUNNING');
    const asked = server
      .requests()
      .slice(before)
      .filter((r) => r.action === 'GetLabel')
      .map((r) => r.form.SessionId);
    // The proof spares the question of whose session it is; without one, it is asked.
    expect(asked.sort()).toEqual([labelled, foreign].sort());
    expect(log).toContain(`Deleted session ${proven}`);
    expect(log).toContain(`Session ${foreign} (saved in the step state) does not carry`);
  });

  it("a single run's list of one is the same path", async () => {
    const only = await sessionWith({ 'gha-step-token': TOKEN });
    const log = await postStep({
      'cleanup-token': TOKEN,
      sessions: JSON.stringify([{ id: only, proof: sessionProof(TEST_KEY, TOKEN, only) }]),
      create: '',
    });
    expect(statusOf(only)).not.toBe('RUNNING');
    expect(log).toContain(`Deleted session ${only}`);
    expect(log).not.toContain('looking for it by its label');
  });

  it('after an unanswered create, also looks for the session by its label', async () => {
    const saved = await sessionWith({ 'gha-step-token': TOKEN });
    const unconfirmed = await sessionWith({ 'gha-step-token': TOKEN });
    const log = await postStep({
      'cleanup-token': TOKEN,
      sessions: JSON.stringify([{ id: saved, proof: sessionProof(TEST_KEY, TOKEN, saved) }]),
      create: 'unknown',
    });
    expect(statusOf(saved)).not.toBe('RUNNING');
    expect(statusOf(unconfirmed)).not.toBe('RUNNING');
    expect(log).toContain(`Found session ${unconfirmed} from this step`);
  });
});

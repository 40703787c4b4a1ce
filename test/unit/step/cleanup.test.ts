// The post step bounds its own time: whatever the service does, cleanup() returns by its
// deadline with a warning. Run in-process (the deadline is a parameter) against the server.
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

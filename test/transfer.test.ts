// Trees of files in and out of the sandbox on both routes, byte for byte, with awkward names.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../src/agentbay/client.ts';
import { runShell } from '../src/agentbay/shell.ts';
import { downloadTree, uploadTree, type Route } from '../src/sandbox/transfer.ts';
import { USER_AGENT } from '../src/version.ts';
import { startServer, type AgentBayServer } from '../server/server.ts';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('tree transfer', () => {
  let server: AgentBayServer;
  let client: AgentBayClient;
  beforeAll(async () => {
    server = await startServer();
    client = new AgentBayClient({ endpoint: server.url, apiKey: 'akm-x', userAgent: USER_AGENT });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  const entries = [
    { path: 'data/table.csv', bytes: Buffer.from('a,b\n1,2\n') },
    { path: 'data/blob.bin', bytes: randomBytes(300_000) },
    { path: 'dir with space/ünï 漢字.txt', bytes: Buffer.from('ünï\n') },
    { path: 'nul.bin', bytes: Buffer.from([0, 0, 255, 13, 10]) },
  ];

  for (const route of ['write_file', 'file_transfer'] as Route[]) {
    it(`uploads and downloads byte for byte through ${route}`, async () => {
      const { sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} });
      const up = await uploadTree(client, sessionId, entries, { route, pollMs: 20 });
      expect(up.route).toBe(route);
      const sums = await runShell(client, sessionId, {
        command: 'sha256sum data/table.csv data/blob.bin "dir with space/ünï 漢字.txt" nul.bin',
        timeoutMs: 10_000,
        cwd: '/workspace',
      });
      expect(
        sums.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(' ')[0]),
      ).toEqual(entries.map((e) => sha(e.bytes)));
      await runShell(client, sessionId, {
        command:
          'mkdir -p out/sub && cp data/blob.bin out/ && echo skip > out/skip.log && echo x > out/sub/x.txt && ln -s /etc/passwd out/link',
        timeoutMs: 10_000,
        cwd: '/workspace',
      });
      const down = await downloadTree(
        client,
        sessionId,
        ['out', '!out/*.log', 'dir with space/*.txt', 'nothing-*.txt'],
        { maxBytes: 10_000_000, maxFiles: 100 },
        { route, pollMs: 20 },
      );
      expect(down.kind).toBe('files');
      if (down.kind !== 'files') return;
      expect(down.stats.route).toBe(route);
      const byPath = Object.fromEntries(down.files.map((f) => [f.path, f.bytes]));
      expect(Object.keys(byPath).sort()).toEqual([
        'dir with space/ünï 漢字.txt',
        'out/blob.bin',
        'out/sub/x.txt',
      ]);
      expect(sha(byPath['out/blob.bin']!)).toBe(sha(entries[1]!.bytes));
    });
  }

  it('chooses write_file for a small tree and file_transfer for a large one', async () => {
    const { sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} });
    const small = await uploadTree(client, sessionId, [entries[0]!], { pollMs: 20 });
    expect(small).toMatchObject({ route: 'write_file', calls: 3 });
    const large = await uploadTree(
      client,
      sessionId,
      [{ path: 'big.bin', bytes: randomBytes(2_000_000) }],
      { pollMs: 20 },
    );
    expect(large.route).toBe('file_transfer');
    expect(large.calls).toBeLessThanOrEqual(10);
  });

  it('reports no match and an over-limit set without fetching anything', async () => {
    const { sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} });
    expect(
      await downloadTree(client, sessionId, ['nope/**'], { maxBytes: 100, maxFiles: 10 }),
    ).toEqual({ kind: 'none' });
    await runShell(client, sessionId, {
      command: 'head -c 5000 /dev/zero > big.bin',
      timeoutMs: 5000,
      cwd: '/workspace',
    });
    expect(
      await downloadTree(client, sessionId, ['*.bin'], { maxBytes: 1000, maxFiles: 10 }),
    ).toEqual({
      kind: 'too-large',
      files: 1,
      bytes: 5000,
    });
  });

  it('never runs a pattern as shell code', async () => {
    const { sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} });
    const outcome = await downloadTree(
      client,
      sessionId,
      ['$(touch pwned)', '`touch pwned2`', '*; touch pwned3'],
      { maxBytes: 100, maxFiles: 10 },
    );
    expect(outcome).toEqual({ kind: 'none' });
    const ls = await runShell(client, sessionId, {
      command: 'ls',
      timeoutMs: 5000,
      cwd: '/workspace',
    });
    expect(ls.stdout).not.toMatch(/pwned/);
  });
});

// The client's sandbox flows against the local server: byte-exact files both ways on both
// routes, Unicode and spaces in names, and the service's refusals surfacing as errors.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../src/agentbay/client.ts';
import { FileTransfer } from '../src/agentbay/file-transfer.ts';
import { SandboxFiles } from '../src/agentbay/sandbox-files.ts';
import { runShell, shellQuote } from '../src/agentbay/shell.ts';
import { USER_AGENT } from '../src/version.ts';
import { startServer, type AgentBayServer } from '../server/server.ts';

describe('sandbox client flows', () => {
  let server: AgentBayServer;
  let client: AgentBayClient;
  let sessionId: string;
  beforeAll(async () => {
    server = await startServer();
    client = new AgentBayClient({ endpoint: server.url, apiKey: 'akm-x', userAgent: USER_AGENT });
    ({ sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} }));
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('writes 300 KB of mixed Unicode text in calls the gateway accepts, and reads it back', async () => {
    const files = new SandboxFiles(client, sessionId);
    const text = 'ab"c\\漢字😀\n'.repeat(20_000);
    const calls = await files.writeText('/workspace/ü dir/テキスト.txt', text);
    expect(calls).toBeGreaterThan(3);
    const back = await files.readBytes('/workspace/ü dir/テキスト.txt', 10_000_000);
    expect(back.toString('utf8')).toBe(text);
  });

  it('moves random binary bytes through file_transfer both ways, byte for byte', async () => {
    const transfer = new FileTransfer(client, sessionId, { pollMs: 20 });
    const bytes = randomBytes(3 * 1024 * 1024);
    const dir = await transfer.directory();
    expect(dir).toBe('/tmp/file-transfer');
    await transfer.upload(bytes, `${dir}/in put ü.bin`);
    const copied = await runShell(client, sessionId, {
      command: `cp ${shellQuote(`${dir}/in put ü.bin`)} ${shellQuote(`${dir}/back é.bin`)}`,
      timeoutMs: 10_000,
    });
    expect(copied.success).toBe(true);
    const back = await transfer.download(`${dir}/back é.bin`, 10 * 1024 * 1024);
    expect(back.equals(bytes)).toBe(true);
    // The stored copies are deleted after each transfer.
    const deletes = server.requests().filter((r) => r.action === 'DeleteContextFile');
    expect(deletes.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a download larger than asked for, and reports a failed sync', async () => {
    const transfer = new FileTransfer(client, sessionId, { pollMs: 20 });
    await runShell(client, sessionId, {
      command: 'head -c 5000 /dev/zero > /tmp/file-transfer/z.bin',
      timeoutMs: 5000,
    });
    await expect(transfer.download('/tmp/file-transfer/z.bin', 4000)).rejects.toThrow(
      /larger than 4000 bytes/,
    );
    await expect(transfer.download('/tmp/file-transfer/none.bin', 4000)).rejects.toThrow(
      /upload of \/tmp\/file-transfer\/none.bin failed: file not found/,
    );
  });

  it('reads binary files in windows through read_file', async () => {
    const files = new SandboxFiles(client, sessionId);
    await runShell(client, sessionId, {
      command: 'head -c 200000 /dev/urandom > r.bin && sha256sum r.bin',
      timeoutMs: 5000,
      cwd: '/workspace',
    });
    const bytes = await files.readBytes('/workspace/r.bin', 1_000_000);
    expect(bytes.length).toBe(200_000);
    const sum = await runShell(client, sessionId, {
      command: 'sha256sum r.bin',
      timeoutMs: 5000,
      cwd: '/workspace',
    });
    const { createHash } = await import('node:crypto');
    expect(sum.stdout.split(' ')[0]).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(files.calls).toBe(1 + 5);
  });

  it('turns Data.Success:false into an error: the tool never ran', async () => {
    server.setFaults([
      { action: 'CallMcpTool', type: 'data-success-false', message: 'Tool shell is not available' },
    ]);
    await expect(runShell(client, sessionId, { command: 'true', timeoutMs: 1000 })).rejects.toThrow(
      /Tool shell is not available/,
    );
    server.reset();
  });

  it('sends the key of SyncContext in the query, as the SDK, and never in a presigned URL', () => {
    const sync = server.requests().find((r) => r.action === 'SyncContext')!;
    expect(sync.query.Authorization).toBe('Bearer akm-x');
    expect(sync.form.Authorization).toBeUndefined();
    for (const r of server.requests().filter((q) => q.action.startsWith('(presigned'))) {
      expect(JSON.stringify(r)).not.toContain('akm-x');
    }
  });
});

// Issue 20, items 2, 5, 6 and 8: a downloaded file's name is the sandbox's, and untrusted.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../../../src/agentbay/client.ts';
import { runShell } from '../../../src/agentbay/shell.ts';
import {
  MAX_DOWNLOAD_DEPTH,
  MAX_DOWNLOAD_PATH_CHARS,
  localName,
} from '../../../src/sandbox/download-names.ts';
import { downloadFiles } from '../../../src/sandbox/work-environment.ts';
import { makeRedactor } from '../../../src/text/secrets.ts';
import { USER_AGENT } from '../../../src/version.ts';
import { startServer, type AgentBayServer } from '../../../server/server.ts';

const SECRET = 'hunter2-Secret-Value';
const redact = makeRedactor([SECRET]);

describe('localName', () => {
  it('keeps an ordinary path as it is', () => {
    expect(localName('out/report 1.txt', redact)).toEqual({
      kind: 'kept',
      path: 'out/report 1.txt',
    });
  });

  it('renames what an artifact refuses or a log would read as a command', () => {
    expect(localName('report-12:30.txt', redact)).toMatchObject({ path: 'report-12_30.txt' });
    const forged = localName('x\n::error::FORGED\n.txt', redact);
    expect(forged).toMatchObject({ kind: 'renamed', path: 'x___error__FORGED_.txt' });
    for (const c of ['"', '<', '>', '|', '*', '?', '\r', '\u0007']) {
      expect(localName(`a${c}b`, redact)).toMatchObject({ kind: 'renamed', path: 'a_b' });
    }
  });

  it('takes a secret out of a name', () => {
    const name = localName(`out/${SECRET}.txt`, redact);
    expect(name).toMatchObject({ kind: 'renamed', path: 'out/___.txt' });
    expect(JSON.stringify(name)).not.toContain(SECRET);
  });

  it('refuses a path deeper or longer than the limits, quoting it short', () => {
    const deep = localName(`${'d/'.repeat(MAX_DOWNLOAD_DEPTH)}f`, redact);
    expect(deep).toMatchObject({ kind: 'refused' });
    expect(localName(`${'d/'.repeat(MAX_DOWNLOAD_DEPTH - 1)}f`, redact).kind).toBe('kept');
    const long = localName('n'.repeat(60_000_000), redact);
    expect(long.kind).toBe('refused');
    expect(JSON.stringify(long).length).toBeLessThan(1000);
    const wide = `${'abcdefghi/'.repeat(MAX_DOWNLOAD_PATH_CHARS / 10)}f`;
    expect(localName(wide, redact).kind).toBe('refused');
  });
});

describe('downloadFiles', () => {
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

  it('writes only safe, redacted names, and refuses deep trees', async () => {
    const { sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} });
    await runShell(client, sessionId, {
      command: [
        'mkdir -p out',
        `echo a > "out/${SECRET}.txt"`,
        "echo b > 'out/report-12:30.txt'",
        `echo c > "out/x"$'\\n'"::error::FORGED"$'\\n'".txt"`,
        `mkdir -p out/${'d/'.repeat(MAX_DOWNLOAD_DEPTH)} && echo d > out/${'d/'.repeat(MAX_DOWNLOAD_DEPTH)}deep.txt`,
      ].join(' && '),
      timeoutMs: 10_000,
      cwd: '/workspace',
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'names-'));
    const got = await downloadFiles(
      client,
      sessionId,
      { upload: [], download: ['out'], env: {}, setup: '' } as never,
      dir,
      [SECRET],
    );
    const names = got!.files.map((f) => path.relative(dir, f)).sort();
    expect(names).toEqual(['out/___.txt', 'out/report-12_30.txt', 'out/x___error__FORGED_.txt']);
    expect(JSON.stringify(readdirSync(dir, { recursive: true }))).not.toContain(SECRET);
    await client.deleteSession(sessionId);
  });
});

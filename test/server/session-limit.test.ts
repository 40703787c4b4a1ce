import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { quotaMessage } from '../../server/session-limit.ts';
import { API_KEY, call, createSession } from './helpers.ts';

describe('concurrent-session limit', () => {
  let server: AgentBayServer;
  beforeAll(async () => {
    server = await startServer({ apiKey: API_KEY, maxSessions: 2, deleteDelayMs: 200 });
  });
  afterAll(() => server.close());
  afterEach(async () => {
    for (const s of server.liveSessions()) {
      await call(server.url, 'ReleaseMcpSession', { SessionId: s.id });
    }
    server.setSessionLimit({ max: 2 });
  });

  it('refuses a create past the limit with the business-failure answer, creating nothing', async () => {
    await createSession(server.url);
    await createSession(server.url);
    const refused = await call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      Success: true,
      Code: 'ok',
      Data: { Success: false, SessionId: '', ErrMsg: quotaMessage(2) },
    });
    expect(server.liveSessions()).toHaveLength(2);
    expect(server.sessions()).toHaveLength(2);
  });

  it('counts a session that is still being deleted, and frees the slot once it is gone', async () => {
    const first = await createSession(server.url);
    await createSession(server.url);
    await call(server.url, 'DeleteSessionAsync', { SessionId: first });
    const whileDeleting = await call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' });
    expect(whileDeleting.body.Data.Success).toBe(false);
    await waitFor(() => server.liveSessions().length === 1);
    const after = await call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' });
    expect(after.body.Data).toMatchObject({ Success: true });
    expect(after.body.Data.SessionId).toMatch(/^session-/);
  });

  it('answers through the other error channels when asked', async () => {
    server.setSessionLimit({ max: 0, answer: 'success-false' });
    const plain = await call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' });
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({
      Success: false,
      Code: 'QuotaExceeded.ConcurrentSession',
      Message: quotaMessage(0),
    });
    server.setSessionLimit({ max: 0, answer: 'http-error', status: 429, code: 'Throttling.User' });
    const http = await call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' });
    expect(http.status).toBe(429);
    expect(http.body).toMatchObject({
      Success: false,
      Code: 'Throttling.User',
      HttpStatusCode: 429,
    });
    expect(server.liveSessions()).toHaveLength(0);
  });

  it('checks the key before the quota', async () => {
    server.setSessionLimit({ max: 0 });
    const reply = await call(
      server.url,
      'CreateMcpSession',
      { ImageId: 'code_latest' },
      { key: 'akm-wrong' },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.Code).toBe('NOT_LOGIN');
  });

  it('holds under concurrent creates: never more live sessions than the limit', async () => {
    server.setSessionLimit({ max: 3 });
    const replies = await Promise.all(
      Array.from({ length: 12 }, () =>
        call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' }),
      ),
    );
    expect(replies.filter((r) => r.body.Data?.Success === true)).toHaveLength(3);
    expect(server.liveSessions()).toHaveLength(3);
  });

  it('is lifted with no limit, and set and validated through the control API', async () => {
    server.setSessionLimit(undefined);
    for (let i = 0; i < 4; i++) await createSession(server.url);
    expect(server.liveSessions()).toHaveLength(4);

    const set = await fetch(`${server.url}/__control/session-limit`, {
      method: 'POST',
      body: JSON.stringify({ max: 4, answer: 'success-false' }),
    });
    expect(set.status).toBe(200);
    const refused = await call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' });
    expect(refused.body.Success).toBe(false);

    for (const bad of [
      '{"max": -1}',
      '{"max": 1.5}',
      '{"max": 1, "answer": "teapot"}',
      '[1]',
      '{"max":1,"status":200}',
    ]) {
      const reply = await fetch(`${server.url}/__control/session-limit`, {
        method: 'POST',
        body: bad,
      });
      expect(reply.status).toBe(400);
    }
  });
});

describe('the --max-sessions flag', () => {
  it('starts the server with the limit', async () => {
    const child = spawn(process.execPath, ['server/main.ts', '--max-sessions', '1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (text: string) => {
          const match = /listening on (\S+)/.exec(text);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      await createSession(url);
      const refused = await call(url, 'CreateMcpSession', { ImageId: 'code_latest' });
      expect(refused.body.Data).toMatchObject({ Success: false, ErrMsg: quotaMessage(1) });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses a bad value with a one-line error', async () => {
    const child = spawn(process.execPath, ['server/main.ts', '--max-sessions', 'two'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--max-sessions/);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(condition()).toBe(true);
}

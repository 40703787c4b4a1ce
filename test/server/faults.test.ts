import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { call, callRunCode, createSession, sleep } from './helpers.ts';

describe('fault injection', () => {
  let server: AgentBayServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const lastRequest = () => server.requests().at(-1)!;
  const sessionCount = () => server.sessions().length;

  it('http-error answers with the status and a POP error body, without acting', async () => {
    server.setFaults([
      { action: 'CreateMcpSession', type: 'http-error', status: 503, code: 'ServiceUnavailable' },
    ]);
    const before = sessionCount();
    const reply = await call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' });
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ Code: 'ServiceUnavailable', Success: false });
    expect(typeof reply.body.Message).toBe('string');
    expect(reply.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(sessionCount()).toBe(before);
    expect(lastRequest()).toMatchObject({
      fault: 'http-error',
      faultRule: 0,
      acted: false,
      status: 503,
    });

    server.setFaults([{ action: '*', type: 'http-error', status: 429 }]);
    const throttled = await call(server.url, 'ListSession', {});
    expect(throttled.status).toBe(429);
    expect(throttled.body.Code).toBe('Throttling.User');
  });

  it('nth and times select which matching calls fail', async () => {
    server.setFaults([{ action: 'ListSession', nth: 2, type: 'http-error', status: 500 }]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(server.url, 'ListSession', {})).status);
    expect(statuses).toEqual([200, 500, 200, 200]);

    server.setFaults([
      { action: 'ListSession', nth: 2, times: 2, type: 'http-error', status: 500 },
      // Other actions do not advance this rule's counter.
      { action: 'GetSession', type: 'http-error', status: 502 },
    ]);
    const mixed = [];
    for (let i = 0; i < 5; i++) {
      mixed.push((await call(server.url, 'ListSession', {})).status);
      await call(server.url, 'GetSession', { SessionId: 'x' });
    }
    expect(mixed).toEqual([200, 500, 500, 200, 200]);

    server.setFaults([{ action: 'ListSession', times: 1, type: 'http-error', status: 500 }]);
    const first = [];
    for (let i = 0; i < 3; i++) first.push((await call(server.url, 'ListSession', {})).status);
    expect(first).toEqual([500, 200, 200]);
  });

  it('success-false answers HTTP 200 with Success:false, without acting', async () => {
    server.setFaults([
      {
        action: 'CreateMcpSession',
        type: 'success-false',
        code: 'Throttling.User',
        message: 'slow down',
      },
    ]);
    const before = sessionCount();
    const reply = await call(server.url, 'CreateMcpSession', {});
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      Success: false,
      Code: 'Throttling.User',
      Message: 'slow down',
    });
    expect(reply.body.RequestId).toBeTruthy();
    expect(sessionCount()).toBe(before);
  });

  it('data-success-false answers Data.Success:false with ErrMsg', async () => {
    server.setFaults([
      { action: 'CreateMcpSession', type: 'data-success-false', message: 'no capacity' },
    ]);
    const before = sessionCount();
    const reply = await call(server.url, 'CreateMcpSession', {});
    expect(reply.status).toBe(200);
    expect(reply.body.Success).toBe(true);
    expect(reply.body.Data).toEqual({ Success: false, ErrMsg: 'no capacity' });
    expect(sessionCount()).toBe(before);
  });

  it('reset-before destroys the connection without acting', async () => {
    server.setFaults([{ action: 'CreateMcpSession', type: 'reset-before' }]);
    const before = sessionCount();
    await expect(call(server.url, 'CreateMcpSession', {})).rejects.toThrow();
    expect(sessionCount()).toBe(before);
    expect(lastRequest()).toMatchObject({ fault: 'reset-before', acted: false, status: null });
  });

  it('reset-after acts (creates the session, runs code), then drops the connection', async () => {
    server.setFaults([{ action: 'CreateMcpSession', type: 'reset-after' }]);
    const before = sessionCount();
    await expect(
      call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' }),
    ).rejects.toThrow();
    expect(sessionCount()).toBe(before + 1);
    expect(lastRequest()).toMatchObject({ fault: 'reset-after', acted: true, status: null });

    server.reset();
    const session = await createSession(server.url);
    server.setFaults([{ action: 'CallMcpTool', type: 'reset-after' }]);
    await expect(
      callRunCode(server.url, session, {
        code: "open('ran.txt', 'w').write('yes')",
        language: 'python',
      }),
    ).rejects.toThrow();
    server.reset();
    const check = await callRunCode(server.url, session, {
      code: "open('ran.txt').read()",
      language: 'python',
    });
    expect(JSON.parse(check.body.Data.content[0].text).result[0]).toContain("'yes'");
    expect(server.sessions().find((s) => s.id === session)?.runCount).toBe(2);
  });

  it('delay waits, then acts and answers', async () => {
    server.setFaults([{ action: 'ListSession', type: 'delay', delayMs: 300 }]);
    const started = Date.now();
    const reply = await call(server.url, 'ListSession', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(reply.status).toBe(200);
    expect(lastRequest()).toMatchObject({
      fault: 'delay',
      acted: true,
      clientGone: false,
      status: 200,
    });
  });

  it('delay does not act when the client went away meanwhile, and records it', async () => {
    server.setFaults([{ action: 'CreateMcpSession', type: 'delay', delayMs: 400 }]);
    const before = sessionCount();
    const controller = new AbortController();
    const pending = fetch(`${server.url}/?Action=CreateMcpSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Authorization=Bearer%20k&ImageId=code_latest',
      signal: controller.signal,
    });
    await sleep(100);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await sleep(500);
    expect(sessionCount()).toBe(before);
    expect(lastRequest()).toMatchObject({
      fault: 'delay',
      acted: false,
      clientGone: true,
      status: null,
    });
  });

  it('malformed-json acts and answers 200 with a truncated body', async () => {
    server.setFaults([{ action: 'CreateMcpSession', type: 'malformed-json' }]);
    const before = sessionCount();
    const reply = await call(server.url, 'CreateMcpSession', {});
    expect(reply.status).toBe(200);
    expect(reply.body).toBeUndefined();
    expect(() => JSON.parse(reply.text)).toThrow();
    expect(reply.text.startsWith('{"RequestId":')).toBe(true);
    expect(sessionCount()).toBe(before + 1);
  });

  it('oversized acts and answers a huge but valid JSON body', async () => {
    server.setFaults([{ action: 'ListSession', type: 'oversized', sizeBytes: 2_000_000 }]);
    const reply = await call(server.url, 'ListSession', {});
    expect(reply.status).toBe(200);
    expect(reply.text.length).toBeGreaterThan(1_900_000);
    expect(reply.text.length).toBeLessThan(2_100_000);
    expect(reply.body.Success).toBe(true);
    expect(Array.isArray(reply.body.Data)).toBe(true);
    expect(typeof reply.body.Padding).toBe('string');
  });

  it('the first applicable rule wins and requests without a fault say so', async () => {
    server.setFaults([
      { action: 'ListSession', nth: 1, type: 'http-error', status: 500 },
      { action: '*', type: 'success-false', code: 'X' },
    ]);
    expect((await call(server.url, 'ListSession', {})).status).toBe(500);
    expect(lastRequest().faultRule).toBe(0);
    expect((await call(server.url, 'ListSession', {})).body.Code).toBe('X');
    expect(lastRequest().faultRule).toBe(1);
    server.reset();
    await call(server.url, 'ListSession', {});
    expect(lastRequest()).toMatchObject({ fault: null, faultRule: null, acted: true });
  });

  it('session-id gives the new session the id the rule names, whatever its shape', async () => {
    const odd = 'session/../x\n::y+ü';
    server.setFaults([{ action: 'CreateMcpSession', type: 'session-id', sessionId: odd }]);
    const reply = await call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' });
    expect(reply.body.Data.SessionId).toBe(odd);
    expect(server.sessions().some((s) => s.id === odd && s.status === 'RUNNING')).toBe(true);
    const run = await callRunCode(server.url, odd, { code: 'print(1)', language: 'python' });
    expect(run.body.Data.isError).toBe(false);
    expect((await call(server.url, 'DeleteSessionAsync', { SessionId: odd })).status).toBe(200);
  });

  it('ignore-labels lists every session, as a gateway that drops the filter would', async () => {
    await call(server.url, 'CreateMcpSession', { Labels: JSON.stringify({ team: 'a' }) });
    await call(server.url, 'CreateMcpSession', { Labels: JSON.stringify({ team: 'b' }) });
    const filtered = await call(server.url, 'ListSession', {
      Labels: JSON.stringify({ team: 'a' }),
      MaxResults: 100,
    });
    server.setFaults([{ action: 'ListSession', type: 'ignore-labels' }]);
    const all = await call(server.url, 'ListSession', {
      Labels: JSON.stringify({ team: 'a' }),
      MaxResults: 100,
    });
    expect(all.body.Data.length).toBeGreaterThan(filtered.body.Data.length);
  });
});

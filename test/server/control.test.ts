import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { call, callRunCode, createSession } from './helpers.ts';

async function control(url: string, route: string, body?: unknown) {
  const response = await fetch(`${url}/__control/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('control API over HTTP', () => {
  let server: AgentBayServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('lists sessions (all or live) and requests, without recording itself', async () => {
    const live = await createSession(server.url, { Labels: '{"k":"v"}' });
    const gone = await createSession(server.url);
    await call(server.url, 'ReleaseMcpSession', { SessionId: gone });

    const all = await control(server.url, 'sessions');
    expect(all.status).toBe(200);
    expect(all.body.map((s: { id: string }) => s.id)).toEqual([live, gone]);
    expect(all.body[0]).toMatchObject({ id: live, status: 'RUNNING', labels: { k: 'v' } });
    const liveOnly = await control(server.url, 'sessions?live=1');
    expect(liveOnly.body.map((s: { id: string }) => s.id)).toEqual([live]);

    const requests = await control(server.url, 'requests');
    expect(requests.body.map((r: { action: string }) => r.action)).toEqual([
      'CreateMcpSession',
      'CreateMcpSession',
      'ReleaseMcpSession',
    ]);
    expect(server.requests()).toHaveLength(3);
  });

  it('sets faults and result formats, and resets them', async () => {
    expect(
      (
        await control(server.url, 'faults', [
          { action: 'ListSession', type: 'http-error', status: 500 },
        ])
      ).status,
    ).toBe(200);
    expect((await call(server.url, 'ListSession', {})).status).toBe(500);

    const session = await createSession(server.url);
    expect((await control(server.url, 'result-format', { dataAsString: true })).status).toBe(200);
    const reply = await callRunCode(server.url, session, { code: '1', language: 'python' });
    expect(typeof reply.body.Data).toBe('string');

    expect((await control(server.url, 'reset', {})).status).toBe(200);
    expect((await call(server.url, 'ListSession', {})).status).toBe(200);
    const again = await callRunCode(server.url, session, { code: '1', language: 'python' });
    expect(typeof again.body.Data).toBe('object');
  });

  it('rejects invalid control input with 400 and unknown routes with 404', async () => {
    expect((await control(server.url, 'faults', { not: 'an array' })).status).toBe(400);
    expect((await control(server.url, 'faults', [{ action: 'X', type: 'explode' }])).status).toBe(
      400,
    );
    expect((await control(server.url, 'result-format', { encoding: 'yaml' })).status).toBe(400);
    expect((await control(server.url, 'nothing')).status).toBe(404);
  });
});

describe('CLI', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('prints its URL, enforces --api-key, and exits cleanly on SIGTERM', async () => {
    const main = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
    child = spawn(process.execPath, [main, '--port', '0', '--api-key', 'akm-cli'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: string) => {
        output += chunk;
        const match = /^AgentBay-compatible server listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(
          output,
        );
        if (match?.[1]) resolve(match[1]);
      });
      child!.once('exit', () => reject(new Error(`server exited early: ${output}`)));
    });

    expect((await call(url, 'ListSession', {}, { key: 'akm-cli' })).status).toBe(200);
    expect((await call(url, 'ListSession', {}, { key: 'akm-other' })).body.Code).toBe('NOT_LOGIN');
    const sessions = await control(url, 'requests');
    expect(sessions.body).toHaveLength(2);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output.trim().split('\n')).toHaveLength(1);
  });
});

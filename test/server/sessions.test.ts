import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'node:querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { API_KEY, call, createSession, sleep } from './helpers.ts';

const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

describe('authentication', () => {
  let server: AgentBayServer;
  beforeAll(async () => {
    server = await startServer({ apiKey: API_KEY });
  });
  afterAll(() => server.close());

  it('accepts the configured key', async () => {
    const reply = await call(server.url, 'ListSession', { Labels: '{}' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      Success: true,
      Code: 'ok',
      Message: '',
      HttpStatusCode: 200,
    });
    expect(reply.body.RequestId).toMatch(REQUEST_ID);
  });

  it('rejects a wrong key with NOT_LOGIN and the host id', async () => {
    const reply = await call(
      server.url,
      'CreateMcpSession',
      { ImageId: 'code_latest' },
      {
        key: 'akm-wrong',
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      Code: 'NOT_LOGIN',
      Message: 'You are not logged in or your login token has expired',
      HostId: new URL(server.url).host,
      Success: false,
      HttpStatusCode: 400,
    });
    expect(reply.body.RequestId).toMatch(REQUEST_ID);
    expect(server.sessions()).toHaveLength(0);
  });

  it('rejects a missing or empty key and a key without the Bearer prefix', async () => {
    const forms: Record<string, string>[] = [
      {},
      { Authorization: '' },
      { Authorization: 'Bearer ' },
      { Authorization: API_KEY },
    ];
    for (const form of forms) {
      const reply = await call(server.url, 'ListSession', form, { key: null });
      expect(reply.status).toBe(400);
      expect(reply.body.Code).toBe('NOT_LOGIN');
    }
  });

  it('accepts any non-empty key when none is configured', async () => {
    const open = await startServer();
    try {
      const reply = await call(open.url, 'ListSession', {}, { key: 'anything' });
      expect(reply.status).toBe(200);
      expect((await call(open.url, 'ListSession', {}, { key: '' })).body.Code).toBe('NOT_LOGIN');
    } finally {
      await open.close();
    }
  });

  it('answers unknown actions with InvalidAction.NotFound', async () => {
    const reply = await call(server.url, 'GetCdpLink', {});
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ Code: 'InvalidAction.NotFound', Success: false });
    expect(reply.body.RequestId).toMatch(REQUEST_ID);
  });

  it('gives every response a fresh RequestId', async () => {
    const a = await call(server.url, 'ListSession', {});
    const b = await call(server.url, 'ListSession', {});
    expect(a.body.RequestId).not.toBe(b.body.RequestId);
  });
});

describe('session lifecycle', () => {
  let server: AgentBayServer;
  beforeAll(async () => {
    server = await startServer({ deleteDelayMs: 100 });
  });
  afterAll(() => server.close());

  it('creates a session with the documented Data fields', async () => {
    const reply = await call(server.url, 'CreateMcpSession', {
      ImageId: 'code_latest',
      Labels: JSON.stringify({ repo: 'o/r', run: '1' }),
      LoginRegionId: 'cn-hangzhou',
    });
    expect(reply.status).toBe(200);
    const data = reply.body.Data;
    expect(data.SessionId).toMatch(/^session-[a-z0-9]{17}$/);
    expect(data).toMatchObject({
      Success: true,
      ErrMsg: '',
      ResourceUrl: '',
      LinkUrl: '',
      Token: '',
      HttpPort: '',
      NetworkInterfaceIp: '',
      VpcResource: false,
    });
    expect(typeof data.AppInstanceId).toBe('string');
    expect(typeof data.ResourceId).toBe('string');
    const tools = JSON.parse(data.ToolList);
    expect(tools).toEqual([
      expect.objectContaining({ name: 'run_code', server: 'wuying_codespace', tool: 'run_code' }),
    ]);
    expect(tools[0].inputSchema.properties.code.type).toBe('string');

    const view = server.sessions().find((s) => s.id === data.SessionId);
    expect(view).toMatchObject({
      status: 'RUNNING',
      labels: { repo: 'o/r', run: '1' },
      imageId: 'code_latest',
      loginRegionId: 'cn-hangzhou',
      runCount: 0,
    });
  });

  it('defaults ImageId to linux_latest', async () => {
    const reply = await call(server.url, 'CreateMcpSession', {});
    const view = server.sessions().find((s) => s.id === reply.body.Data.SessionId);
    expect(view?.imageId).toBe('linux_latest');
  });

  it('rejects malformed Labels', async () => {
    for (const labels of ['{not json', '[1,2]', '{"a":1}']) {
      const reply = await call(server.url, 'CreateMcpSession', { Labels: labels });
      expect(reply.status).toBe(400);
      expect(reply.body.Code).toBe('InvalidParameter.Labels');
    }
  });

  it('reports status through GetSession (body) and GetSessionDetail (query)', async () => {
    const id = await createSession(server.url);
    const session = await call(server.url, 'GetSession', { SessionId: id });
    expect(session.body.Data).toMatchObject({ SessionId: id, Status: 'RUNNING', Success: true });
    const detail = await call(server.url, 'GetSessionDetail', {}, { query: { SessionId: id } });
    expect(detail.body.Data).toMatchObject({ Status: 'RUNNING', ImageId: 'code_latest' });
    // The SDK's model (GetSessionDetailResponseBodyData) types Id as a number.
    expect(typeof detail.body.Data.Id).toBe('number');
    // GetSessionDetail reads the query only, like the service.
    const wrongPlace = await call(server.url, 'GetSessionDetail', { SessionId: id });
    expect(wrongPlace.body.Code).toBe('InvalidMcpSession.NotFound');
  });

  it('deletes asynchronously: DELETING, then NotFound', async () => {
    const id = await createSession(server.url);
    const reply = await call(server.url, 'DeleteSessionAsync', { SessionId: id });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ Success: true, Code: 'ok', HttpStatusCode: 200 });
    expect(reply.body.Data).toBeUndefined();

    const during = await call(server.url, 'GetSessionDetail', {}, { query: { SessionId: id } });
    expect(during.body.Data.Status).toBe('DELETING');
    await sleep(200);
    const after = await call(server.url, 'GetSessionDetail', {}, { query: { SessionId: id } });
    expect(after.status).toBe(400);
    expect(after.body).toMatchObject({
      Code: 'InvalidMcpSession.NotFound',
      Message: 'Resource [McpSession] is not found.',
      Success: false,
    });
    expect((await call(server.url, 'GetSession', { SessionId: id })).body.Code).toBe(
      'InvalidMcpSession.NotFound',
    );
    const again = await call(server.url, 'DeleteSessionAsync', { SessionId: id });
    expect(again.status).toBe(400);
    expect(again.body.Code).toBe('InvalidMcpSession.NotFound');
    expect(server.sessions().find((s) => s.id === id)).toMatchObject({
      status: 'DELETED',
      deletedBy: 'DeleteSessionAsync',
    });
    expect(server.liveSessions().some((s) => s.id === id)).toBe(false);
  });

  it('releases synchronously with ReleaseMcpSession', async () => {
    const id = await createSession(server.url);
    expect((await call(server.url, 'ReleaseMcpSession', { SessionId: id })).status).toBe(200);
    expect((await call(server.url, 'GetSession', { SessionId: id })).body.Code).toBe(
      'InvalidMcpSession.NotFound',
    );
    expect((await call(server.url, 'ReleaseMcpSession', { SessionId: id })).body.Code).toBe(
      'InvalidMcpSession.NotFound',
    );
    expect(server.sessions().find((s) => s.id === id)?.deletedBy).toBe('ReleaseMcpSession');
  });

  it('answers NotFound for unknown sessions on every session action', async () => {
    const unknown = 'session-doesnotexist00000';
    for (const action of ['CallMcpTool', 'DeleteSessionAsync', 'ReleaseMcpSession', 'GetSession']) {
      const reply = await call(server.url, action, { SessionId: unknown, Name: 'run_code' });
      expect(reply.status, action).toBe(400);
      expect(reply.body.Code, action).toBe('InvalidMcpSession.NotFound');
    }
  });

  it('gets and sets labels', async () => {
    const id = await createSession(server.url, { Labels: '{"a":"1"}' });
    const got = await call(server.url, 'GetLabel', { SessionId: id });
    expect(JSON.parse(got.body.Data.Labels)).toEqual({ a: '1' });
    await call(server.url, 'SetLabel', { SessionId: id, Labels: '{"b":"2"}' });
    expect(server.sessions().find((s) => s.id === id)?.labels).toEqual({ b: '2' });
  });

  it('records requests with query order, headers and the raw form body', async () => {
    const before = server.requests().length;
    await call(server.url, 'ListSession', { Labels: '{"x":"y z"}', MaxResults: 10 });
    const recorded = server.requests().slice(before);
    expect(recorded).toHaveLength(1);
    const r = recorded[0]!;
    expect(r).toMatchObject({
      action: 'ListSession',
      method: 'POST',
      path: '/',
      form: { Authorization: `Bearer ${API_KEY}`, Labels: '{"x":"y z"}', MaxResults: '10' },
      fault: null,
      acted: true,
      status: 200,
    });
    expect(r.queryOrder).toEqual(['Action', 'Format', 'Version', 'Timestamp', 'SignatureNonce']);
    expect(r.headers['x-acs-action']).toBe('ListSession');
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(r.rawBody).toContain('Labels=%7B%22x%22%3A%22y%20z%22%7D');
  });
});

describe('ListSession', () => {
  let server: AgentBayServer;
  const ids: string[] = [];
  beforeAll(async () => {
    server = await startServer();
    for (let i = 0; i < 7; i++) {
      const labels = { suite: 'list', parity: i % 2 === 0 ? 'even' : 'odd', n: String(i) };
      ids.push(await createSession(server.url, { Labels: JSON.stringify(labels) }));
    }
    await createSession(server.url, { Labels: '{"suite":"other"}' });
  });
  afterAll(() => server.close());

  const list = (form: Record<string, string | number>) => call(server.url, 'ListSession', form);

  it('matches sessions carrying ALL label pairs', async () => {
    const reply = await list({ Labels: '{"suite":"list","parity":"even"}', MaxResults: 100 });
    expect(reply.body.Data.map((d: { SessionId: string }) => d.SessionId)).toEqual([
      ids[0],
      ids[2],
      ids[4],
      ids[6],
    ]);
    expect(reply.body.Data[0]).toEqual({ SessionId: ids[0], SessionStatus: 'RUNNING' });
    expect(reply.body.TotalCount).toBe(4);
    const none = await list({ Labels: '{"suite":"list","parity":"none"}' });
    expect(none.body.Data).toEqual([]);
    expect(none.body.NextToken).toBe('');
    const all = await list({ Labels: '{}' });
    expect(all.body.TotalCount).toBe(8);
  });

  it('pages with NextToken and MaxResults (default 10, capped at 100)', async () => {
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const reply = await list({ Labels: '{"suite":"list"}', MaxResults: 3, NextToken: token });
      expect(reply.body.MaxResults).toBe(3);
      expect(reply.body.TotalCount).toBe(7);
      seen.push(...reply.body.Data.map((d: { SessionId: string }) => d.SessionId));
      token = reply.body.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    expect((await list({})).body.MaxResults).toBe(10);
    expect((await list({ MaxResults: 500 })).body.MaxResults).toBe(100);
    expect((await list({ MaxResults: 'x' })).body.Code).toBe('InvalidParameter.MaxResults');
    expect((await list({ NextToken: 'garbage' })).body.Code).toBe('InvalidParameter.NextToken');
  });

  it('does not skip sessions when earlier ones are deleted between pages', async () => {
    const first = await list({ Labels: '{"suite":"list"}', MaxResults: 2 });
    await call(server.url, 'ReleaseMcpSession', { SessionId: ids[0]! });
    const second = await list({
      Labels: '{"suite":"list"}',
      MaxResults: 2,
      NextToken: first.body.NextToken,
    });
    expect(second.body.Data.map((d: { SessionId: string }) => d.SessionId)).toEqual([
      ids[2],
      ids[3],
    ]);
  });

  it('hides deleted sessions and filters by Status', async () => {
    await call(server.url, 'DeleteSessionAsync', { SessionId: ids[1]! });
    const deleting = await list({ Labels: '{"suite":"list"}', Status: 'DELETING' });
    expect(deleting.body.Data).toEqual([{ SessionId: ids[1], SessionStatus: 'DELETING' }]);
    await sleep(150);
    const running = await list({ Labels: '{"suite":"list"}', MaxResults: 100 });
    const listed = running.body.Data.map((d: { SessionId: string }) => d.SessionId);
    expect(listed).not.toContain(ids[0]);
    expect(listed).not.toContain(ids[1]);
    expect(running.body.TotalCount).toBe(5);
  });

  it('rejects a malformed Labels filter', async () => {
    expect((await list({ Labels: 'nope' })).body.Code).toBe('InvalidParameter.Labels');
  });
});

describe('idle timeout and work dirs', () => {
  it('releases a session after Timeout seconds without API calls', async () => {
    const server = await startServer();
    try {
      const idle = await createSession(server.url, { Timeout: 1 });
      const busy = await createSession(server.url, { Timeout: 1 });
      for (let i = 0; i < 3; i++) {
        await sleep(450);
        await call(server.url, 'GetSession', { SessionId: busy });
      }
      // 1.35 s after creation: the idle one is gone, the touched one is not.
      const views = server.sessions();
      expect(views.find((s) => s.id === idle)).toMatchObject({
        status: 'DELETED',
        deletedBy: 'idle-timeout',
        idleTimeoutS: 1,
      });
      expect(views.find((s) => s.id === busy)?.status).toBe('RUNNING');
      expect((await call(server.url, 'GetSession', { SessionId: idle })).body.Code).toBe(
        'InvalidMcpSession.NotFound',
      );
      expect((await call(server.url, 'CreateMcpSession', { Timeout: 'x' })).body.Code).toBe(
        'InvalidParameter.Timeout',
      );
    } finally {
      await server.close();
    }
  });

  it('keeps session dirs under workRoot and removes them on delete and close', async () => {
    const root = await mkdtemp(join(tmpdir(), 'agentbay-test-root-'));
    const server = await startServer({ workRoot: root });
    try {
      const a = await createSession(server.url);
      const b = await createSession(server.url);
      expect((await readdir(root)).sort()).toEqual([a, b].sort());
      await call(server.url, 'ReleaseMcpSession', { SessionId: a });
      expect(await readdir(root)).toEqual([b]);
      await server.close();
      expect(await readdir(root)).toEqual([]);
      expect(server.sessions().every((s) => s.status === 'DELETED')).toBe(true);
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
    expect(existsSync(root)).toBe(false);
  });
});

interface FixtureRequest {
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
}

const FIXTURE_ID = 'session-abc123';

describe('SDK wire compatibility', () => {
  it('accepts the requests the official SDK sends, byte for byte', async () => {
    // Recorded from the official TypeScript SDK 0.15.1 (copy of the shared protocol fixture).
    const fixture = JSON.parse(
      await readFile(new URL('../fixtures/sdk-requests.json', import.meta.url), 'utf8'),
    ) as { requests: FixtureRequest[] };
    const server = await startServer({ apiKey: 'akm-TESTKEY-123', deleteDelayMs: 10 });
    try {
      let sessionId = '';
      const replies = [];
      for (const request of fixture.requests) {
        const query = stringify(
          Object.fromEntries(
            Object.entries(request.query).map(([k, v]) => [k, v.replace(FIXTURE_ID, sessionId)]),
          ),
        );
        if (request.query.Action === 'GetSessionDetail') await sleep(50);
        const response = await fetch(`${server.url}/?${query}`, {
          method: 'POST',
          headers: request.headers,
          body: request.rawBody.replace(FIXTURE_ID, sessionId),
        });
        const body = (await response.json()) as any;
        replies.push({ status: response.status, body });
        if (request.query.Action === 'CreateMcpSession') sessionId = body.Data.SessionId;
      }
      const [create, run, list, del, detail] = replies;
      expect(create?.status).toBe(200);
      const payload = JSON.parse(run?.body.Data.content[0].text);
      expect(payload.stdout.join('')).toBe('hello\n');
      expect(JSON.parse(payload.result[0])).toEqual({ isMainResult: true, 'text/plain': '2' });
      expect(list?.body.Data).toEqual([{ SessionId: sessionId, SessionStatus: 'RUNNING' }]);
      expect(del?.body.Success).toBe(true);
      expect(detail?.status).toBe(400);
      expect(detail?.body.Code).toBe('InvalidMcpSession.NotFound');
    } finally {
      await server.close();
    }
  });
});

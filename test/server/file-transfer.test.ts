// The file_transfer context: presigned URLs on loopback, SyncContext tasks, the doubly encoded
// GetContextInfo status, and what a hostile or careless client meets.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { call, callTool, createSession, sleep } from './helpers.ts';

describe('file transfer', () => {
  let server: AgentBayServer;
  let session: string;
  let contextId = '';
  beforeAll(async () => {
    server = await startServer();
    session = await createSession(server.url);
  });
  afterAll(() => server.close());

  const statusOf = async (form: Record<string, string>) => {
    const reply = await call(server.url, 'GetContextInfo', { SessionId: session, ...form });
    expect(reply.status).toBe(200);
    const outer = JSON.parse(reply.body.Data.ContextStatus);
    expect(outer[0].type).toBe('data');
    return JSON.parse(outer[0].data) as Record<string, unknown>[];
  };

  it('gives the session its file_transfer context, by GET query (TS) or POST form', async () => {
    const query = new URLSearchParams({
      Action: 'GetAndLoadInternalContext',
      Authorization: 'Bearer akm-TEST-KEY',
      'ContextTypes.1': 'file_transfer',
      SessionId: session,
    });
    const viaGet = (await (await fetch(`${server.url}/?${query}`)).json()) as {
      Data: { ContextId: string }[];
    };
    expect(viaGet.Data).toEqual([
      {
        ContextId: expect.stringMatching(/^ctx-ft-/),
        ContextPath: '/tmp/file-transfer/',
        ContextType: 'file_transfer',
      },
    ]);
    contextId = viaGet.Data[0]!.ContextId;
    const viaPost = await call(server.url, 'GetAndLoadInternalContext', {
      SessionId: session,
      'ContextTypes.1': 'file_transfer',
    });
    expect(viaPost.body.Data[0].ContextId).toBe(contextId);
  });

  it('uploads through a presigned PUT and SyncContext(download), byte for byte', async () => {
    const bytes = randomBytes(300_000);
    const filePath = '/tmp/file-transfer/dir with space/ünï.bin';
    const url = await call(server.url, 'GetContextFileUploadUrl', {
      ContextId: contextId,
      FilePath: filePath,
    });
    expect(url.body.Data.ExpireTime).toBe(3600);
    const put = await fetch(url.body.Data.Url, { method: 'PUT', body: bytes });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBeTruthy();
    server.setTransferTaskDelay(150);
    await call(
      server.url,
      'SyncContext',
      { SessionId: session, ContextId: contextId, Path: filePath, Mode: 'download' },
      { query: { Authorization: 'Bearer akm-TEST-KEY' } },
    );
    expect((await statusOf({ ContextId: contextId, Path: filePath }))[0]).toMatchObject({
      status: 'Running',
      taskType: 'download',
    });
    await sleep(400);
    const [task] = await statusOf({ ContextId: contextId, Path: filePath, TaskType: 'download' });
    expect(task).toMatchObject({
      contextId,
      path: filePath,
      status: 'Success',
      errorMessage: '',
      taskType: 'download',
    });
    expect(typeof task!.startTime).toBe('number');
    const back = await callTool(server.url, session, 'read_file', {
      path: filePath,
      offset: 0,
      length: 0,
      format: 'binary',
    });
    expect(Buffer.from(back.text, 'base64').equals(bytes)).toBe(true);
    server.setTransferTaskDelay(0);
  });

  it('downloads after SyncContext(upload) through a presigned GET, then deletes the object', async () => {
    const bytes = randomBytes(30_000);
    await callTool(server.url, session, 'write_file', {
      path: '/workspace/out.b64',
      content: bytes.toString('base64'),
    });
    await callTool(server.url, session, 'shell', {
      command: 'base64 -d out.b64 > "/tmp/file-transfer/out put.bin"',
      timeout_ms: 5000,
    });
    const filePath = '/tmp/file-transfer/out put.bin';
    await call(server.url, 'SyncContext', {
      SessionId: session,
      ContextId: contextId,
      Path: filePath,
      Mode: 'upload',
    });
    await sleep(100);
    expect(
      (await statusOf({ ContextId: contextId, Path: filePath, TaskType: 'upload' }))[0],
    ).toMatchObject({ status: 'Success' });
    const url = await call(server.url, 'GetContextFileDownloadUrl', {
      ContextId: contextId,
      FilePath: filePath,
    });
    const got = await fetch(url.body.Data.Url);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    await call(server.url, 'DeleteContextFile', { ContextId: contextId, FilePath: filePath });
    expect((await fetch(url.body.Data.Url)).status).toBe(404);
    const recorded = server.requests().filter((r) => r.action.startsWith('(presigned'));
    expect(recorded.map((r) => r.method)).toEqual(['PUT', 'GET', 'GET']);
    expect(JSON.stringify(recorded)).not.toContain('akm-TEST-KEY');
  });

  it('reports a sync of a missing file as a Failed task with an errorMessage', async () => {
    const filePath = '/tmp/file-transfer/missing.bin';
    await call(server.url, 'SyncContext', {
      SessionId: session,
      ContextId: contextId,
      Path: filePath,
      Mode: 'upload',
    });
    await sleep(100);
    const [task] = await statusOf({ ContextId: contextId, Path: filePath });
    expect(task).toMatchObject({
      status: 'Failed',
      errorMessage: expect.stringMatching(/not found/),
    });
  });

  it('refuses tampered, expired, foreign and method-swapped presigned URLs', async () => {
    const filePath = '/tmp/file-transfer/x.bin';
    const { body } = await call(server.url, 'GetContextFileUploadUrl', {
      ContextId: contextId,
      FilePath: filePath,
    });
    const url = new URL(body.Data.Url);
    expect(url.hostname).toBe('127.0.0.1');
    const tampered = new URL(url);
    tampered.pathname = tampered.pathname.replace('x.bin', 'y.bin');
    expect((await fetch(tampered, { method: 'PUT', body: 'a' })).status).toBe(403);
    const expired = new URL(url);
    expired.searchParams.set('Expires', '1000');
    expect((await fetch(expired, { method: 'PUT', body: 'a' })).status).toBe(403);
    // A PUT URL cannot be used to read.
    expect((await fetch(url)).status).toBe(403);
    const traversal = `${server.url}/__oss/${contextId}/../../etc/passwd?Expires=9999999999&Signature=x`;
    expect([400, 403, 404]).toContain((await fetch(traversal)).status);
    // fetch resolves `..` before sending: this request reaches the server with them in place.
    const rawPath = `/__oss/${contextId}/../../etc/passwd?Expires=9999999999&Signature=x`;
    const before = server.requests().length;
    const rawStatus = await new Promise<number>((resolve, reject) => {
      const target = new URL(server.url);
      http
        .get({ host: target.hostname, port: target.port, path: rawPath }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(rawStatus).toBe(403);
    expect(server.requests().slice(before)).toEqual([
      expect.objectContaining({ action: '(presigned OSS GET)', path: rawPath.split('?')[0] }),
    ]);
    const unknown = await call(server.url, 'GetContextFileUploadUrl', {
      ContextId: 'ctx-ft-other',
      FilePath: filePath,
    });
    expect(unknown.body.Code).toBe('InvalidParameter.ContextId');
    const halfSync = await call(server.url, 'SyncContext', {
      SessionId: session,
      ContextId: contextId,
    });
    expect(halfSync.status).toBe(400);
  });

  it('treats SyncContext with no context as nothing to do, and forgets the context with the session', async () => {
    expect((await call(server.url, 'SyncContext', { SessionId: session })).status).toBe(200);
    const doomed = await createSession(server.url);
    const ctx = await call(server.url, 'GetAndLoadInternalContext', {
      SessionId: doomed,
      'ContextTypes.1': 'file_transfer',
    });
    const id = ctx.body.Data[0].ContextId;
    const { body } = await call(server.url, 'GetContextFileUploadUrl', {
      ContextId: id,
      FilePath: '/tmp/file-transfer/a',
    });
    await call(server.url, 'ReleaseMcpSession', { SessionId: doomed });
    expect((await fetch(body.Data.Url, { method: 'PUT', body: 'a' })).status).toBe(404);
  });
});

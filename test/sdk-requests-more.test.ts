// The client's shell, filesystem, file-transfer and keep-alive requests must match, field for
// field, what the official SDK sends (shared/fixtures/sdk-requests-more.json), timestamp and
// nonce aside. Deliberate differences are asserted as such, each with its reason. Of the
// filesystem tools only the ones the action calls are compared (write_file, get_file_info and
// binary read_file); the fixture records more.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../src/agentbay/client.ts';
import { FileTransfer } from '../src/agentbay/file-transfer.ts';
import { SandboxFiles } from '../src/agentbay/sandbox-files.ts';
import { runShell } from '../src/agentbay/shell.ts';
import { USER_AGENT } from '../src/version.ts';
import { startServer, type AgentBayServer, type RecordedRequest } from '../server/server.ts';
import { ROOT } from '../scripts/step-runner.ts';

interface FixtureRequest {
  sdkVersion: string;
  route: string;
  step: string;
  action: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  form?: Record<string, string>;
  rawBody?: string;
  elided?: string;
  bodyBytes?: number;
}

// A verbatim copy of shared/fixtures/sdk-requests-more.json, so a fresh clone can run the suite.
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'sdk-requests-more.json');
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { requests: FixtureRequest[] };
const entry = (index: number): FixtureRequest => fixture.requests[index]!;

const KEY = 'akm-TESTKEY-123';
const COMMON_QUERY = ['Action', 'Format', 'Version', 'Timestamp', 'SignatureNonce'];

/** What each client call sent, by step, and the fixture entries it must match. */
const steps: { name: string; fixture: number[]; sent: RecordedRequest[] }[] = [];

describe('shell, filesystem and file-transfer requests match the official SDK', () => {
  let server: AgentBayServer;
  let sessionId = '';
  let contextId = '';

  beforeAll(async () => {
    server = await startServer({ apiKey: KEY });
    const client = new AgentBayClient({ endpoint: server.url, apiKey: KEY, userAgent: USER_AGENT });
    ({ sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} }));
    const files = new SandboxFiles(client, sessionId);
    const transfer = new FileTransfer(client, sessionId, { pollMs: 50 });
    const step = async (name: string, indexes: number[], action: () => Promise<unknown>) => {
      const before = server.requests().length;
      await action().catch(() => undefined);
      steps.push({ name, fixture: indexes, sent: server.requests().slice(before) });
    };
    const setup = (action: () => Promise<unknown>) => action();

    await step('shell echo (0.15 clamp)', [4], () =>
      runShell(client, sessionId, {
        command: 'echo hello',
        timeoutMs: 50_000,
        cwd: '/workspace',
        envs: { FOO: 'bar' },
      }),
    );
    await step('shell cat missing', [5], () =>
      runShell(client, sessionId, { command: 'cat /nonexistent', timeoutMs: 1000 }),
    );
    await step('shell ls', [6], () =>
      runShell(client, sessionId, { command: 'ls', timeoutMs: 1000 }),
    );
    await step('shell echo (0.19 pass-through)', [45], () =>
      runShell(client, sessionId, {
        command: 'echo hello',
        timeoutMs: 120_000,
        cwd: '/workspace',
        envs: { FOO: 'bar' },
      }),
    );
    await setup(() =>
      runShell(client, sessionId, { command: 'mkdir -p /workspace/proj', timeoutMs: 5000 }),
    );
    await step('write_file small', [8], () =>
      files.writeText('/workspace/proj/hello.txt', 'hello world\n'),
    );
    await step('write_file chunked', [9, 10, 11], () =>
      files.writeText('/workspace/proj/big.txt', 'a'.repeat(122_980)),
    );
    await step('read_file binary', [18, 19], () =>
      files.readBytes('/workspace/proj/hello.txt', 1000),
    );
    await step('upload', [28, 29, 30, 31, 32, 33, 34], () =>
      transfer.upload(Buffer.from('up-bytes\n'), '/tmp/file-transfer/up.bin'),
    );
    await setup(() =>
      runShell(client, sessionId, {
        command: 'echo out > /tmp/file-transfer/out.txt',
        timeoutMs: 5000,
      }),
    );
    await step('download', [35, 36, 37, 38, 39, 40], () =>
      transfer.download('/tmp/file-transfer/out.txt', 1000),
    );
    await step('keep-alive', [47], () => client.refreshIdleTime(sessionId));
    contextId = (await client.getFileTransferContext(sessionId)).contextId;
    await client.deleteSession(sessionId);
    await client.close();
  });
  afterAll(() => server.close());

  const substitute = (text: string) =>
    text.split('session-abc123').join(sessionId).split('ctx-ft-0001').join(contextId);

  it('sends one request per fixture entry, in the same order, for every flow', () => {
    for (const step of steps) {
      expect(
        step.sent.map((r) => r.action),
        step.name,
      ).toEqual(step.fixture.map((i) => entry(i).action));
    }
  });

  it('sends each POP request with the same method, path, query, headers, form and raw body', () => {
    let compared = 0;
    for (const step of steps) {
      for (const [n, index] of step.fixture.entries()) {
        const expected = entry(index);
        const actual = step.sent[n]!;
        if (
          expected.action.startsWith('(presigned') ||
          expected.action === 'GetAndLoadInternalContext'
        )
          continue;
        const where = `${step.name} #${n + 1} (fixture ${index})`;
        expect(actual.method, where).toBe(expected.method);
        expect(actual.path, where).toBe(expected.path);
        expect(actual.queryOrder, where).toEqual(Object.keys(expected.query));
        for (const [key, value] of Object.entries(expected.query)) {
          if (key === 'Timestamp')
            expect(actual.query[key]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          else if (key === 'SignatureNonce') expect(actual.query[key]).toMatch(/^[0-9a-f]{64}$/);
          else expect(actual.query[key], `${where} query ${key}`).toBe(substitute(value));
        }
        for (const header of ['x-acs-version', 'x-acs-action', 'content-type']) {
          expect(actual.headers[header], `${where} ${header}`).toBe(expected.headers[header]);
        }
        if (expected.elided) {
          // The fixture shortened the chunk's content; the rest of Args and every other field match.
          const size = /carried (\d+) content characters/.exec(expected.elided)![1];
          const ours = JSON.parse(actual.form.Args!);
          const theirs = JSON.parse(expected.form!.Args!);
          expect(ours.content.length, where).toBe(Number(size));
          expect({ ...ours, content: '' }).toEqual({ ...theirs, content: '' });
          const { Args: _a, ...rest } = actual.form;
          const { Args: _b, ...expectedRest } = expected.form!;
          expect(rest).toEqual(
            Object.fromEntries(Object.entries(expectedRest).map(([k, v]) => [k, substitute(v)])),
          );
        } else {
          expect(actual.form, where).toEqual(
            Object.fromEntries(
              Object.entries(expected.form ?? {}).map(([k, v]) => [k, substitute(v)]),
            ),
          );
          expect(actual.rawBody, where).toBe(substitute(expected.rawBody ?? ''));
        }
        compared++;
      }
    }
    expect(compared).toBe(21);
  });

  it('asks for the file_transfer context with the same fields, as a POST form (the key stays out of the URL)', () => {
    const expected = entry(28);
    const actual = steps.find((s) => s.name === 'upload')!.sent[0]!;
    // Deliberate: the TS SDK sends GET with the key in the query; Python and Go POST a form,
    // which the addendum recommends (§4.2).
    expect(expected.method).toBe('GET');
    expect(actual.method).toBe('POST');
    const fields = Object.fromEntries(
      Object.entries(expected.query).filter(([k]) => !COMMON_QUERY.includes(k)),
    );
    expect(actual.form).toEqual(
      Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, substitute(v)])),
    );
    expect(actual.queryOrder).toEqual(COMMON_QUERY);
    expect(actual.path + JSON.stringify(actual.query)).not.toContain(KEY);
  });

  it('sends presigned PUT and GET with no AgentBay header, no key and no content type', () => {
    const upload = steps.find((s) => s.name === 'upload')!.sent[2]!;
    const download = steps.find((s) => s.name === 'download')!.sent[4]!;
    for (const [actual, expected] of [
      [upload, entry(30)],
      [download, entry(39)],
    ] as const) {
      expect(actual.method).toBe(expected.method);
      expect(
        Object.keys(actual.headers).filter(
          (h) => h.startsWith('x-acs-') || h === 'authorization' || h === 'content-type',
        ),
      ).toEqual([]);
      expect(JSON.stringify(actual)).not.toContain(KEY);
    }
    expect(upload.headers['content-length']).toBe(String(entry(30).bodyBytes));
  });
});

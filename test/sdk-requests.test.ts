// The client's requests must match, field for field, what the official SDK sends
// (shared/fixtures/sdk-requests.json), timestamp and nonce aside.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../src/agentbay/client.ts';
import { startServer, type AgentBayServer, type RecordedRequest } from '../server/server.ts';
import { ACTION_VERSION, USER_AGENT } from '../src/version.ts';
import { ROOT } from '../scripts/step-runner.ts';

type FixtureRequest = Pick<
  RecordedRequest,
  'action' | 'method' | 'path' | 'query' | 'headers' | 'form' | 'rawBody'
>;

// A verbatim copy of shared/fixtures/sdk-requests.json, so a fresh clone can run the suite.
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'sdk-requests.json');
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { requests: FixtureRequest[] };

const KEY = 'akm-TESTKEY-123';

describe('requests match the official SDK', () => {
  let server: AgentBayServer;
  let sessionId = '';

  beforeAll(async () => {
    server = await startServer({ apiKey: KEY });
    const client = new AgentBayClient({ endpoint: server.url, apiKey: KEY, userAgent: USER_AGENT });
    ({ sessionId } = await client.createSession({
      imageId: 'code_latest',
      labels: { repo: 'o/r', run: '42' },
    }));
    await client.runCode(sessionId, {
      code: "print('hello')\n1+1",
      language: 'python',
      timeoutS: 30,
    });
    await client.listSessions({ labels: { repo: 'o/r' } });
    await client.deleteSession(sessionId);
    await client.getSessionStatus(sessionId).catch(() => undefined);
    await client.close();
  });
  afterAll(() => server.close());

  it('sends the same five calls in the same order', () => {
    expect(server.requests().map((r) => r.action)).toEqual(fixture.requests.map((r) => r.action));
  });

  for (const [index, expected] of fixture.requests.entries()) {
    it(`${expected.action}: method, path, query order and values, headers, form and raw body`, () => {
      const actual = server.requests()[index]!;
      const substitute = (text: string) => text.split('session-abc123').join(sessionId);
      expect(actual.method).toBe(expected.method);
      expect(actual.path).toBe(expected.path);
      expect(actual.queryOrder).toEqual(Object.keys(expected.query));
      for (const [key, value] of Object.entries(expected.query)) {
        if (key === 'Timestamp')
          expect(actual.query[key]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        else if (key === 'SignatureNonce') expect(actual.query[key]).toMatch(/^[0-9a-f]{64}$/);
        else expect(actual.query[key]).toBe(substitute(value));
      }
      for (const header of ['x-acs-version', 'x-acs-action', 'content-type']) {
        expect(actual.headers[header]).toBe(expected.headers[header]);
      }
      expect(actual.headers['user-agent']).toMatch(/^agentbay-run-code\/\d+\.\d+\.\d+ /);
      expect(Object.keys(actual.form).sort()).toEqual(Object.keys(expected.form).sort());
      if (expected.action === 'CreateMcpSession') {
        // SdkStats carries the same telemetry fields, naming this action as the framework.
        const { SdkStats: ours, ...rest } = actual.form;
        const { SdkStats: theirs, ...expectedRest } = expected.form;
        expect(rest).toEqual(expectedRest);
        expect(Object.keys(JSON.parse(ours!))).toEqual(Object.keys(JSON.parse(theirs!)));
        // It names this action and its version, not the SDK it is not.
        expect(JSON.parse(ours!)).toEqual({
          source: 'agentbay-run-code',
          sdk_language: 'typescript',
          sdk_version: ACTION_VERSION,
          is_release: true,
          framework: 'agentbay-run-code',
        });
        expect(actual.rawBody.replace(/&SdkStats=[^&]*/, '')).toBe(
          expected.rawBody.replace(/&SdkStats=[^&]*/, ''),
        );
      } else {
        expect(actual.form).toEqual(
          Object.fromEntries(Object.entries(expected.form).map(([k, v]) => [k, substitute(v)])),
        );
        expect(actual.rawBody).toBe(substitute(expected.rawBody));
      }
    });
  }
});

// SDK 0.21 (protocol §2a) adds LoginRegionId, always sent, and the LifecyclePolicy in minutes.
// No 0.21 recording exists: the order is its generated client's (`createMcpSessionWithOptions`
// in agentbay-ai/wuying-agentbay-sdk typescript/src/api/client.ts: Authorization, ImageId,
// Timeout, MaxRuntime, Labels, …, SdkStats, LoginRegionId), which agrees with the 0.19
// recording of `Timeout` right after ImageId (test/fixtures/sdk-requests-more.json).
describe('a create with a region and a lifecycle, as SDK 0.21 sends it', () => {
  let server: AgentBayServer;

  beforeAll(async () => {
    server = await startServer({ apiKey: KEY });
    const client = new AgentBayClient({ endpoint: server.url, apiKey: KEY, userAgent: USER_AGENT });
    await client.createSession({
      imageId: 'code_latest',
      labels: { repo: 'o/r', run: '42' },
      loginRegionId: 'ap-southeast-1',
      lifecycle: { idleTimeoutMin: 15, maxRuntimeMin: 30 },
    });
    await client.close();
  });
  afterAll(() => server.close());

  it('puts Timeout and MaxRuntime (minutes) after ImageId and LoginRegionId last', () => {
    const recorded = fixture.requests[0]!;
    const [create] = server.requests();
    const labels = /&Labels=[^&]*/.exec(recorded.rawBody)![0];
    expect(create!.rawBody.replace(/&SdkStats=[^&]*/, '')).toBe(
      `Authorization=Bearer%20${KEY}&ImageId=code_latest&Timeout=15&MaxRuntime=30${labels}&LoginRegionId=ap-southeast-1`,
    );
    expect(Object.keys(create!.form)).toEqual([
      'Authorization',
      'ImageId',
      'Timeout',
      'MaxRuntime',
      'Labels',
      'SdkStats',
      'LoginRegionId',
    ]);
  });

  it('is read by the server as minutes', () => {
    expect(server.sessions()[0]!.lifecycle).toEqual({
      unit: 'minutes',
      timeout: 15,
      maxRuntime: 30,
    });
    expect(server.sessions()[0]!.idleTimeoutS).toBe(900);
    expect(server.sessions()[0]!.loginRegionId).toBe('ap-southeast-1');
  });
});

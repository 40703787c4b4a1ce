// The live probe, run against the local server as it would run against the real one: every
// step answered, the key nowhere in the report, and no session left behind.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../server/server.ts';
import { ROOT } from '../scripts/step-runner.ts';

const KEY = 'akm-PROBE-KEY-0123456789';

interface ProbeReport {
  probes: {
    step: string;
    httpStatus?: number;
    shape?: unknown;
    error?: string;
    finding?: Record<string, unknown>;
  }[];
}

/** Runs `npm run live-probe` against the server as the live job runs it against the real one. */
async function runProbe(server: AgentBayServer, extraEnv: Record<string, string> = {}) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'probe-')), 'report.json');
  const { AGENTBAY_API_KEY: _k, ...env } = process.env;
  const result = await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'scripts', 'live-probe.ts'), out],
    {
      env: { ...env, AGENTBAY_API_KEY: KEY, AGENTBAY_ENDPOINT: server.url, ...extraEnv },
      timeout: 120_000,
    },
  );
  const text = readFileSync(out, 'utf8');
  return { stdout: result.stdout, text, report: JSON.parse(text) as ProbeReport };
}

describe('npm run live-probe', () => {
  let server: AgentBayServer;
  let report: ProbeReport;
  let text = '';
  let stdout = '';
  beforeAll(async () => {
    // An 8 s gateway here, so the probe's call past the gateway limit is quick to see (and a
    // first run_code, which starts the kernel, stays under it on a loaded machine).
    server = await startServer({ apiKey: KEY, gatewayTimeoutMs: 8_000 });
    ({ stdout, text, report } = await runProbe(server, {
      AGENTBAY_PROBE_IDLE_S: '2',
      AGENTBAY_PROBE_GATEWAY_S: '8',
      AGENTBAY_REGION_ID: 'us-east-1',
    }));
  }, 150_000);
  afterAll(() => server.close());

  it('exercises each action and tool the action uses, once each', () => {
    const actions = new Set(
      server.requests().map((r) => (r.action === 'CallMcpTool' ? `tool:${r.form.Name}` : r.action)),
    );
    for (const expected of [
      'CreateMcpSession',
      'GetSessionDetail',
      'tool:run_code',
      'tool:shell',
      'tool:write_file',
      'tool:get_file_info',
      'tool:read_file',
      'GetAndLoadInternalContext',
      'GetContextFileUploadUrl',
      '(presigned OSS PUT)',
      'SyncContext',
      'GetContextInfo',
      'DeleteContextFile',
      'GetContextFileDownloadUrl',
      '(presigned OSS GET)',
      'ListSession',
      'RefreshSessionIdleTime',
      'DeleteSessionAsync',
    ]) {
      expect(actions.has(expected), expected).toBe(true);
    }
    // Every answer but the one meant to outlive the gateway's limit.
    const answered = report.probes.filter((p) => !p.step.includes('past the gateway limit'));
    expect(answered.filter((p) => (p.httpStatus ?? 0) >= 500).map((p) => p.step)).toEqual([]);
  });

  it('answers Unknowns: state kept, default cwd and user, get_file_info keys, the size limit', () => {
    const finding = (step: string) => report.probes.find((p) => p.step === step)?.finding;
    expect(finding('run_code (state kept?)')).toEqual({ pythonStateKept: true });
    expect(finding('shell pwd/whoami')).toHaveProperty('defaultCwd');
    expect(finding('get_file_info')).toMatchObject({
      keys: expect.arrayContaining(['size', 'isDirectory']),
    });
    expect(finding('write_file 70 KB (over the MQTT limit)')).toEqual({ refused: true });
    expect(finding('CreateMcpSession (Timeout=5, MaxRuntime=30 min)')).toMatchObject({
      linkUrlReturned: false,
      tokenReturned: false,
      wsUrlReturned: false,
    });
  });

  it('creates as SDK 0.21 does and reports which region answered', () => {
    const create = server.requests().find((r) => r.action === 'CreateMcpSession')!;
    // The endpoint names no region, so the region is AGENTBAY_REGION_ID's.
    expect(create.form).toMatchObject({
      Timeout: '5',
      MaxRuntime: '30',
      LoginRegionId: 'us-east-1',
    });
    const finding = report.probes.find((p) => p.step === 'GetSessionDetail')?.finding;
    expect(finding).toMatchObject({ regionAnswered: 'us-east-1', regionAsked: 'us-east-1' });
    expect(JSON.parse(text).region).toBe('us-east-1');
    expect(stdout).toContain('region us-east-1 (from region-id)');
  });

  it('reports whether JavaScript keeps state, and what a call past the gateway limit gets', () => {
    const finding = (step: string) => report.probes.find((p) => p.step === step)?.finding;
    // The local server runs each JavaScript call in a fresh process.
    expect(finding('run_code javascript (state read back)')).toEqual({
      javascriptStateKept: false,
    });
    expect(finding('shell sleeping 18 s (past the gateway limit)')).toMatchObject({
      httpStatus: 504,
      code: 'GatewayTimeout',
    });
  });

  it('sees a session left idle released after its Timeout', () => {
    const idle = report.probes.find(
      (p) => p.step.startsWith('GetSession (') && p.step.endsWith('s idle)'),
    );
    expect(idle?.finding).toMatchObject({ released: true });
  });

  it('tries what the action sends for code run from a file, and for runs past 60 s', () => {
    const finding = (step: string) => report.probes.find((p) => p.step === step)?.finding;
    expect(finding('run_code over the per-call limit')).toMatchObject({ refused: true });
    expect(
      (finding('run_code over the per-call limit') as { argsBytes: number }).argsBytes,
    ).toBeGreaterThan(64_512);
    expect(finding('run_code python from a file')).toEqual({ ran: true, trailingResult: true });
    expect(finding('run_code python from a file, failing')).toEqual({
      tracebackNamesFile: true,
      locatedLine: 5,
    });
    expect(finding('run_code javascript ES module from a file')).toEqual({
      siblingImported: true,
      locatedLine: 3,
    });
    expect(finding('shell detached job result')).toEqual({ detachedOutlivedCall: true });
    expect(finding('presigned GET')).toEqual({ bytes: 1024 });
    // write_file's append mode, as the action's chunked writes use it.
    expect(
      server
        .requests()
        .some((r) => r.form.Name === 'write_file' && JSON.parse(r.form.Args!).mode === 'append'),
    ).toBe(true);
  });

  it('never writes the key, and leaves no session behind', () => {
    expect(text).not.toContain(KEY);
    expect(stdout).not.toContain(KEY);
    expect(text).not.toContain(Buffer.from(KEY).toString('base64').slice(0, 16));
    expect(server.sessions().filter((s) => s.status === 'RUNNING')).toEqual([]);
    // The probe's session, and the one left idle to see the idle timeout release it.
    expect(server.sessions()).toHaveLength(2);
  });
});

describe('npm run live-probe where the service offers the LinkUrl route', () => {
  let server: AgentBayServer;
  let probe: Awaited<ReturnType<typeof runProbe>>;
  beforeAll(async () => {
    server = await startServer({ apiKey: KEY, linkRoute: true });
    probe = await runProbe(server);
  }, 150_000);
  afterAll(() => server.close());

  it("tries one tool call through it and reports the answer's shape", () => {
    const steps = probe.report.probes;
    expect(
      steps.find((p) => p.step === 'CreateMcpSession (Timeout=5, MaxRuntime=30 min)')?.finding,
    ).toMatchObject({
      linkUrlReturned: true,
      tokenReturned: true,
    });
    const link = steps.find((p) => p.step === 'LinkUrl callTool shell');
    expect(link?.httpStatus).toBe(200);
    expect(link?.shape).toMatchObject({ data: { result: { isError: false } } });
    const call = server.requests().find((r) => r.action === '(LinkUrl callTool)')!;
    expect(JSON.parse(call.rawBody)).toMatchObject({ tool: 'shell', server: 'wuying_shell' });
  });

  it('keeps the LinkUrl token, a credential, out of the report and the output', () => {
    const token = server.requests().find((r) => r.action === '(LinkUrl callTool)')!.headers[
      'x-access-token'
    ]!;
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(probe.text).not.toContain(token);
    expect(probe.stdout).not.toContain(token);
    expect(probe.text).not.toContain(KEY);
    expect(server.sessions().filter((s) => s.status === 'RUNNING')).toEqual([]);
  });
});

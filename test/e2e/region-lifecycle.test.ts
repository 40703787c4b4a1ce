// Where a session is created and how long it may live (issue 17): region-id picks the gateway
// `agentbay.<region>.aliyuncs.com` (reached here through a proxy and a TLS front that answer
// for those names, see tls-gateway.ts), endpoint overrides it, LoginRegionId is always the
// gateway's region; the create carries SDK 0.21's LifecyclePolicy in minutes.
import { describe, expect, it } from 'vitest';
import {
  errorAnnotations,
  makeWorkdir,
  runAction,
  runStep,
  TEST_KEY,
  useServer,
} from './harness.ts';
import { useTlsGateway } from './tls-gateway.ts';
import type { RecordedRequest } from '../../server/server.ts';

const KNOWN = ['cn-hangzhou', 'ap-southeast-1', 'us-east-1'];
const UNKNOWN = 'eu-north-7';
const hostOf = (region: string) => `agentbay.${region}.aliyuncs.com`;

const server = useServer();
const gateway = useTlsGateway([...KNOWN, UNKNOWN].map(hostOf), () => server.port);

/** The requests of this step's run (the server's log spans the file). */
function sentSince(start: number, action?: string): RecordedRequest[] {
  return server
    .requests()
    .slice(start)
    .filter((r) => !action || r.action === action);
}

/** A step reaching the gateway its inputs name, not the loopback endpoint. */
async function viaGateway(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const start = server.requests().length;
  gateway.connects.length = 0;
  const run = await runAction({
    inputs: { 'api-key': TEST_KEY, language: 'python', code: '6 * 7', ...inputs },
    env: { ...gateway.env(), ...env },
  });
  return { ...run, sent: sentSince(start), connects: [...gateway.connects] };
}

describe('region-id picks the gateway, and LoginRegionId is its region', () => {
  it('the default: agentbay.cn-hangzhou.aliyuncs.com, LoginRegionId cn-hangzhou', async () => {
    const { main, post, sent, connects } = await viaGateway({});
    expect(main.code).toBe(0);
    expect(main.outputs.output).toBe('42');
    expect(main.stdout).toContain(
      'Gateway agentbay.cn-hangzhou.aliyuncs.com, region cn-hangzhou (the default).',
    );
    expect(new Set(connects)).toEqual(new Set([`CONNECT ${hostOf('cn-hangzhou')}:443`]));
    // Main and post steps alike: every call went to that host.
    expect(new Set(sent.map((r) => r.headers.host))).toEqual(new Set([hostOf('cn-hangzhou')]));
    expect(sent.map((r) => r.action)).toContain('DeleteSessionAsync');
    const [create] = sent.filter((r) => r.action === 'CreateMcpSession');
    expect(create!.form.LoginRegionId).toBe('cn-hangzhou');
    expect(post.code).toBe(0);
  });

  it.each(KNOWN)('%s: its own gateway, silently', async (region) => {
    const { main, sent, connects } = await viaGateway({ 'region-id': region });
    expect(main.code).toBe(0);
    expect(new Set(connects)).toEqual(new Set([`CONNECT ${hostOf(region)}:443`]));
    const create = sent.find((r) => r.action === 'CreateMcpSession')!;
    expect(create.headers.host).toBe(hostOf(region));
    expect(create.form.LoginRegionId).toBe(region);
    expect(main.stdout).not.toContain('::warning::');
  });

  it('an unknown but well-formed region: the same pattern, with a warning naming the known ones', async () => {
    const { main, sent, connects } = await viaGateway({ 'region-id': UNKNOWN });
    expect(main.code).toBe(0);
    expect(new Set(connects)).toEqual(new Set([`CONNECT ${hostOf(UNKNOWN)}:443`]));
    expect(sent.find((r) => r.action === 'CreateMcpSession')!.form.LoginRegionId).toBe(UNKNOWN);
    expect(main.stdout).toContain(
      `::warning::region-id "${UNKNOWN}" is not a region this action knows (cn-hangzhou, ap-southeast-1, us-east-1); its gateway is taken to be ${hostOf(UNKNOWN)}`,
    );
  });

  it('endpoint overrides region-id, and the log says which host and region are used', async () => {
    const { main, sent, connects } = await viaGateway({
      endpoint: hostOf('us-east-1'),
      'region-id': 'ap-southeast-1',
    });
    expect(main.code).toBe(0);
    expect(new Set(connects)).toEqual(new Set([`CONNECT ${hostOf('us-east-1')}:443`]));
    expect(sent.find((r) => r.action === 'CreateMcpSession')!.form.LoginRegionId).toBe('us-east-1');
    expect(main.stdout).toContain(
      'Gateway agentbay.us-east-1.aliyuncs.com (from the endpoint input), region us-east-1 (named by the host).',
    );
    expect(main.stdout).toContain(
      '::warning::endpoint agentbay.us-east-1.aliyuncs.com serves region us-east-1, and region-id says ap-southeast-1: the endpoint wins',
    );
  });

  it('a loopback endpoint override sends region-id as LoginRegionId', async () => {
    const start = server.requests().length;
    const { main } = await runAction({
      inputs: server.inputs({ 'region-id': 'ap-southeast-1', language: 'python', code: '1' }),
    });
    expect(main.code).toBe(0);
    const create = sentSince(start, 'CreateMcpSession')[0]!;
    expect(create.form.LoginRegionId).toBe('ap-southeast-1');
    expect(main.stdout).toContain(
      `Gateway 127.0.0.1:${server.port} (from the endpoint input), region ap-southeast-1 (from region-id).`,
    );
  });

  it('a key of another region: NOT_LOGIN names the host and asks about the region', async () => {
    const { main, sent } = await viaGateway({
      'region-id': 'ap-southeast-1',
      'api-key': 'akm-a-key-of-another-region',
    });
    expect(main.code).toBe(1);
    expect(sent.map((r) => r.action)).toEqual(['CreateMcpSession']);
    const [error] = errorAnnotations(main.stdout);
    expect(error).toContain('code NOT_LOGIN, HTTP 400, host agentbay.ap-southeast-1.aliyuncs.com');
    expect(error).toContain(
      'the key belongs to another region? API keys are bound to a region and work only with its gateway (this call went to agentbay.ap-southeast-1.aliyuncs.com); known regions: cn-hangzhou, ap-southeast-1, us-east-1',
    );
  });

  it.each([
    ['huge', `cn-${'h'.repeat(100_000)}`],
    ['a host name in disguise', 'cn-hangzhou.evil.example'],
    ['an injected workflow command', 'cn-hangzhou\n::error title=x::injected'],
    ['percent-encoded', 'cn-hangzhou%0A%3A%3Aerror'],
    ['a path', '../../etc'],
  ])('a malformed region (%s) is an input error before any request', async (_what, region) => {
    const { main, post, sent, connects } = await viaGateway({ 'region-id': region });
    expect(main.code).toBe(1);
    expect(sent).toEqual([]);
    expect(connects).toEqual([]);
    const errors = errorAnnotations(main.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /Input 'region-id' must be a region id, lower-case words joined by '-'/,
    );
    expect(errors[0]!.length).toBeLessThan(600);
    expect(main.stdout).not.toMatch(/^::error title=x::/m);
    expect(post.code).toBe(0);
  });
});

describe('the lifecycle, in minutes', () => {
  const created = (start: number) => sentSince(start, 'CreateMcpSession');

  it('a plain step: idle-timeout 900 s as 15 minutes, and a ceiling derived from the step', async () => {
    const start = server.requests().length;
    const { main } = await runAction({ inputs: server.inputs({ language: 'python', code: '1' }) });
    expect(main.code).toBe(0);
    // ceil((60 s timeout + 30 s per run) / 60) + 10 minutes of margin
    expect(created(start)[0]!.form).toMatchObject({ Timeout: '15', MaxRuntime: '12' });
    const session = server.sessions().find((s) => s.id === main.outputs['session-id'])!;
    expect(session.lifecycle).toEqual({ unit: 'minutes', timeout: 15, maxRuntime: 12 });
  });

  it('a kept session (cleanup: false): the job limit, 360 minutes', async () => {
    const start = server.requests().length;
    const { main } = await runAction({
      inputs: server.inputs({
        language: 'python',
        code: '1',
        cleanup: 'false',
        'idle-timeout': '600',
      }),
    });
    expect(main.code).toBe(0);
    expect(created(start)[0]!.form).toMatchObject({ Timeout: '10', MaxRuntime: '360' });
  });

  it('a session a later step reuses: created for the job (the step has an id), reused without a create', async () => {
    const start = server.requests().length;
    const workdir = makeWorkdir();
    const first = await runStep('main', {
      workdir,
      inputs: server.inputs({ language: 'python', code: 'shared = 41' }),
      env: { GITHUB_ACTION: 'prepare' },
    });
    expect(first.code).toBe(0);
    expect(created(start)[0]!.form).toMatchObject({ Timeout: '15', MaxRuntime: '360' });
    // The creating step's post step runs at the end of the job, after the reusing step.
    const afterFirst = server.requests().length;
    const second = await runStep('main', {
      inputs: server.inputs({
        language: 'python',
        code: 'shared + 1',
        'session-id': first.outputs['session-id']!,
      }),
    });
    expect(second.code).toBe(0);
    expect(second.outputs.output).toBe('42');
    expect(created(afterFirst)).toEqual([]);
    const post = await runStep('post', {
      workdir,
      inputs: server.inputs(),
      env: { GITHUB_ACTION: 'prepare' },
      state: first.state,
    });
    expect(post.code).toBe(0);
    expect(server.sessions().find((s) => s.id === first.outputs['session-id'])?.deletedBy).toBe(
      'DeleteSessionAsync',
    );
  });

  it('max-runtime as given, in minutes', async () => {
    const start = server.requests().length;
    const { main } = await runAction({
      inputs: server.inputs({
        language: 'python',
        code: '1',
        'max-runtime': '45',
        'idle-timeout': '181',
      }),
    });
    expect(main.code).toBe(0);
    expect(created(start)[0]!.form).toMatchObject({ Timeout: '4', MaxRuntime: '45' });
  });

  it.each([
    ['idle-timeout', '179', /Input 'idle-timeout' must be at least 180 seconds/],
    ['idle-timeout', '60', /Input 'idle-timeout' must be at least 180 seconds/],
    ['max-runtime', '0', /Input 'max-runtime' must be a whole number of minutes from 1 to 7200/],
    ['max-runtime', '1e3', /Input 'max-runtime' must be a whole number of minutes/],
  ])('%s %s is refused with no request', async (input, value, message) => {
    const start = server.requests().length;
    const { main } = await runAction({
      inputs: server.inputs({ language: 'python', code: '1', [input]: value }),
    });
    expect(main.code).toBe(1);
    expect(errorAnnotations(main.stdout).join('\n')).toMatch(message);
    expect(sentSince(start)).toEqual([]);
  });
});

describe('the ceiling on a local server whose minutes last a second', () => {
  const fast = useServer({ minuteMs: 1_000 });

  it('ends a busy session at max-runtime, and the step says the session is gone', async () => {
    const { main } = await runAction({
      inputs: fast.inputs({
        language: 'python',
        // A run above 60 s is a background process polled with calls: never idle.
        timeout: '120',
        code: 'import time\ntime.sleep(100)',
        'max-runtime': '5',
      }),
    });
    const session = fast.sessions().find((s) => s.id === main.outputs['session-id'])!;
    expect(session.lifecycle).toEqual({ unit: 'minutes', timeout: 15, maxRuntime: 5 });
    expect(session.deletedBy).toBe('max-runtime');
    expect(main.code).toBe(1);
    expect(main.outputs.success).toBe('false');
  }, 60_000);
});

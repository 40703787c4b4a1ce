import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/inputs/input-error.ts';
import {
  defaultMaxRuntime,
  readGateway,
  readImage,
  readLifecycle,
  type StepShape,
} from '../../../src/inputs/session-inputs.ts';

const reader =
  (given: Record<string, string>) =>
  (name: string): string =>
    given[name] ?? '';

describe('region-id and endpoint', () => {
  it('the default region and its gateway', () => {
    expect(readGateway(reader({}))).toEqual({
      endpoint: 'https://agentbay.cn-hangzhou.aliyuncs.com',
      regionId: 'cn-hangzhou',
      note: 'Gateway agentbay.cn-hangzhou.aliyuncs.com, region cn-hangzhou (the default).',
      warnings: [],
    });
  });

  it('a known region moves the gateway, silently', () => {
    const gateway = readGateway(reader({ 'region-id': 'us-east-1' }));
    expect(gateway.endpoint).toBe('https://agentbay.us-east-1.aliyuncs.com');
    expect(gateway.regionId).toBe('us-east-1');
    expect(gateway.warnings).toEqual([]);
  });

  it('an unknown well-formed region composes the pattern, with a warning naming the known ones', () => {
    const gateway = readGateway(reader({ 'region-id': 'eu-west-1' }));
    expect(gateway.endpoint).toBe('https://agentbay.eu-west-1.aliyuncs.com');
    expect(gateway.regionId).toBe('eu-west-1');
    expect(gateway.warnings).toEqual([
      expect.stringContaining(
        'region-id "eu-west-1" is not a region this action knows (cn-hangzhou, ap-southeast-1, us-east-1)',
      ),
    ]);
  });

  it.each([
    'Hangzhou',
    'cn-hangzhou.evil.com',
    'cn-hangzhou\n::error::injected',
    `cn-${'x'.repeat(1_000_000)}`,
  ])('a malformed region is an input error, quoted short and on one line: %#', (region) => {
    let error: unknown;
    try {
      readGateway(reader({ 'region-id': region }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Input 'region-id' must be a region id/);
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(400);
  });

  it('the endpoint wins over region-id, and the region is the one its host names', () => {
    const gateway = readGateway(
      reader({ endpoint: 'agentbay.ap-southeast-1.aliyuncs.com', 'region-id': 'us-east-1' }),
    );
    expect(gateway.endpoint).toBe('https://agentbay.ap-southeast-1.aliyuncs.com');
    expect(gateway.regionId).toBe('ap-southeast-1');
    expect(gateway.note).toBe(
      'Gateway agentbay.ap-southeast-1.aliyuncs.com (from the endpoint input), region ap-southeast-1 (named by the host).',
    );
    expect(gateway.warnings).toEqual([expect.stringContaining('the endpoint wins')]);
  });

  it('an endpoint whose host names no region takes region-id, else the default', () => {
    expect(
      readGateway(reader({ endpoint: 'http://127.0.0.1:9', 'region-id': 'us-east-1' })),
    ).toMatchObject({
      endpoint: 'http://127.0.0.1:9',
      regionId: 'us-east-1',
      warnings: [],
    });
    expect(readGateway(reader({ endpoint: 'http://127.0.0.1:9' })).regionId).toBe('cn-hangzhou');
  });
});

describe('image', () => {
  it('defaults to code_latest and takes a custom image', () => {
    expect(readImage(reader({}))).toBe('code_latest');
    expect(readImage(reader({ image: 'imgc-0a1b2c3d4e' }))).toBe('imgc-0a1b2c3d4e');
  });

  it('still takes its older name, image-id, and refuses the two disagreeing', () => {
    expect(readImage(reader({ 'image-id': 'code_latest' }))).toBe('code_latest');
    expect(readImage(reader({ image: 'a', 'image-id': 'a' }))).toBe('a');
    expect(() => readImage(reader({ image: 'a', 'image-id': 'b' }))).toThrow(
      /Input 'image' and its older name 'image-id' name different images/,
    );
  });

  it.each(['x y', 'a\n::error::b', 'a'.repeat(200), '-lead'])('refuses %j', (image) => {
    expect(() => readImage(reader({ image }))).toThrow(/Input 'image' must be an image id/);
  });
});

const plain: StepShape = {
  timeoutS: 60,
  runs: 1,
  setup: false,
  transfers: false,
  outlivesStep: false,
};

describe('idle-timeout and max-runtime', () => {
  it('sends the idle timeout in whole minutes, rounded up', () => {
    expect(readLifecycle(reader({}), plain).policy.idleTimeoutMin).toBe(15);
    expect(readLifecycle(reader({ 'idle-timeout': '181' }), plain).policy.idleTimeoutMin).toBe(4);
    expect(readLifecycle(reader({ 'idle-timeout': '180' }), plain).policy.idleTimeoutMin).toBe(3);
  });

  it('refuses an idle timeout under three minutes', () => {
    expect(() => readLifecycle(reader({ 'idle-timeout': '179' }), plain)).toThrow(
      /Input 'idle-timeout' must be at least 180 seconds/,
    );
  });

  it('derives the ceiling from the step: setup, each run to its timeout, transfers, a margin', () => {
    // ceil((60 + 30) / 60) + 10
    expect(defaultMaxRuntime(plain)).toBe(12);
    // setup 1800 + 3 × (600 + 30) + transfers 600 = 4290 s → 72 min, + 10
    expect(
      defaultMaxRuntime({ ...plain, timeoutS: 600, runs: 3, setup: true, transfers: true }),
    ).toBe(82);
    // never above the job limit
    expect(defaultMaxRuntime({ ...plain, timeoutS: 3600, runs: 50 })).toBe(360);
  });

  it('is the job limit when the session may outlive the step', () => {
    expect(defaultMaxRuntime({ ...plain, outlivesStep: true })).toBe(360);
  });

  it('takes max-runtime in minutes, warning when it is less than the step may need', () => {
    const given = readLifecycle(reader({ 'max-runtime': '5' }), plain);
    expect(given.policy.maxRuntimeMin).toBe(5);
    expect(given.warnings).toEqual([expect.stringContaining('max-runtime 5 is less than')]);
    expect(readLifecycle(reader({ 'max-runtime': '30' }), plain).warnings).toEqual([]);
    expect(() => readLifecycle(reader({ 'max-runtime': '0' }), plain)).toThrow(
      /Input 'max-runtime' must be a whole number of minutes from 1 to 7200/,
    );
  });
});

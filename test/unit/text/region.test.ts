import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REGION,
  KNOWN_REGIONS,
  gatewayOf,
  notLoginHint,
  regionOfHost,
} from '../../../src/text/region.ts';

describe('the gateway of a region, as SDK 0.21 composes it', () => {
  it('is agentbay.cn-hangzhou.aliyuncs.com by default', () => {
    expect(DEFAULT_REGION).toBe('cn-hangzhou');
    expect(gatewayOf('')).toEqual({
      host: 'agentbay.cn-hangzhou.aliyuncs.com',
      region: 'cn-hangzhou',
      known: true,
    });
  });

  it.each([...KNOWN_REGIONS])('%s → agentbay.%s.aliyuncs.com, known', (region) => {
    expect(gatewayOf(region)).toEqual({
      host: `agentbay.${region}.aliyuncs.com`,
      region,
      known: true,
    });
  });

  it('composes the same pattern for a well-formed region it does not know', () => {
    expect(gatewayOf('eu-central-1')).toEqual({
      host: 'agentbay.eu-central-1.aliyuncs.com',
      region: 'eu-central-1',
      known: false,
    });
    expect(gatewayOf('cn-shanghai-finance-1')?.host).toBe(
      'agentbay.cn-shanghai-finance-1.aliyuncs.com',
    );
  });

  it('reaches the pre-release gateways with pre-, sending the bare region', () => {
    expect(gatewayOf('pre-cn-hangzhou')).toEqual({
      host: 'agentbay-pre.cn-hangzhou.aliyuncs.com',
      region: 'cn-hangzhou',
      known: true,
    });
    expect(gatewayOf('pre-ap-southeast-1')?.host).toBe('wuyingai-pre.ap-southeast-1.aliyuncs.com');
  });

  it.each([
    'CN-HANGZHOU',
    'hangzhou',
    'cn_hangzhou',
    'cn-hangzhou.',
    'cn-hangzhou.evil.com',
    'cn-hangzhou/x',
    'cn-hangzhou\n::error::x',
    'cn-hangzhou%0A',
    'cn-hangzhou@evil',
    ' cn-hangzhou',
    'cn--hangzhou',
    'cn-hangzhou-',
    `cn-${'a'.repeat(20)}-${'b'.repeat(20)}-${'c'.repeat(20)}`,
    `cn-${'x'.repeat(100_000)}`,
  ])('refuses the malformed %j: it would be composed into a host name', (region) => {
    expect(gatewayOf(region)).toBeUndefined();
  });
});

describe('the region a host serves', () => {
  it.each([
    ['agentbay.ap-southeast-1.aliyuncs.com', 'ap-southeast-1'],
    ['AgentBay.US-East-1.aliyuncs.com', 'us-east-1'],
    ['wuyingai.cn-shanghai.aliyuncs.com', 'cn-shanghai'],
    ['agentbay-pre.cn-hangzhou.aliyuncs.com', 'cn-hangzhou'],
    ['127.0.0.1', undefined],
    ['agentbay.cn-hangzhou.aliyuncs.com.evil.com', undefined],
    ['agentbay.test', undefined],
  ])('%s → %s', (host, region) => {
    expect(regionOfHost(host)).toBe(region);
  });
});

it('NOT_LOGIN asks whether the key is another region’s and lists the regions', () => {
  expect(notLoginHint('agentbay.us-east-1.aliyuncs.com')).toBe(
    'the key belongs to another region? API keys are bound to a region and work only with its gateway (this call went to agentbay.us-east-1.aliyuncs.com); known regions: cn-hangzhou, ap-southeast-1, us-east-1',
  );
});

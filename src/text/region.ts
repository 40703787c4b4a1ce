// Regions and their gateways, as SDK 0.21 derives them (shared/agentbay-protocol.md §2a): the
// endpoint is `agentbay.<region>.aliyuncs.com`, API keys are bound to a region, and the region
// travels as `LoginRegionId` on every create. Plain data: nothing here knows about GitHub.

/** The regions SDK 0.21 knows, the default first. */
export const KNOWN_REGIONS = ['cn-hangzhou', 'ap-southeast-1', 'us-east-1'] as const;
export const DEFAULT_REGION = KNOWN_REGIONS[0];

/**
 * What a region id looks like (`cn-hangzhou`, `ap-southeast-1`, `cn-shanghai-finance-1`):
 * lower-case words joined by '-', a country or area code first. Anything else cannot name a
 * region, and it would be composed into a host name.
 */
const REGION_SHAPE = /^[a-z]{2}(?:-[a-z0-9]{1,20}){1,4}$/;
const MAX_REGION_CHARS = 63;
/** SDK 0.21's pre-release form: `pre-<region>` reaches that region's pre-release gateway. */
const PRE_RELEASE = 'pre-';

export interface Gateway {
  /** Host name of the gateway (no scheme). */
  host: string;
  /** The region sent as LoginRegionId: the one the gateway serves. */
  region: string;
  /** The region is one of KNOWN_REGIONS. */
  known: boolean;
}

export function isWellFormedRegion(region: string): boolean {
  return region.length <= MAX_REGION_CHARS && REGION_SHAPE.test(region);
}

export function isKnownRegion(region: string): boolean {
  return (KNOWN_REGIONS as readonly string[]).includes(region);
}

/**
 * The gateway of a region id (empty: the default). An unknown but well-formed region composes
 * the same pattern, as SDK 0.21's Go and Python clients do, so a newly opened region works
 * without a release. Returns undefined for a malformed id.
 */
export function gatewayOf(regionId: string): Gateway | undefined {
  const id = regionId || DEFAULT_REGION;
  const pre = id.startsWith(PRE_RELEASE);
  const region = pre ? id.slice(PRE_RELEASE.length) : id;
  if (!isWellFormedRegion(region)) return undefined;
  const host = pre
    ? region === 'ap-southeast-1'
      ? 'wuyingai-pre.ap-southeast-1.aliyuncs.com'
      : `agentbay-pre.${region}.aliyuncs.com`
    : `agentbay.${region}.aliyuncs.com`;
  return { host, region, known: isKnownRegion(region) };
}

/**
 * The region a gateway host serves, when its name says so (`agentbay.<region>.aliyuncs.com`,
 * the older `wuyingai.<region>.aliyuncs.com`, and their `-pre` forms); undefined otherwise.
 */
export function regionOfHost(host: string): string | undefined {
  const match = /^(?:agentbay|wuyingai)(?:-pre)?\.([^.]+)\.aliyuncs\.com$/i.exec(host);
  const region = match?.[1]?.toLowerCase();
  return region && isWellFormedRegion(region) ? region : undefined;
}

/** What to say when the service answers NOT_LOGIN: keys only work in their own region. */
export function notLoginHint(host: string): string {
  return `the key belongs to another region? API keys are bound to a region and work only with its gateway (this call went to ${host}); known regions: ${KNOWN_REGIONS.join(', ')}`;
}

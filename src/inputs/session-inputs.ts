// The inputs that say where a session is created and how long it may live: the gateway and
// region (`region-id`, `endpoint`), the image (`image`, formerly `image-id`) and the lifecycle
// (`idle-timeout`, `max-runtime`). SDK 0.21 derives the gateway from the region and sends the
// lifecycle in minutes (shared/agentbay-protocol.md §2a); README "Sessions: region and lifetime".
import {
  DEFAULT_REGION,
  KNOWN_REGIONS,
  gatewayOf,
  isWellFormedRegion,
  regionOfHost,
} from '../text/region.ts';
import { InputError } from './input-error.ts';
import { parseEndpoint, parseInteger, type InputReader } from './parse.ts';

export const DEFAULT_IMAGE_ID = 'code_latest';
/** The setup script's own limit (SETUP_TIMEOUT_S in sandbox/setup-failed.ts). */
export const SETUP_ALLOWANCE_S = 1800;

/** The create's LifecyclePolicy (agentbay/sessions.ts), in minutes. */
export interface LifecyclePolicy {
  idleTimeoutMin: number;
  maxRuntimeMin: number;
}
/** The service releases idle sessions in whole minutes, 3 at the least (protocol §2a). */
export const MIN_IDLE_TIMEOUT_S = 180;
/** GitHub's limit for a job on a hosted runner: no step's session need outlive it. */
export const JOB_LIMIT_MIN = 360;
/** Five days, the limit of a job on a self-hosted runner. */
export const MAX_RUNTIME_MIN = 7200;
/** Per run: the calls around the code (variables, clearing the interpreter, a code file). */
export const PER_RUN_OVERHEAD_S = 30;
/** upload and download together (each at most 100 MiB). */
export const TRANSFER_ALLOWANCE_S = 600;
/** Creating the session, reporting, and a margin for a slow service. */
export const MARGIN_MIN = 10;

export interface Gateway {
  /** Origin of the gateway (`https://agentbay.cn-hangzhou.aliyuncs.com`). */
  endpoint: string;
  /** Sent as LoginRegionId: the region of that gateway. */
  regionId: string;
  /** One log line: which host and region are used, and why. */
  note: string;
  warnings: string[];
}

const REGION_ACCEPTED = `must be a region id, lower-case words joined by '-' (${KNOWN_REGIONS.join(', ')}, or a newer region)`;

/** A value as it may be quoted in a message: cut short, escaped, on one line. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 63)}…` : value);
}

/**
 * `region-id` picks the gateway, `agentbay.<region>.aliyuncs.com`; `endpoint` overrides it (tests,
 * proxies, pre-release hosts) and then wins over `region-id`. LoginRegionId is always the region of
 * the gateway used: a key is bound to one region.
 */
export function readGateway(read: InputReader): Gateway {
  const regionInput = read('region-id');
  const endpointInput = read('endpoint');
  const pre = regionInput.startsWith('pre-');
  if (regionInput && !isWellFormedRegion(pre ? regionInput.slice(4) : regionInput)) {
    throw new InputError('region-id', `${REGION_ACCEPTED}; got ${quoted(regionInput)}`);
  }
  const warnings: string[] = [];
  if (endpointInput) {
    const endpoint = parseEndpoint(endpointInput);
    const host = new URL(endpoint).host;
    const asked = pre ? regionInput.slice(4) : regionInput;
    const served = regionOfHost(new URL(endpoint).hostname);
    if (asked && served && asked !== served) {
      warnings.push(
        `endpoint ${host} serves region ${served}, and region-id says ${asked}: the endpoint wins, so sessions are created in ${served}.`,
      );
    }
    const regionId = served ?? (asked || DEFAULT_REGION);
    const why = served
      ? 'named by the host'
      : asked
        ? 'from region-id'
        : 'the default; set region-id to the region of this gateway';
    return {
      endpoint,
      regionId,
      note: `Gateway ${host} (from the endpoint input), region ${regionId} (${why}).`,
      warnings,
    };
  }
  const gateway = gatewayOf(regionInput)!;
  if (!gateway.known) {
    warnings.push(
      `region-id ${quoted(gateway.region)} is not a region this action knows (${KNOWN_REGIONS.join(', ')}); its gateway is taken to be ${gateway.host}, by the pattern every region follows. Check the spelling if that host cannot be reached.`,
    );
  }
  return {
    endpoint: `https://${gateway.host}`,
    regionId: gateway.region,
    note: `Gateway ${gateway.host}, region ${gateway.region}${regionInput ? '' : ' (the default)'}.`,
    warnings,
  };
}

/** `image`, or its older name `image-id`; both may be given only when they agree. */
export function readImage(read: InputReader): string {
  const image = read('image');
  const older = read('image-id');
  if (image && older && image !== older) {
    throw new InputError(
      'image',
      `and its older name 'image-id' name different images (${quoted(image)}, ${quoted(older)}); give one of them`,
    );
  }
  const value = image || older;
  const name = image ? 'image' : 'image-id';
  if (value && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(value)) {
    throw new InputError(
      name,
      `must be an image id (code_latest, or a custom image's id such as imgc-0a1b2c3d): up to 128 letters, digits, '.', '_', ':' and '-'; got ${quoted(value)}`,
    );
  }
  return value || DEFAULT_IMAGE_ID;
}

/** What a step does, for the default `max-runtime`. */
export interface StepShape {
  timeoutS: number;
  /** Runs the step's sessions take, skipped ones aside. */
  runs: number;
  setup: boolean;
  /** Files are uploaded or downloaded. */
  transfers: boolean;
  /**
   * The session may be used after this step: it is kept (`cleanup: false`), or the step has an
   * id, so a later step can take its `session-id` output.
   */
  outlivesStep: boolean;
}

/**
 * The default ceiling, in minutes (README "Sessions: region and lifetime"): the worst case of
 * this step (setup to its limit, every run to its timeout one after another, the transfers)
 * with a margin, at most the job limit; the job limit itself when the session outlives the step.
 */
export function defaultMaxRuntime(step: StepShape): number {
  if (step.outlivesStep) return JOB_LIMIT_MIN;
  const seconds =
    (step.setup ? SETUP_ALLOWANCE_S : 0) +
    step.runs * (step.timeoutS + PER_RUN_OVERHEAD_S) +
    (step.transfers ? TRANSFER_ALLOWANCE_S : 0);
  return Math.min(JOB_LIMIT_MIN, Math.ceil(seconds / 60) + MARGIN_MIN);
}

export interface Lifecycle {
  policy: LifecyclePolicy;
  /** `idle-timeout` as given, in seconds (the README speaks of it so). */
  idleTimeoutS: number;
  warnings: string[];
}

/** `idle-timeout` (seconds, rounded up to whole minutes) and `max-runtime` (minutes). */
export function readLifecycle(read: InputReader, step: StepShape): Lifecycle {
  const idleTimeoutS = parseInteger('idle-timeout', read('idle-timeout'), {
    min: 1,
    max: 86_400,
    fallback: 900,
    unit: 'seconds',
  });
  if (idleTimeoutS < MIN_IDLE_TIMEOUT_S) {
    throw new InputError(
      'idle-timeout',
      `must be at least ${MIN_IDLE_TIMEOUT_S} seconds: the service releases idle sessions after whole minutes, 3 at the least; got ${idleTimeoutS}`,
    );
  }
  const derived = defaultMaxRuntime(step);
  const maxRuntimeMin = parseInteger('max-runtime', read('max-runtime'), {
    min: 1,
    max: MAX_RUNTIME_MIN,
    fallback: derived,
    unit: 'minutes',
  });
  const warnings: string[] = [];
  if (read('max-runtime') && maxRuntimeMin < derived && !step.outlivesStep) {
    warnings.push(
      `max-runtime ${maxRuntimeMin} is less than this step may need (${derived} minutes: setup, every run to its timeout, transfers and a margin): the service ends the session at ${maxRuntimeMin} minutes, whatever is running.`,
    );
  }
  return {
    policy: { idleTimeoutMin: Math.ceil(idleTimeoutS / 60), maxRuntimeMin },
    idleTimeoutS,
    warnings,
  };
}

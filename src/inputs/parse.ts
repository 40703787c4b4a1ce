// The value parsers of the inputs: each takes an input's text and returns its typed value, or
// throws an InputError that names the input and what it accepts.
import { InputError } from './input-error.ts';
import {
  ACTION_LABEL_COUNT,
  MAX_USER_LABELS,
  RESERVED_LABEL_PREFIX,
} from '../state/session-labels.ts';

export type SyntaxCheckMode = 'auto' | 'true' | 'false';

/** Reads one input by name, trimmed unless told not to, '' when unset (`core.getInput` fits). */
export type InputReader = (name: string, options?: { trimWhitespace?: boolean }) => string;

/** The shape of the ids the service gives (`session-…`), and nothing that could inject text. */
const SESSION_ID = /^[A-Za-z0-9][\w.:-]{0,127}$/;

export function parseSessionId(value: string, parallel: string): string {
  if (!value) return '';
  if (!SESSION_ID.test(value)) {
    throw new InputError(
      'session-id',
      "must be a session id from an earlier step's session-id output (letters, digits, '.', '_', ':', '-', at most 128 characters)",
    );
  }
  if (parallel !== '' && parallel !== '1') {
    throw new InputError(
      'session-id',
      'runs everything in the one session it names, so parallel must be 1 with it',
    );
  }
  return value;
}

/** The characters @actions/artifact refuses in a name, checked before anything is spent. */
const ARTIFACT_NAME_FORBIDDEN = /[":<>|*?\\/\r\n]/;

export function parseArtifactName(value: string): string {
  if (ARTIFACT_NAME_FORBIDDEN.test(value)) {
    throw new InputError(
      'artifact',
      `must be an artifact name without " : < > | * ? \\ / or line breaks; got '${value}'`,
    );
  }
  if (value.length > 256) throw new InputError('artifact', 'must be at most 256 characters');
  return value;
}

export function parseSyntaxCheck(value: string): SyntaxCheckMode {
  if (value === '' || value.toLowerCase() === 'auto') return 'auto';
  if (TRUE_VALUES.includes(value)) return 'true';
  if (FALSE_VALUES.includes(value)) return 'false';
  throw new InputError(
    'syntax-check',
    `must be auto (check when the runner has the interpreter), true (require the check) or false (skip it); got '${value}'`,
  );
}

export function parseInteger(
  input: string,
  value: string,
  range: {
    min: number;
    max: number;
    fallback: number;
    unit: 'seconds' | 'bytes' | 'sessions' | 'minutes';
  },
): number {
  if (value === '') return range.fallback;
  const accepted = `a whole number of ${range.unit} from ${range.min} to ${range.max}`;
  if (!/^\d+$/.test(value)) throw new InputError(input, `must be ${accepted}; got '${value}'`);
  const n = Number(value);
  if (n < range.min || n > range.max)
    throw new InputError(input, `must be ${accepted}; got '${value}'`);
  return n;
}

/** The spellings `core.getBooleanInput` accepts (YAML 1.2's core schema), and only those. */
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

/** A boolean input by `core.getBooleanInput`'s rules, with a default when it is unset. */
export function parseBoolean(input: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (TRUE_VALUES.includes(value)) return true;
  if (FALSE_VALUES.includes(value)) return false;
  throw new InputError(input, `must be true or false; got '${value}'`);
}

export function parseToken(input: string, value: string): string {
  if (value && !/^[A-Za-z0-9._:-]+$/.test(value)) {
    throw new InputError(
      input,
      `must contain only letters, digits, '.', '_', ':' and '-'; got '${value}'`,
    );
  }
  return value;
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The gateway origin given by `endpoint`. A bare host means https; a full URL is accepted; plain
 * http only to a loopback host, so the key never crosses a network in clear text.
 */
export function parseEndpoint(value: string): string {
  const raw = value;
  const accepted =
    'must be a host name (agentbay.cn-hangzhou.aliyuncs.com) or an https:// URL with no path, query or credentials; http:// is allowed only for loopback hosts';
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `https://${raw}`);
  } catch {
    throw new InputError('endpoint', `${accepted}; got '${raw}'`);
  }
  if (url.username || url.password) {
    throw new InputError('endpoint', `must not carry credentials; ${accepted}`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new InputError('endpoint', `${accepted}; got '${raw}'`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.test(url.hostname)) {
    throw new InputError(
      'endpoint',
      `uses http:// to '${url.hostname}', which is not a loopback host: the API key would cross the network unencrypted; use https://`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('endpoint', `${accepted}; got '${raw}'`);
  }
  return url.origin;
}

/** Extra session labels: a JSON object of strings, or `key=value` lines. */
export function parseLabels(value: string): Record<string, string> {
  if (!value) return {};
  const labels: Record<string, string> = {};
  const accepted = 'must be a JSON object of strings ({"team": "data"}) or key=value lines';
  if (value.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new InputError('labels', `${accepted}; it starts with '{' but is not valid JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InputError('labels', accepted);
    }
    for (const [key, item] of Object.entries(parsed)) {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw new InputError('labels', `${accepted}; the value of '${key}' is not a string`);
      }
      labels[key] = String(item);
    }
  } else {
    for (const [index, line] of value.split(/\r?\n/).entries()) {
      const text = line.trim();
      if (!text || text.startsWith('#')) continue;
      const eq = text.indexOf('=');
      if (eq < 0) throw new InputError('labels', `${accepted}; line ${index + 1} has no '='`);
      labels[text.slice(0, eq).trim()] = text.slice(eq + 1).trim();
    }
  }
  for (const [key, item] of Object.entries(labels)) {
    if (!key) throw new InputError('labels', `${accepted}; a key is empty`);
    if (key.length > 128)
      throw new InputError(
        'labels',
        `keys must be at most 128 characters; '${key.slice(0, 20)}…' is longer`,
      );
    if (!item) throw new InputError('labels', `values must not be empty; '${key}' has no value`);
    if (item.length > 256)
      throw new InputError(
        'labels',
        `values must be at most 256 characters; '${key}' has ${item.length}`,
      );
    if (key.startsWith(RESERVED_LABEL_PREFIX)) {
      throw new InputError(
        'labels',
        `keys starting with '${RESERVED_LABEL_PREFIX}' are reserved for the action; '${key}' is one`,
      );
    }
  }
  if (Object.keys(labels).length > MAX_USER_LABELS) {
    throw new InputError(
      'labels',
      `may hold at most ${MAX_USER_LABELS} labels (the action adds ${ACTION_LABEL_COUNT} of its own)`,
    );
  }
  return labels;
}

// The HTTP connection pool every call goes through, direct or through the runner's proxy.
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

/**
 * Self-hosted runners often reach the internet only through a proxy: honour
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY as the toolkit does. A loopback origin never goes
 * through one: a proxy cannot reach this machine's loopback, and on plain http it would
 * read the key in the body.
 */
export function makeDispatcher(origin: string, connectTimeoutMs: number): Dispatcher {
  const agentOptions = {
    connect: { timeout: connectTimeoutMs },
    keepAliveTimeout: 10_000,
  };
  return isLoopbackOrigin(origin)
    ? new Agent(agentOptions)
    : withoutExperimentalWarning(() => new EnvHttpProxyAgent(agentOptions));
}

/** `localhost`, 127.0.0.0/8 and `::1`: hosts no proxy can reach on our behalf. */
function isLoopbackOrigin(origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * undici 6 (the one copy shared with @actions/http-client) calls EnvHttpProxyAgent
 * experimental and says so on stderr, once, where the runner shows it as noise; it is the
 * same proxy handling undici 7 and 8 ship as stable. Only that warning is held back.
 */
function withoutExperimentalWarning<T>(make: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (
    this: NodeJS.Process,
    warning: string | Error,
    ...rest: unknown[]
  ) {
    const options = rest[0];
    if (typeof options === 'object' && options !== null && 'code' in options) {
      if ((options as { code?: unknown }).code === 'UNDICI-EHPA') return;
    }
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return make();
  } finally {
    process.emitWarning = emitWarning;
  }
}

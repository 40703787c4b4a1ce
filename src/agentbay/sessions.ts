// Session lifecycle calls: create, read (status, labels, lists), keep alive, delete.
import { AgentBayError, isSessionGone } from './errors.ts';
import { toolNames } from './tool-list.ts';
import { identifier, isObject, parseIfText, stringField } from '../text/json.ts';
import { refusalOf } from './refusal.ts';
import type { ApiBody, Transport } from './transport.ts';

export interface CreateSessionParams {
  imageId: string;
  labels: Record<string, string>;
  /** The region the session runs in; SDK 0.21 always sends it (the gateway's region). */
  loginRegionId?: string;
  /** SDK 0.21's LifecyclePolicy: the service releases the session itself (minutes). */
  lifecycle?: LifecyclePolicy;
}

/** SDK 0.21's `LifecyclePolicy`, all values in minutes (protocol §2a). */
export interface LifecyclePolicy {
  /** Idle release: minutes without activity (sent as `Timeout`; the service's minimum is 3). */
  idleTimeoutMin: number;
  /** Hard ceiling: minutes from creation, however busy (sent as `MaxRuntime`). */
  maxRuntimeMin: number;
}

export interface CreatedSession {
  sessionId: string;
  requestId: string;
  /**
   * The tools the create answer lists for the image (`ToolList`), or undefined when it lists
   * none that can be read: then nothing is known and the caller goes on.
   */
  tools?: string[];
}

export interface SessionSummary {
  sessionId: string;
  status: string;
}

/** A hard limit for one call, every attempt included (used when the runner is about to kill us). */
export interface CallLimits {
  timeoutMs?: number;
  retryBudgetMs?: number;
}

/**
 * Session ids are the service's to choose: any text up to this length is taken as it comes
 * (it only ever travels in a form-encoded body), so a session with an unusual id can still be
 * used and deleted. Whoever prints one escapes it (see `printableId`).
 */
const MAX_SESSION_ID_CHARS = 1024;

export async function createSession(
  transport: Transport,
  params: CreateSessionParams,
): Promise<CreatedSession> {
  const body = await transport.call(
    'CreateMcpSession',
    // In the order SDK 0.21's generated client puts them in the form.
    {
      ImageId: params.imageId,
      Timeout: params.lifecycle?.idleTimeoutMin,
      MaxRuntime: params.lifecycle?.maxRuntimeMin,
      Labels: JSON.stringify(params.labels),
      SdkStats: sdkStats(transport.userAgent),
      LoginRegionId: params.loginRegionId || undefined,
    },
    { timeoutMs: transport.callTimeoutMs * 2, retry: 'unsent-only', fieldOrder: 'given' },
  );
  const requestId = identifier(body.RequestId);
  const data = body.Data;
  if (!isObject(data)) {
    throw transport.apiError('CreateMcpSession', 'the response carries no session data', body);
  }
  const refused = refusalOf(data);
  if (refused !== undefined) throw transport.apiError('CreateMcpSession', refused, body);
  const sessionId = sessionIdOf(data.SessionId);
  if (!sessionId) {
    // A session may exist that we cannot name: the caller must look for it by label.
    throw new AgentBayError('the response has no usable SessionId', {
      kind: 'api',
      action: 'CreateMcpSession',
      outcomeUnknown: true,
      requestId: requestId || undefined,
      host: transport.host,
    });
  }
  return { sessionId, requestId, tools: toolNames(data.ToolList) };
}

/**
 * Asks the service to delete the session (asynchronously, as the SDK does) and does not
 * wait. A session that is already gone counts as deleted.
 */
export async function deleteSession(
  transport: Transport,
  sessionId: string,
  limits: CallLimits = {},
): Promise<{ requestId: string; alreadyGone: boolean }> {
  const started = Date.now();
  try {
    return await deleteWith(transport, 'DeleteSessionAsync', sessionId, limits);
  } catch (error) {
    // A gateway without the async call still has the older synchronous one (§8.3), within
    // what is left of the same limits.
    if (error instanceof AgentBayError && error.code === 'InvalidAction.NotFound') {
      const spent = Date.now() - started;
      const rest = (ms: number | undefined) =>
        ms === undefined ? undefined : Math.max(1, ms - spent);
      return deleteWith(transport, 'ReleaseMcpSession', sessionId, {
        timeoutMs: rest(limits.timeoutMs),
        retryBudgetMs: rest(limits.retryBudgetMs),
      });
    }
    throw error;
  }
}

/**
 * Refusals inside an HTTP 200 that say the service failed, not that the delete was wrong. A
 * delete runs no code, so asking again cannot run anything twice.
 */
const PASSING_REFUSALS = new Set([
  'InternalError',
  'ServiceUnavailable',
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
]);
const REFUSED_DELETE_ATTEMPTS = 3;
const REFUSED_DELETE_PAUSE_MS = 300;

async function deleteWith(
  transport: Transport,
  action: 'DeleteSessionAsync' | 'ReleaseMcpSession',
  sessionId: string,
  limits: CallLimits,
): Promise<{ requestId: string; alreadyGone: boolean }> {
  for (let attempt = 1; ; attempt++) {
    let body: ApiBody;
    try {
      body = await transport.call(
        action,
        { SessionId: sessionId },
        {
          timeoutMs: limits.timeoutMs ?? transport.callTimeoutMs,
          retry: 'idempotent',
          retryBudgetMs: limits.retryBudgetMs,
        },
      );
      transport.requireSuccess(action, body);
    } catch (error) {
      if (isSessionGone(error)) {
        return { requestId: (error as AgentBayError).requestId ?? '', alreadyGone: true };
      }
      const passing = error instanceof AgentBayError && PASSING_REFUSALS.has(error.code ?? '');
      if (!passing || attempt >= REFUSED_DELETE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, REFUSED_DELETE_PAUSE_MS * attempt));
      continue;
    }
    return { requestId: identifier(body.RequestId), alreadyGone: false };
  }
}

export async function getSessionStatus(
  transport: Transport,
  sessionId: string,
): Promise<{ status: string; requestId: string }> {
  const body = await transport.call(
    'GetSessionDetail',
    {},
    { query: { SessionId: sessionId }, timeoutMs: transport.callTimeoutMs, retry: 'idempotent' },
  );
  const data = isObject(body.Data) ? body.Data : {};
  return { status: stringField(data, 'Status'), requestId: identifier(body.RequestId) };
}

/** The session's labels (GetLabel), to check whose it is before touching it. */
export async function getLabels(
  transport: Transport,
  sessionId: string,
): Promise<{ labels: Record<string, string>; requestId: string }> {
  const body = await transport.call(
    'GetLabel',
    { SessionId: sessionId },
    { timeoutMs: transport.callTimeoutMs, retry: 'idempotent' },
  );
  const data = isObject(body.Data) ? body.Data : {};
  const parsed = parseIfText(data.Labels);
  const labels: Record<string, string> = {};
  if (isObject(parsed)) {
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string') labels[key] = value;
    }
  }
  return { labels, requestId: identifier(body.RequestId) };
}

export async function listSessions(
  transport: Transport,
  params: { labels: Record<string, string>; maxResults?: number; nextToken?: string },
): Promise<{ sessions: SessionSummary[]; nextToken: string; requestId: string }> {
  const body = await transport.call(
    'ListSession',
    {
      Labels: JSON.stringify(params.labels),
      MaxResults: params.maxResults ?? 10,
      NextToken: params.nextToken || undefined,
    },
    { timeoutMs: transport.callTimeoutMs, retry: 'idempotent' },
  );
  const items = Array.isArray(body.Data) ? body.Data : [];
  const sessions = items.filter(isObject).map((item) => ({
    sessionId: sessionIdOf(item.SessionId),
    status: stringField(item, 'SessionStatus'),
  }));
  return {
    sessions: sessions.filter((s) => s.sessionId),
    nextToken: stringField(body, 'NextToken'),
    requestId: identifier(body.RequestId),
  };
}

/** Every session carrying all of `labels`, walking the pages (bounded, in case of a loop). */
export async function listAllSessions(
  transport: Transport,
  labels: Record<string, string>,
  maxPages = 20,
): Promise<SessionSummary[]> {
  const found: SessionSummary[] = [];
  let nextToken = '';
  for (let page = 0; page < maxPages; page++) {
    const result = await listSessions(transport, { labels, nextToken });
    // Not push(...): a hostile page of a million entries would overflow the call stack.
    for (const session of result.sessions) found.push(session);
    if (!result.nextToken || result.nextToken === nextToken) break;
    nextToken = result.nextToken;
  }
  return found;
}

/** Resets the session's idle-release clock (keep-alive during long waits). */
export async function refreshIdleTime(transport: Transport, sessionId: string): Promise<void> {
  await transport.call(
    'RefreshSessionIdleTime',
    { SessionId: sessionId },
    { timeoutMs: transport.callTimeoutMs, retry: 'idempotent' },
  );
}

/**
 * The SDK's telemetry fields, telling the truth: they name the product in the user agent's
 * first token (`name/version`), not the official SDK this client is not.
 */
function sdkStats(userAgent: string): string {
  const [name = '', version = ''] = (userAgent.split(' ')[0] ?? '').split('/');
  return JSON.stringify({
    source: name,
    sdk_language: 'typescript',
    sdk_version: version,
    is_release: /^\d+\.\d+\.\d+$/.test(version),
    framework: name,
  });
}

/** A session id as the service gave it: any non-empty text of a sane length. */
function sessionIdOf(value: unknown): string {
  return typeof value === 'string' && value.length <= MAX_SESSION_ID_CHARS ? value : '';
}

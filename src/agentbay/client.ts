import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { makeRedactor, type Redactor } from '../text/secrets.ts';
import { AgentBayError, isSessionGone } from './errors.ts';
import { isObject } from './json.ts';
import { flatten, LARGE_TEXT, releaseLargeCopies } from './memory.ts';
import { DEFAULT_RETRY, type RetryOptions, type RetryPolicy, withRetry } from './retry.ts';
import { buildRpcRequest } from './rpc.ts';
import { parseRunCodeData, type CodeRunResult, type Language } from './run-code-result.ts';
import { parseContextStatus, type ContextTask } from './context-status.ts';
import { parseToolData, type ToolOutcome } from './tool-result.ts';

export interface AgentBayClientOptions {
  /** Origin of the gateway, e.g. `https://wuyingai.cn-shanghai.aliyuncs.com`. */
  endpoint: string;
  apiKey: string;
  userAgent: string;
  retry?: Partial<RetryOptions>;
  /** Larger response bodies are refused rather than read into memory. */
  maxResponseBytes?: number;
  connectTimeoutMs?: number;
  /** Deadline for calls other than run_code. */
  callTimeoutMs?: number;
  /** Told about every HTTP exchange (for debug logs); never given the key or the body. */
  onExchange?: (exchange: Exchange) => void;
}

export interface Exchange {
  action: string;
  httpStatus?: number;
  requestId?: string;
  durationMs: number;
  error?: string;
}

export interface CreateSessionParams {
  imageId: string;
  labels: Record<string, string>;
  loginRegionId?: string;
  /** Seconds without activity after which the service releases the session itself. */
  idleReleaseTimeoutS?: number;
}

export interface RunCodeParams {
  code: string;
  language: Language;
  timeoutS: number;
}

export interface SessionSummary {
  sessionId: string;
  status: string;
}

/**
 * Session ids are the service's to choose: any text up to this length is taken as it comes
 * (it only ever travels in a form-encoded body), so a session with an unusual id can still be
 * used and deleted. Whoever prints one escapes it (see `printableId`).
 */
export const MAX_SESSION_ID_CHARS = 1024;

/** Service error texts are headlines; a megabyte of one helps nobody and floods every output. */
export const MAX_SERVICE_MESSAGE_CHARS = 1_000;

export type ApiBody = Record<string, unknown>;

interface CallOptions {
  query?: Record<string, string>;
  /** The SDK sends the key in the query for SyncContext; matched for compatibility. */
  keyInQuery?: boolean;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Overrides the client's total retry budget for this call. */
  retryBudgetMs?: number;
}

/** A hard limit for one call, every attempt included (used when the runner is about to kill us). */
export interface CallLimits {
  timeoutMs?: number;
  retryBudgetMs?: number;
}

/** How far past the code's own timeout we wait for run_code to answer. */
const RUN_CODE_MARGIN_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;
/** Error codes of a connection that was never established: the request cannot have arrived. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

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

/**
 * A direct client for the AgentBay control plane (see shared/agentbay-protocol.md).
 * It knows the wire protocol and nothing about GitHub.
 */
export class AgentBayClient {
  private readonly origin: string;
  private readonly apiKey: string;
  private readonly userAgent: string;
  private readonly retry: RetryOptions;
  private readonly maxResponseBytes: number;
  private readonly callTimeoutMs: number;
  private readonly agent: Dispatcher;
  private readonly onExchange: (exchange: Exchange) => void;
  private readonly redact: Redactor;

  constructor(options: AgentBayClientOptions) {
    this.origin = options.endpoint.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.userAgent = options.userAgent;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.onExchange = options.onExchange ?? (() => undefined);
    this.redact = makeRedactor([options.apiKey]);
    const agentOptions = {
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      keepAliveTimeout: 10_000,
    };
    // Self-hosted runners often reach the internet only through a proxy: honour
    // HTTPS_PROXY / HTTP_PROXY / NO_PROXY as the toolkit does. A loopback origin never goes
    // through one: a proxy cannot reach this machine's loopback, and on plain http it would
    // read the key in the body.
    this.agent = isLoopbackOrigin(this.origin)
      ? new Agent(agentOptions)
      : withoutExperimentalWarning(() => new EnvHttpProxyAgent(agentOptions));
  }

  async createSession(
    params: CreateSessionParams,
  ): Promise<{ sessionId: string; requestId: string }> {
    const body = await this.call(
      'CreateMcpSession',
      {
        ImageId: params.imageId,
        Labels: JSON.stringify(params.labels),
        LoginRegionId: params.loginRegionId || undefined,
        SdkStats: sdkStats(this.userAgent),
        Timeout: params.idleReleaseTimeoutS,
      },
      { timeoutMs: this.callTimeoutMs * 2, retry: 'unsent-only' },
    );
    const requestId = identifier(body.RequestId);
    const data = body.Data;
    if (!isObject(data)) {
      throw this.apiError('CreateMcpSession', 'the response carries no session data', body);
    }
    // A business failure (e.g. no capacity) arrives inside an HTTP 200.
    if (data.Success === false) {
      const reason =
        typeof data.ErrMsg === 'string' && data.ErrMsg ? data.ErrMsg : 'unknown reason';
      throw this.apiError('CreateMcpSession', reason, body);
    }
    const sessionId = sessionIdOf(data.SessionId);
    if (!sessionId) {
      // A session may exist that we cannot name: the caller must look for it by label.
      throw new AgentBayError('the response has no usable SessionId', {
        kind: 'api',
        action: 'CreateMcpSession',
        outcomeUnknown: true,
        requestId: requestId || undefined,
      });
    }
    return { sessionId, requestId };
  }

  async runCode(
    sessionId: string,
    params: RunCodeParams,
  ): Promise<{ result: CodeRunResult; requestId: string }> {
    const body = await this.call(
      'CallMcpTool',
      {
        Args: JSON.stringify({
          code: params.code,
          language: params.language,
          timeout_s: params.timeoutS,
        }),
        AutoGenSession: false,
        Name: 'run_code',
        Server: '',
        SessionId: sessionId,
      },
      { timeoutMs: params.timeoutS * 1000 + RUN_CODE_MARGIN_MS, retry: 'unsent-only' },
    );
    const requestId = identifier(body.RequestId);
    if (body.Data === undefined || body.Data === null || body.Data === '') {
      throw this.apiError('CallMcpTool', 'the response carries no tool result', body);
    }
    // A business failure inside a 200, as for a create: the tool never ran the code.
    let envelope = typeof body.Data === 'string' ? tryParseJson(body.Data) : body.Data;
    if (isObject(envelope) && envelope.Success === false) {
      const reason =
        typeof envelope.ErrMsg === 'string' && envelope.ErrMsg ? envelope.ErrMsg : 'unknown reason';
      throw this.apiError('CallMcpTool', `the tool did not run: ${reason}`, body);
    }
    const result = parseRunCodeData(envelope ?? body.Data);
    if (result.stdout.length + result.stderr.length > LARGE_TEXT) {
      // The envelope (the result's text, encoded once more) goes before stdout is made one
      // string. The pieces stdout was linked from are left to V8: collecting them too cost
      // time and lowered no peak (BENCHMARKS.md).
      body.Data = undefined;
      envelope = undefined;
      releaseLargeCopies();
      flatten(result.stdout);
      flatten(result.stderr);
    }
    return { result, requestId };
  }

  /**
   * Asks the service to delete the session (asynchronously, as the SDK does) and does not
   * wait. A session that is already gone counts as deleted.
   */
  async deleteSession(
    sessionId: string,
    limits: CallLimits = {},
  ): Promise<{ requestId: string; alreadyGone: boolean }> {
    const started = Date.now();
    try {
      return await this.deleteWith('DeleteSessionAsync', sessionId, limits);
    } catch (error) {
      // A gateway without the async call still has the older synchronous one (§8.3), within
      // what is left of the same limits.
      if (error instanceof AgentBayError && error.code === 'InvalidAction.NotFound') {
        const spent = Date.now() - started;
        const rest = (ms: number | undefined) =>
          ms === undefined ? undefined : Math.max(1, ms - spent);
        return this.deleteWith('ReleaseMcpSession', sessionId, {
          timeoutMs: rest(limits.timeoutMs),
          retryBudgetMs: rest(limits.retryBudgetMs),
        });
      }
      throw error;
    }
  }

  private async deleteWith(
    action: 'DeleteSessionAsync' | 'ReleaseMcpSession',
    sessionId: string,
    limits: CallLimits,
  ): Promise<{ requestId: string; alreadyGone: boolean }> {
    let body: ApiBody;
    try {
      body = await this.call(
        action,
        { SessionId: sessionId },
        {
          timeoutMs: limits.timeoutMs ?? this.callTimeoutMs,
          retry: 'idempotent',
          retryBudgetMs: limits.retryBudgetMs,
        },
      );
    } catch (error) {
      if (isSessionGone(error)) {
        return { requestId: (error as AgentBayError).requestId ?? '', alreadyGone: true };
      }
      throw error;
    }
    // For deletes the SDK reads Success:false as a failure even without a Code (§8.1).
    if (body.Success === false) {
      throw this.apiError(action, stringField(body, 'Message') || 'the service refused', body);
    }
    return { requestId: identifier(body.RequestId), alreadyGone: false };
  }

  async getSessionStatus(sessionId: string): Promise<{ status: string; requestId: string }> {
    const body = await this.call(
      'GetSessionDetail',
      {},
      { query: { SessionId: sessionId }, timeoutMs: this.callTimeoutMs, retry: 'idempotent' },
    );
    const data = isObject(body.Data) ? body.Data : {};
    return { status: stringField(data, 'Status'), requestId: identifier(body.RequestId) };
  }

  /** The session's labels (GetLabel), to check whose it is before touching it. */
  async getLabels(
    sessionId: string,
  ): Promise<{ labels: Record<string, string>; requestId: string }> {
    const body = await this.call(
      'GetLabel',
      { SessionId: sessionId },
      { timeoutMs: this.callTimeoutMs, retry: 'idempotent' },
    );
    const data = isObject(body.Data) ? body.Data : {};
    const parsed = typeof data.Labels === 'string' ? tryParseJson(data.Labels) : data.Labels;
    const labels: Record<string, string> = {};
    if (isObject(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === 'string') labels[key] = value;
      }
    }
    return { labels, requestId: identifier(body.RequestId) };
  }

  async listSessions(params: {
    labels: Record<string, string>;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ sessions: SessionSummary[]; nextToken: string; requestId: string }> {
    const body = await this.call(
      'ListSession',
      {
        Labels: JSON.stringify(params.labels),
        MaxResults: params.maxResults ?? 10,
        NextToken: params.nextToken || undefined,
      },
      { timeoutMs: this.callTimeoutMs, retry: 'idempotent' },
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
  async listAllSessions(labels: Record<string, string>, maxPages = 20): Promise<SessionSummary[]> {
    const found: SessionSummary[] = [];
    let nextToken = '';
    for (let page = 0; page < maxPages; page++) {
      const result = await this.listSessions({ labels, nextToken });
      // Not push(...): a hostile page of a million entries would overflow the call stack.
      for (const session of result.sessions) found.push(session);
      if (!result.nextToken || result.nextToken === nextToken) break;
      nextToken = result.nextToken;
    }
    return found;
  }

  /**
   * Calls one MCP tool (shell, the filesystem tools) and answers its text and isError, as the
   * SDK's callMcpTool does. `timeoutMs` bounds the HTTP call; the gateway's own 60 s limit
   * applies on top.
   */
  async callTool(
    sessionId: string,
    tool: { name: string; server: string; args: Record<string, unknown> },
    options: { timeoutMs?: number; retry?: RetryPolicy } = {},
  ): Promise<ToolOutcome & { requestId: string }> {
    const body = await this.call(
      'CallMcpTool',
      {
        Args: JSON.stringify(tool.args),
        AutoGenSession: false,
        Name: tool.name,
        Server: tool.server,
        SessionId: sessionId,
      },
      {
        timeoutMs: options.timeoutMs ?? this.callTimeoutMs,
        retry: options.retry ?? 'unsent-only',
      },
    );
    const outcome = parseToolData(body.Data);
    if (outcome === undefined) {
      throw this.apiError('CallMcpTool', 'the response carries no tool result', body);
    }
    if ('refused' in outcome) throw this.apiError('CallMcpTool', outcome.refused, body);
    return { ...outcome, requestId: identifier(body.RequestId) };
  }

  /** Resets the session's idle-release clock (keep-alive during long waits). */
  async refreshIdleTime(sessionId: string): Promise<void> {
    await this.call(
      'RefreshSessionIdleTime',
      { SessionId: sessionId },
      { timeoutMs: this.callTimeoutMs, retry: 'idempotent' },
    );
  }

  /**
   * The session's server-managed file_transfer context. Sent as a POST form, as the Python and
   * Go SDKs do (the TS SDK's GET would put the key in the URL).
   */
  async getFileTransferContext(
    sessionId: string,
  ): Promise<{ contextId: string; contextPath: string }> {
    const body = await this.call(
      'GetAndLoadInternalContext',
      { 'ContextTypes.1': 'file_transfer', SessionId: sessionId },
      { timeoutMs: this.callTimeoutMs, retry: 'idempotent' },
    );
    const items = Array.isArray(body.Data) ? body.Data.filter(isObject) : [];
    const found = items.find(
      (item) => identifier(item.ContextId) && typeof item.ContextPath === 'string',
    );
    if (!found) {
      throw this.apiError(
        'GetAndLoadInternalContext',
        'the service offers no file_transfer context for this session',
        body,
      );
    }
    return { contextId: identifier(found.ContextId), contextPath: String(found.ContextPath) };
  }

  /** A presigned URL to PUT (upload) or GET (download) one file of a context. */
  async getContextFileUrl(
    direction: 'upload' | 'download',
    contextId: string,
    filePath: string,
  ): Promise<{ url: string; expireTimeS?: number }> {
    const action = direction === 'upload' ? 'GetContextFileUploadUrl' : 'GetContextFileDownloadUrl';
    const body = await this.call(
      action,
      { ContextId: contextId, FilePath: filePath },
      { timeoutMs: this.callTimeoutMs, retry: 'idempotent' },
    );
    const data = isObject(body.Data) ? body.Data : {};
    const url = typeof data.Url === 'string' ? data.Url : '';
    if (!/^https?:\/\//.test(url))
      throw this.apiError(action, 'the response has no valid Url', body);
    const expire = data.ExpireTime;
    return { url, expireTimeS: typeof expire === 'number' ? expire : undefined };
  }

  /** Starts copying between the context and the sandbox (`download` = into the sandbox). */
  async syncContext(
    sessionId: string,
    params: { contextId: string; path: string; mode: 'upload' | 'download' },
  ): Promise<void> {
    const body = await this.call(
      'SyncContext',
      { ContextId: params.contextId, Mode: params.mode, Path: params.path, SessionId: sessionId },
      { timeoutMs: this.callTimeoutMs, retry: 'unsent-only', keyInQuery: true },
    );
    if (body.Success === false) {
      throw this.apiError(
        'SyncContext',
        stringField(body, 'Message') || 'the service refused',
        body,
      );
    }
  }

  /** The context's sync tasks, decoded from the doubly encoded ContextStatus. */
  async getContextInfo(
    sessionId: string,
    filter: { contextId?: string; path?: string; taskType?: 'upload' | 'download' } = {},
  ): Promise<ContextTask[]> {
    const body = await this.call(
      'GetContextInfo',
      {
        ContextId: filter.contextId,
        Path: filter.path,
        SessionId: sessionId,
        TaskType: filter.taskType,
      },
      { timeoutMs: this.callTimeoutMs, retry: 'idempotent' },
    );
    return parseContextStatus(body.Data);
  }

  async deleteContextFile(contextId: string, filePath: string): Promise<void> {
    await this.call(
      'DeleteContextFile',
      { ContextId: contextId, FilePath: filePath },
      { timeoutMs: this.callTimeoutMs, retry: 'idempotent' },
    );
  }

  /**
   * PUT to a presigned URL: the bytes only. No AgentBay header and no Content-Type, which would
   * not be part of the signature.
   */
  async putPresigned(url: string, body: Buffer, timeoutMs = 300_000): Promise<void> {
    const target = new URL(url);
    const response = await this.presignedRequest('PUT', target, timeoutMs, body);
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new AgentBayError(`the presigned upload was refused (HTTP ${response.statusCode})`, {
        kind: 'api',
        action: 'presigned PUT',
        httpStatus: response.statusCode,
      });
    }
  }

  /** GET from a presigned URL, refusing more than `maxBytes`. */
  async getPresigned(url: string, maxBytes: number, timeoutMs = 300_000): Promise<Buffer> {
    const response = await this.presignedRequest('GET', new URL(url), timeoutMs);
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new AgentBayError(`the presigned download was refused (HTTP ${response.statusCode})`, {
        kind: 'api',
        action: 'presigned GET',
        httpStatus: response.statusCode,
      });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        response.body.destroy();
        throw new AgentBayError(`the download is larger than ${maxBytes} bytes`, {
          kind: 'api',
          action: 'presigned GET',
        });
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  }

  private async presignedRequest(
    method: 'PUT' | 'GET',
    target: URL,
    timeoutMs: number,
    body?: Buffer,
  ): Promise<Dispatcher.ResponseData> {
    const action = `presigned ${method}`;
    const started = Date.now();
    try {
      const response = await this.agent.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method,
        headers: { 'user-agent': this.userAgent },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      this.onExchange({
        action,
        httpStatus: response.statusCode,
        durationMs: Date.now() - started,
      });
      return response;
    } catch (error) {
      const failure = this.transportError(action, error, timeoutMs);
      this.onExchange({ action, durationMs: Date.now() - started, error: failure.message });
      throw failure;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Stops at once: in-flight requests are dropped (used when the job is being cancelled). */
  async destroy(): Promise<void> {
    await this.agent.destroy();
  }

  private async call(
    action: string,
    form: Record<string, string | number | boolean | undefined>,
    options: CallOptions,
  ): Promise<ApiBody> {
    const retry =
      options.retryBudgetMs === undefined
        ? this.retry
        : { ...this.retry, totalBudgetMs: options.retryBudgetMs };
    const authorization = `Bearer ${this.apiKey}`;
    const fields = options.keyInQuery ? form : { Authorization: authorization, ...form };
    const query = options.keyInQuery
      ? { ...options.query, Authorization: authorization }
      : options.query;
    return withRetry(options.retry, retry, (_attempt, budgetLeftMs) =>
      this.sendObserved(
        action,
        fields,
        // A retry ends with the budget, whatever its own timeout.
        {
          ...options,
          query,
          timeoutMs: Math.max(1, Math.min(options.timeoutMs, budgetLeftMs)),
        },
      ),
    );
  }

  private async sendObserved(
    action: string,
    form: Record<string, string | number | boolean | undefined>,
    options: CallOptions,
  ): Promise<ApiBody> {
    const started = Date.now();
    try {
      const body = await this.send(action, form, options);
      this.onExchange({
        action,
        httpStatus: 200,
        requestId: identifier(body.RequestId),
        durationMs: Date.now() - started,
      });
      return body;
    } catch (error) {
      const failure = error as AgentBayError;
      this.onExchange({
        action,
        httpStatus: failure.httpStatus,
        requestId: failure.requestId,
        durationMs: Date.now() - started,
        error: failure.message,
      });
      throw error;
    }
  }

  private async send(
    action: string,
    form: Record<string, string | number | boolean | undefined>,
    options: CallOptions,
  ): Promise<ApiBody> {
    const request = buildRpcRequest({
      action,
      form,
      query: options.query,
      userAgent: this.userAgent,
    });
    let response: Dispatcher.ResponseData;
    try {
      response = await this.agent.request({
        origin: this.origin,
        path: request.path,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw this.transportError(action, error, options.timeoutMs);
    }

    let text: string;
    try {
      text = await this.readCapped(action, response);
    } catch (error) {
      if (error instanceof AgentBayError) throw error;
      throw this.transportError(action, error, options.timeoutMs);
    }

    // The raw bytes are garbage now. The text is too once parsed, but a collection right
    // then does not free it (V8 releases a large decoded text later, on its own schedule).
    const large = text.length > LARGE_TEXT;
    if (large) releaseLargeCopies();
    let body: unknown;
    try {
      body = JSON.parse(text);
      if (large) text = '';
    } catch {
      throw new AgentBayError(
        `the response (HTTP ${response.statusCode}) is not valid JSON: ${this.redact(text).slice(0, 200)}`,
        { kind: 'transport', action, httpStatus: response.statusCode, outcomeUnknown: true },
      );
    }
    if (!isObject(body)) {
      throw new AgentBayError('the response is not a JSON object', {
        kind: 'transport',
        action,
        httpStatus: response.statusCode,
        outcomeUnknown: true,
      });
    }
    if (response.statusCode >= 400) {
      const message = stringField(body, 'Message') || stringField(body, 'message');
      throw this.apiError(
        action,
        message || `HTTP ${response.statusCode}`,
        body,
        response.statusCode,
      );
    }
    // The second error channel: HTTP 200 with Success false and a Code.
    if (body.Success === false && (body.Code || body.code)) {
      throw this.apiError(
        action,
        stringField(body, 'Message') || 'the call failed',
        body,
        response.statusCode,
      );
    }
    return body;
  }

  /**
   * Reads the body, refusing one over the size limit. With a declared length the bytes go
   * straight into one buffer, so a large answer is held once rather than twice.
   */
  private async readCapped(action: string, response: Dispatcher.ResponseData): Promise<string> {
    const declared = Number(response.headers['content-length'] ?? NaN);
    const refuse = () => {
      // undici 6 reports a destroyed body as an error event: nobody is listening any more.
      response.body.on('error', () => undefined);
      response.body.destroy();
      return new AgentBayError(
        `the response is larger than the ${Math.round(this.maxResponseBytes / 1024 / 1024)} MiB limit`,
        { kind: 'transport', action, httpStatus: response.statusCode, outcomeUnknown: true },
      );
    };
    if (declared > this.maxResponseBytes) throw refuse();
    const body = response.body as AsyncIterable<Buffer>;
    if (Number.isSafeInteger(declared)) {
      const buffer = Buffer.allocUnsafe(declared);
      let size = 0;
      for await (const chunk of body) {
        // undici enforces the declared length; this only keeps the copy in bounds.
        if (size + chunk.length > declared) throw refuse();
        chunk.copy(buffer, size);
        size += chunk.length;
      }
      return buffer.toString('utf8', 0, size);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > this.maxResponseBytes) throw refuse();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  private apiError(
    action: string,
    message: string,
    body: ApiBody,
    httpStatus?: number,
  ): AgentBayError {
    return new AgentBayError(clip(this.redact(message), MAX_SERVICE_MESSAGE_CHARS), {
      kind: 'api',
      action,
      // A 5xx can come from a gateway in front of a backend that did the work.
      outcomeUnknown: (httpStatus ?? 0) >= 500,
      code: identifier(body.Code) || identifier(body.code) || undefined,
      httpStatus,
      requestId: identifier(body.RequestId) || identifier(body.requestId) || undefined,
    });
  }

  private transportError(action: string, error: unknown, timeoutMs: number): AgentBayError {
    const code = errorCode(error);
    const timedOut =
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
    const notSent = code !== undefined && NOT_SENT_CODES.has(code);
    const detail = timedOut
      ? `no answer within ${timeoutMs < 10_000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`
      : `${error instanceof Error ? error.message : String(error)}${code ? ` [${code}]` : ''}`;
    return new AgentBayError(clip(this.redact(detail), MAX_SERVICE_MESSAGE_CHARS), {
      kind: 'transport',
      action,
      notSent,
      outcomeUnknown: !notSent,
    });
  }
}

function errorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  // Happy-eyeballs connects report an AggregateError of per-address failures.
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  return e.cause ? errorCode(e.cause) : undefined;
}

/**
 * Ids from the service end up in logs, outputs and summaries: anything that is not a plain
 * id (a newline, a `::`, markup) is dropped rather than passed on.
 */
function identifier(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  return typeof text === 'string' && /^[A-Za-z0-9][\w.:-]{0,127}$/.test(text) ? text : '';
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

/** A session id as the service gave it: any non-empty text of a sane length. */
function sessionIdOf(value: unknown): string {
  return typeof value === 'string' && value.length <= MAX_SESSION_ID_CHARS ? value : '';
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

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringField(object: Record<string, unknown>, key: string): string {
  const value = object[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

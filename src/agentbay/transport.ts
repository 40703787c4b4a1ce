// One AgentBay RPC call on the wire (shared/agentbay-protocol.md): the form-encoded POST built
// by rpc.ts, sent over undici with its deadline and retries, its answer read within a size cap,
// and both error channels (HTTP status, `Success: false` with a Code) turned into AgentBayError.
// Every exchange is told to the `onExchange` hook; the key and the bodies never are.
import type { Dispatcher } from 'undici';
import { clip } from '../text/clip.ts';
import { makeRedactor, type Redactor } from '../text/secrets.ts';
import { notLoginHint } from '../text/region.ts';
import { identifier, isObject, stringField } from '../text/json.ts';
import { LARGE_TEXT, releaseLargeCopies } from './memory.ts';
import {
  AgentBayError,
  DEFAULT_RETRY,
  type RetryOptions,
  type RetryPolicy,
  withRetry,
} from './errors.ts';
import { buildRpcRequest } from './rpc.ts';

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

export type ApiBody = Record<string, unknown>;

export type FormFields = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  query?: Record<string, string>;
  /** The SDK sends the key in the query for SyncContext; matched for compatibility. */
  keyInQuery?: boolean;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Overrides the client's total retry budget for this call. */
  retryBudgetMs?: number;
  /** The form's field order (see RpcCall); sorted unless the SDK's own order differs. */
  fieldOrder?: 'sorted' | 'given';
}

/** Service error texts are headlines; a megabyte of one helps nobody and floods every output. */
const MAX_SERVICE_MESSAGE_CHARS = 1_000;
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

export class Transport {
  readonly userAgent: string;
  /** Deadline for calls other than run_code. */
  readonly callTimeoutMs: number;
  /** The gateway's host (with its port, if any), named by every error. */
  readonly host: string;
  private readonly origin: string;
  private readonly apiKey: string;
  private readonly retry: RetryOptions;
  private readonly maxResponseBytes: number;
  private readonly agent: Dispatcher;
  private readonly onExchange: (exchange: Exchange) => void;
  private readonly redact: Redactor;

  /** `agent` is the connection pool (dispatcher.ts's makeDispatcher for the endpoint). */
  constructor(options: AgentBayClientOptions, agent: Dispatcher) {
    this.origin = options.endpoint.replace(/\/+$/, '');
    this.host = hostOf(this.origin);
    this.apiKey = options.apiKey;
    this.userAgent = options.userAgent;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.onExchange = options.onExchange ?? (() => undefined);
    this.redact = makeRedactor([options.apiKey]);
    this.agent = agent;
  }

  /** Sends one action, retried as its policy allows, and answers the parsed body. */
  async call(action: string, form: FormFields, options: CallOptions): Promise<ApiBody> {
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

  /**
   * For deletes and SyncContext the SDK reads `Success: false` as a failure even without a
   * Code (§8.1), which `call` lets through.
   */
  requireSuccess(action: string, body: ApiBody): void {
    if (body.Success === false) {
      throw this.apiError(action, stringField(body, 'Message') || 'the service refused', body);
    }
  }

  /** The error for an answer the service gave, its message redacted and cut to a headline. */
  apiError(action: string, message: string, body: ApiBody, httpStatus?: number): AgentBayError {
    const code = identifier(body.Code) || identifier(body.code) || undefined;
    const headline = clip(this.redact(message), MAX_SERVICE_MESSAGE_CHARS);
    return new AgentBayError(
      code === 'NOT_LOGIN' ? `${headline} (${notLoginHint(this.host)})` : headline,
      {
        kind: 'api',
        action,
        // A 5xx can come from a gateway in front of a backend that did the work.
        outcomeUnknown: (httpStatus ?? 0) >= 500,
        code,
        httpStatus,
        host: this.host,
        requestId: identifier(body.RequestId) || identifier(body.requestId) || undefined,
      },
    );
  }

  /**
   * A request to a presigned URL: the bytes only, with no AgentBay header, no key and no
   * Content-Type (which would not be part of the signature). The caller reads the answer.
   */
  async presignedRequest(
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

  private async sendObserved(
    action: string,
    form: FormFields,
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

  private async send(action: string, form: FormFields, options: CallOptions): Promise<ApiBody> {
    const request = buildRpcRequest({
      action,
      form,
      query: options.query,
      userAgent: this.userAgent,
      fieldOrder: options.fieldOrder,
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
    const body = this.parseBody(action, text, response.statusCode);
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

  /** The answer's JSON object; anything else is an answer we cannot read. */
  private parseBody(action: string, text: string, httpStatus: number): ApiBody {
    // The raw bytes are garbage now. The text is too once parsed, but a collection right
    // then does not free it (V8 releases a large decoded text later, on its own schedule).
    if (text.length > LARGE_TEXT) releaseLargeCopies();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AgentBayError(
        `the response (HTTP ${httpStatus}) is not valid JSON: ${this.redact(text).slice(0, 200)}`,
        { kind: 'transport', action, httpStatus, outcomeUnknown: true, host: this.host },
      );
    }
    if (!isObject(body)) {
      throw new AgentBayError('the response is not a JSON object', {
        kind: 'transport',
        action,
        host: this.host,
        httpStatus,
        outcomeUnknown: true,
      });
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
        {
          kind: 'transport',
          action,
          httpStatus: response.statusCode,
          outcomeUnknown: true,
          host: this.host,
        },
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
      host: this.host,
    });
  }
}

/** `host[:port]` of an origin, or the origin itself when it does not parse. */
function hostOf(origin: string): string {
  try {
    return new URL(origin).host || origin;
  } catch {
    return origin;
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

// The HTTP face of the server: decodes POP requests, records them, checks the key, injects
// faults and writes the JSON envelope. `/__control/*` is handed to the control API unrecorded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { ACTIONS, type ActionCall, type ActionContext } from './actions.ts';
import { ApiError, errorResponse, type ApiResponse } from './envelope.ts';
import type { ControlRequest, ControlResponse } from './control.ts';
import type { FaultPlan } from './faults.ts';
import { OSS_PREFIX } from './file-transfer.ts';
import { handleLink, LINK_PREFIX } from './link-route.ts';
import { handlePresigned } from './presigned.ts';
import { newRequestId } from './ids.ts';
import { stringifyJson } from './json-text.ts';
import { recordRequest } from './record.ts';
import type { RecordedRequest } from './types.ts';

export interface HttpContext extends ActionContext {
  apiKey?: string;
  faults: FaultPlan;
  recorded: RecordedRequest[];
  control(request: ControlRequest): ControlResponse;
  /** The gateway's per-request limit: a longer action is answered 504 (it runs on). */
  gatewayTimeoutMs: number;
}

const CONTROL_PREFIX = '/__control/';
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const DEFAULT_OVERSIZED_BYTES = 5 * 1024 * 1024;
const NOT_LOGIN_MESSAGE = 'You are not logged in or your login token has expired';

export function createRequestListener(
  ctx: HttpContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        send(res, errorResponse(500, 'InternalError', String(error)), hostOf(req));
      }
    });
  };
}

async function handle(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = flatten(parseQuery(queryStart === -1 ? '' : url.slice(queryStart + 1)));
  const method = req.method ?? 'GET';

  if (path.startsWith(OSS_PREFIX)) {
    // Object storage is not the gateway: raw bytes, no envelope, no key (addendum §4.2).
    await handlePresigned(ctx.transfers, ctx.recorded, req, res, { method, path, query });
    return;
  }
  const rawBody = await readBody(req);

  if (path.startsWith(CONTROL_PREFIX)) {
    const response = ctx.control({
      method,
      route: path.slice(CONTROL_PREFIX.length),
      query,
      body: rawBody,
    });
    writeJson(res, response.status, JSON.stringify(response.body));
    return;
  }

  if (path.startsWith(LINK_PREFIX)) {
    // The sandbox's own door (protocol §6.3): JSON in and out, a token instead of the key.
    await handleLink(ctx, ctx.recorded, req, res, { method, path, rawBody });
    return;
  }

  const form = flatten(parseQuery(rawBody));
  const action = query.Action ?? '';
  const record = recordRequest(ctx.recorded, req, { action, method, path, query, form, rawBody });

  let clientGone = false;
  res.once('close', () => {
    if (!res.writableEnded) clientGone = true;
  });
  const host = hostOf(req);
  const reply = (response: ApiResponse, text?: string): void => {
    if (clientGone || res.destroyed) {
      record.clientGone = true;
      return;
    }
    record.status = response.status;
    send(res, response, host, text);
  };
  const act = (overrides: Partial<ActionCall> = {}): Promise<ApiResponse> =>
    withGatewayLimit(
      ctx.gatewayTimeoutMs,
      runAction(
        ctx,
        path,
        action,
        { query, form, origin: `http://${host}`, ...overrides },
        host,
        () => {
          record.acted = true;
        },
      ),
    );

  const applied = ctx.faults.next(action);
  if (!applied) {
    reply(await act());
    return;
  }
  const { rule } = applied;
  record.fault = rule.type;
  record.faultRule = applied.index;

  switch (rule.type) {
    case 'reset-before':
      req.socket.destroy();
      return;
    case 'http-error': {
      // A gateway can fail after the backend acted (a 504 on a create that went through).
      if (rule.act) await act();
      const status = rule.status ?? 500;
      const code = rule.code ?? defaultErrorCode(status);
      reply(errorResponse(status, code, rule.message ?? `Injected ${code}`));
      return;
    }
    case 'success-false':
      reply({
        status: 200,
        body: {
          Success: false,
          Code: rule.code ?? 'InternalError',
          Message: rule.message ?? 'Injected failure',
        },
      });
      return;
    case 'data-success-false':
      reply({
        status: 200,
        body: {
          Success: true,
          Code: 'ok',
          Message: '',
          HttpStatusCode: 200,
          Data: { Success: false, ErrMsg: rule.message ?? 'Injected failure' },
        },
      });
      return;
    case 'delay':
      await sleep(rule.delayMs ?? 1000);
      if (clientGone || req.socket.destroyed) {
        record.clientGone = true;
        // By default a client that gave up gets no session it can never learn about; with
        // `act` the backend finishes anyway, as a real one may.
        if (rule.act) await act();
        return;
      }
      reply(await act());
      return;
    case 'reset-after':
      await act();
      req.socket.destroy();
      return;
    case 'malformed-json': {
      const response = await act();
      const full = stringifyJson(withRequestId(response.body, host));
      reply(response, full.slice(0, Math.max(1, Math.floor(full.length / 2))));
      return;
    }
    case 'session-id':
      reply(await act({ sessionId: rule.sessionId }));
      return;
    case 'ignore-labels':
      // A gateway that drops the filter lists every session of the account.
      reply(await act({ form: { ...form, Labels: '{}' } }));
      return;
    case 'oversized': {
      const response = await act();
      const size = rule.sizeBytes ?? DEFAULT_OVERSIZED_BYTES;
      const current = stringifyJson(withRequestId(response.body, host)).length;
      const padding = 'x'.repeat(Math.max(0, size - current - 16));
      reply({ status: response.status, body: { ...response.body, Padding: padding } });
      return;
    }
  }
}

async function runAction(
  ctx: HttpContext,
  path: string,
  action: string,
  call: ActionCall,
  host: string,
  markActed: () => void,
): Promise<ApiResponse> {
  const handler = path === '/' ? ACTIONS[action] : undefined;
  if (!handler) {
    return errorResponse(400, 'InvalidAction.NotFound', `Specified api is not found: ${action}`);
  }
  if (!authorised(ctx.apiKey, call.form.Authorization ?? call.query.Authorization)) {
    const response = errorResponse(400, 'NOT_LOGIN', NOT_LOGIN_MESSAGE);
    return { status: 400, body: { ...response.body, HostId: host } };
  }
  markActed();
  try {
    return await handler(ctx, call);
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error.status, error.code, error.message);
    throw error;
  }
}

/** `Bearer <key>` with exactly one space; any non-empty key when no key is configured. */
function authorised(apiKey: string | undefined, header: string | undefined): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match?.[1]) return false;
  return apiKey === undefined || apiKey === '' || match[1] === apiKey;
}

/**
 * The gateway gives up on a request after its limit (60 s on the real service, main page
 * §1.6) while the backend carries on; a client that waits longer gets this 504.
 */
async function withGatewayLimit(
  limitMs: number,
  action: Promise<ApiResponse>,
): Promise<ApiResponse> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<ApiResponse>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(
          errorResponse(
            504,
            'GatewayTimeout',
            `The request took longer than the gateway limit of ${limitMs / 1000} s`,
          ),
        ),
      limitMs,
    );
  });
  try {
    return await Promise.race([action, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function defaultErrorCode(status: number): string {
  if (status === 429) return 'Throttling.User';
  if (status === 503) return 'ServiceUnavailable';
  if (status >= 400 && status < 500) return 'InvalidParameter';
  return 'InternalError';
}

function withRequestId(body: Record<string, unknown>, host: string): Record<string, unknown> {
  const out: Record<string, unknown> = { RequestId: newRequestId(), ...body };
  if (out.Success === false && out.HostId === undefined) out.HostId = host;
  return out;
}

function send(res: ServerResponse, response: ApiResponse, host: string, text?: string): void {
  writeJson(res, response.status, text ?? stringifyJson(withRequestId(response.body, host)));
}

function writeJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function hostOf(req: IncomingMessage): string {
  return req.headers.host ?? '';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Repeated keys keep their first value: POP fields are never repeated. */
function flatten(parsed: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[key] = first;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

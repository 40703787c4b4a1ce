// The control API: lets a separate process (a test runner, a local script) inspect the server
// and switch faults and result formats over HTTP. It is not part of the AgentBay protocol.
import { parseFaultRules } from './faults.ts';
import { parseSessionLimit } from './session-limit.ts';
import type { AgentBayServer, ResultFormat } from './types.ts';

export interface ControlRequest {
  method: string;
  /** The path after `/__control/`, e.g. `sessions`. */
  route: string;
  query: Record<string, string>;
  body: string;
}

export interface ControlResponse {
  status: number;
  body: unknown;
}

type Target = Pick<
  AgentBayServer,
  | 'sessions'
  | 'liveSessions'
  | 'requests'
  | 'setFaults'
  | 'setResultFormat'
  | 'setSessionLimit'
  | 'reset'
>;

export function handleControl(target: Target, request: ControlRequest): ControlResponse {
  const { method, route, query } = request;
  try {
    if (method === 'GET' && route === 'sessions') {
      const live = query.live === '1' || query.live === 'true';
      return { status: 200, body: live ? target.liveSessions() : target.sessions() };
    }
    if (method === 'GET' && route === 'requests') return { status: 200, body: target.requests() };
    if (method === 'POST' && route === 'faults') {
      target.setFaults(parseFaultRules(parseJson(request.body, [])));
      return { status: 200, body: { ok: true } };
    }
    if (method === 'POST' && route === 'result-format') {
      target.setResultFormat(parseJson(request.body, {}) as Partial<ResultFormat>);
      return { status: 200, body: { ok: true } };
    }
    if (method === 'POST' && route === 'session-limit') {
      target.setSessionLimit(parseSessionLimit(parseJson(request.body, null)));
      return { status: 200, body: { ok: true } };
    }
    if (method === 'POST' && route === 'reset') {
      target.reset();
      return { status: 200, body: { ok: true } };
    }
    return { status: 404, body: { error: `no control route ${method} /__control/${route}` } };
  } catch (error) {
    return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
  }
}

function parseJson(text: string, empty: unknown): unknown {
  if (text.trim() === '') return empty;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('request body is not valid JSON');
  }
}

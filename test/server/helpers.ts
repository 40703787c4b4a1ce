// Shared helpers: speak the AgentBay wire protocol to a server the way the SDK does.
import { readFileSync } from 'node:fs';
import { stringify } from 'node:querystring';

export const API_KEY = 'akm-TEST-KEY';

export interface Reply {
  status: number;
  text: string;
  // Tests inspect arbitrary JSON shapes.
  body: any;
}

export interface CallOptions {
  query?: Record<string, string>;
  /** The API key to send; null sends no Authorization field. */
  key?: string | null;
}

export async function call(
  url: string,
  action: string,
  form: Record<string, string | number> = {},
  options: CallOptions = {},
): Promise<Reply> {
  const key = options.key === undefined ? API_KEY : options.key;
  const fields = key === null ? form : { Authorization: `Bearer ${key}`, ...form };
  const query = stringify({
    Action: action,
    Format: 'json',
    Version: '2025-05-06',
    Timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    SignatureNonce: crypto.randomUUID().replaceAll('-', ''),
    ...options.query,
  });
  const response = await fetch(`${url}/?${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-acs-version': '2025-05-06',
      'x-acs-action': action,
    },
    body: stringify(fields),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body };
}

export async function createSession(
  url: string,
  form: Record<string, string | number> = {},
): Promise<string> {
  const reply = await call(url, 'CreateMcpSession', { ImageId: 'code_latest', ...form });
  if (reply.status !== 200) throw new Error(`create failed: ${reply.text}`);
  return reply.body.Data.SessionId as string;
}

/** Calls run_code and returns the raw reply (for format tests). */
export function callRunCode(
  url: string,
  sessionId: string,
  args: Record<string, unknown>,
): Promise<Reply> {
  return call(url, 'CallMcpTool', {
    SessionId: sessionId,
    Name: 'run_code',
    Args: JSON.stringify(args),
    AutoGenSession: 'false',
    Server: '',
  });
}

export interface RunPayload {
  executionError: string;
  result: string[];
  stdout: string[];
  stderr: string[];
  executionTime: number;
  executionCount: number;
  traceId: string;
}

/** run_code with the default result format, decoded down to the payload. */
export async function runCode(
  url: string,
  sessionId: string,
  code: string,
  language = 'python',
  timeoutS?: number,
): Promise<RunPayload & { bundles: Record<string, unknown>[] }> {
  const reply = await callRunCode(url, sessionId, { code, language, timeout_s: timeoutS });
  if (reply.status !== 200) throw new Error(`run_code failed: ${reply.text}`);
  const data = reply.body.Data;
  if (data.isError) throw new Error(`run_code tool error: ${data.content[0].text}`);
  const payload = JSON.parse(data.content[0].text) as RunPayload;
  const bundles = payload.result.map((item) => JSON.parse(item) as Record<string, unknown>);
  return { ...payload, bundles };
}

/** The text of a run_code tool error (isError: true, plain text). */
export async function runCodeToolError(
  url: string,
  sessionId: string,
  args: Record<string, unknown>,
): Promise<string> {
  const reply = await callRunCode(url, sessionId, args);
  if (reply.status !== 200 || reply.body.Data.isError !== true) {
    throw new Error(`expected a tool error, got ${reply.text}`);
  }
  return reply.body.Data.content[0].text as string;
}

/** A killed process that nobody has reaped yet (a zombie) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

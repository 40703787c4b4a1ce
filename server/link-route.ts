// The 0.19 SDK's direct route to the sandbox (protocol §6.3), off by default: with `linkRoute`,
// CreateMcpSession answers a LinkUrl and a Token, and `POST <LinkUrl>/callTool` runs a tool with
// no gateway in between (no per-call size limit, no 60 s limit). The real service may not offer
// it for code_latest at all (Unknown); the action does not use it, the live probe tries it.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActionContext } from './actions.ts';
import { callTool } from './tools.ts';
import { recordRequest } from './record.ts';
import type { RecordedRequest } from './types.ts';

export const LINK_PREFIX = '/link/';

/** The tokens of the sessions created while the route is on. */
export class LinkTokens {
  private readonly tokens = new Map<string, string>();

  issue(sessionId: string): string {
    const token = randomBytes(16).toString('hex');
    this.tokens.set(sessionId, token);
    return token;
  }

  matches(sessionId: string, token: string): boolean {
    const expected = this.tokens.get(sessionId);
    return expected !== undefined && expected === token;
  }
}

export function linkUrl(origin: string, sessionId: string): string {
  return `${origin}${LINK_PREFIX}${encodeURIComponent(sessionId)}`;
}

export async function handleLink(
  ctx: ActionContext,
  recorded: RecordedRequest[],
  req: IncomingMessage,
  res: ServerResponse,
  request: { method: string; path: string; rawBody: string },
): Promise<void> {
  const { method, path, rawBody } = request;
  const header = req.headers['x-access-token'];
  const token = Array.isArray(header) ? (header[0] ?? '') : (header ?? '');
  const record = recordRequest(recorded, req, {
    action: '(LinkUrl callTool)',
    method,
    path,
    query: {},
    rawBody,
  });
  const reply = (status: number, body: unknown) => {
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const match = /^\/link\/([^/]+)\/callTool$/.exec(path);
  if (!ctx.linkTokens || method !== 'POST' || !match) {
    reply(404, { code: 'NotFound', message: 'no such route' });
    return;
  }
  const sessionId = decodeURIComponent(match[1]!);
  if (!ctx.linkTokens.matches(sessionId, token)) {
    reply(401, { code: 'InvalidToken', message: 'the access token does not match the session' });
    return;
  }
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(rawBody);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error();
    body = parsed as Record<string, unknown>;
  } catch {
    reply(400, { code: 'InvalidBody', message: 'the body must be a JSON object' });
    return;
  }
  let session;
  try {
    session = ctx.store.requireRunning(sessionId);
  } catch {
    reply(404, { code: 'InvalidMcpSession.NotFound', message: 'the session is gone' });
    return;
  }
  ctx.store.touch(session);
  record.acted = true;
  const data = await callTool(
    ctx,
    session,
    {
      Name: typeof body.tool === 'string' ? body.tool : '',
      Server: typeof body.server === 'string' ? body.server : '',
      Args: JSON.stringify(body.args ?? {}),
    },
    { sizeLimit: false },
  );
  // `data.result` is the MCP result (protocol §6.3), an object here whatever the gateway format.
  const result = typeof data === 'string' ? JSON.parse(data) : data;
  reply(200, { data: { result } });
}

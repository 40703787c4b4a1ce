// Every request the server sees is recorded the same way, whichever door it came through (the
// gateway, the presigned object URLs, the LinkUrl route), for tests to compare with the SDK's.
import type { IncomingMessage } from 'node:http';
import type { RecordedRequest } from './types.ts';

export function recordRequest(
  recorded: RecordedRequest[],
  req: IncomingMessage,
  request: Pick<RecordedRequest, 'action' | 'method' | 'path' | 'query'> &
    Partial<Pick<RecordedRequest, 'form' | 'rawBody' | 'queryOrder'>>,
): RecordedRequest {
  const record: RecordedRequest = {
    form: {},
    rawBody: '',
    queryOrder: Object.keys(request.query),
    ...request,
    headers: flattenHeaders(req),
    receivedAt: Date.now(),
    fault: null,
    faultRule: null,
    acted: false,
    clientGone: false,
    status: null,
  };
  recorded.push(record);
  return record;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

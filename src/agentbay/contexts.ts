// The context calls behind large file transfers (addendum §4): the session's file_transfer
// context, presigned URLs to its files and the requests to them, syncing the context with the
// sandbox, its task list, and deleting a stored file. file-transfer.ts puts them in order.
import { parseContextStatus, type ContextTask } from './context-status.ts';
import { AgentBayError } from './errors.ts';
import { identifier, isObject } from '../text/json.ts';
import type { Transport } from './transport.ts';

export type SyncMode = 'upload' | 'download';

/** How long a presigned PUT or GET may take by default. */
const PRESIGNED_TIMEOUT_MS = 300_000;

/**
 * The session's server-managed file_transfer context. Sent as a POST form, as the Python and
 * Go SDKs do (the TS SDK's GET would put the key in the URL).
 */
export async function getFileTransferContext(
  transport: Transport,
  sessionId: string,
): Promise<{ contextId: string; contextPath: string }> {
  const body = await transport.call(
    'GetAndLoadInternalContext',
    { 'ContextTypes.1': 'file_transfer', SessionId: sessionId },
    { timeoutMs: transport.callTimeoutMs, retry: 'idempotent' },
  );
  const items = Array.isArray(body.Data) ? body.Data.filter(isObject) : [];
  const found = items.find(
    (item) => identifier(item.ContextId) && typeof item.ContextPath === 'string',
  );
  if (!found) {
    throw transport.apiError(
      'GetAndLoadInternalContext',
      'the service offers no file_transfer context for this session',
      body,
    );
  }
  return { contextId: identifier(found.ContextId), contextPath: String(found.ContextPath) };
}

/** A presigned URL to PUT (upload) or GET (download) one file of a context. */
export async function getContextFileUrl(
  transport: Transport,
  direction: SyncMode,
  contextId: string,
  filePath: string,
): Promise<{ url: string; expireTimeS?: number }> {
  const action = direction === 'upload' ? 'GetContextFileUploadUrl' : 'GetContextFileDownloadUrl';
  const body = await transport.call(
    action,
    { ContextId: contextId, FilePath: filePath },
    { timeoutMs: transport.callTimeoutMs, retry: 'idempotent' },
  );
  const data = isObject(body.Data) ? body.Data : {};
  const url = typeof data.Url === 'string' ? data.Url : '';
  if (!/^https?:\/\//.test(url))
    throw transport.apiError(action, 'the response has no valid Url', body);
  const expire = data.ExpireTime;
  return { url, expireTimeS: typeof expire === 'number' ? expire : undefined };
}

/** Starts copying between the context and the sandbox (`download` = into the sandbox). */
export async function syncContext(
  transport: Transport,
  sessionId: string,
  params: { contextId: string; path: string; mode: SyncMode },
): Promise<void> {
  const body = await transport.call(
    'SyncContext',
    { ContextId: params.contextId, Mode: params.mode, Path: params.path, SessionId: sessionId },
    { timeoutMs: transport.callTimeoutMs, retry: 'unsent-only', keyInQuery: true },
  );
  transport.requireSuccess('SyncContext', body);
}

/** The context's sync tasks, decoded from the doubly encoded ContextStatus. */
export async function getContextInfo(
  transport: Transport,
  sessionId: string,
  filter: { contextId?: string; path?: string; taskType?: SyncMode } = {},
): Promise<ContextTask[]> {
  const body = await transport.call(
    'GetContextInfo',
    {
      ContextId: filter.contextId,
      Path: filter.path,
      SessionId: sessionId,
      TaskType: filter.taskType,
    },
    { timeoutMs: transport.callTimeoutMs, retry: 'idempotent' },
  );
  return parseContextStatus(body.Data);
}

export async function deleteContextFile(
  transport: Transport,
  contextId: string,
  filePath: string,
): Promise<void> {
  await transport.call(
    'DeleteContextFile',
    { ContextId: contextId, FilePath: filePath },
    { timeoutMs: transport.callTimeoutMs, retry: 'idempotent' },
  );
}

/** PUT to a presigned URL: the bytes only (see Transport.presignedRequest). */
export async function putPresigned(
  transport: Transport,
  url: string,
  body: Buffer,
  timeoutMs = PRESIGNED_TIMEOUT_MS,
): Promise<void> {
  const response = await transport.presignedRequest('PUT', new URL(url), timeoutMs, body);
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
export async function getPresigned(
  transport: Transport,
  url: string,
  maxBytes: number,
  timeoutMs = PRESIGNED_TIMEOUT_MS,
): Promise<Buffer> {
  const response = await transport.presignedRequest('GET', new URL(url), timeoutMs);
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

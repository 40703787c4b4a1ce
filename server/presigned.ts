// The object-storage side of file_transfer: PUT and GET on presigned URLs. Bodies stream to and
// from disk (tens of MB are normal here); requests are recorded like the gateway's, under the
// fixture's names `(presigned OSS PUT)` / `(presigned OSS GET)`, with no body.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FileTransferStore } from './file-transfer.ts';
import { recordRequest } from './record.ts';
import type { RecordedRequest } from './types.ts';

/** The largest object accepted (the real maximum is Unknown, addendum §8). */
const MAX_OBJECT_BYTES = 1024 * 1024 * 1024;

export async function handlePresigned(
  transfers: FileTransferStore,
  recorded: RecordedRequest[],
  req: IncomingMessage,
  res: ServerResponse,
  request: { method: string; path: string; query: Record<string, string> },
): Promise<void> {
  const { method, path, query } = request;
  const record = recordRequest(recorded, req, {
    action: `(presigned OSS ${method})`,
    method,
    path,
    query,
  });
  const answer = (status: number, text = ''): void => {
    record.status = status;
    res.writeHead(status, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  if (method !== 'PUT' && method !== 'GET') {
    req.resume();
    answer(405, '<Error><Code>MethodNotAllowed</Code></Error>');
    return;
  }
  const access = transfers.authorise(method, path, query);
  if ('status' in access) {
    req.resume();
    answer(access.status, `<Error><Code>${access.message}</Code></Error>`);
    return;
  }
  record.acted = true;
  if (method === 'PUT') {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_OBJECT_BYTES) {
      req.resume();
      answer(400, '<Error><Code>EntityTooLarge</Code></Error>');
      return;
    }
    await mkdir(dirname(access.file), { recursive: true });
    const partial = `${access.file}.part-${process.hrtime.bigint()}`;
    try {
      await pipeline(req, createWriteStream(partial));
      await rename(partial, access.file);
    } catch {
      await rm(partial, { force: true });
      record.clientGone = true;
      if (!res.destroyed) answer(400, '<Error><Code>IncompleteBody</Code></Error>');
      return;
    }
    record.status = 200;
    res.writeHead(200, { etag: `"${Date.now().toString(16)}"`, 'content-length': 0 });
    res.end();
    return;
  }
  const info = await stat(access.file).catch(() => undefined);
  if (!info?.isFile()) {
    answer(404, '<Error><Code>NoSuchKey</Code></Error>');
    return;
  }
  record.status = 200;
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': info.size,
  });
  await pipeline(createReadStream(access.file), res).catch(() => {
    record.clientGone = true;
  });
}

// The file_transfer context (addendum §4): a per-session context whose files live in a local
// stand-in for OSS, reached through presigned URLs on this server (`/__oss/…`), and copied to
// or from the sandbox's /tmp/file-transfer/ by SyncContext tasks.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FILE_TRANSFER_DIR, hostPath } from './sandbox-paths.ts';
import type { Session } from './sessions.ts';
import { randomAlnum } from './ids.ts';

export const OSS_PREFIX = '/__oss/';
/** Presigned URLs "expire in 1 hour by default". */
export const URL_LIFETIME_S = 3600;

export type TaskType = 'upload' | 'download';

export interface ContextTask {
  contextId: string;
  path: string;
  errorMessage: string;
  status: 'Running' | 'Success' | 'Failed';
  startTime: number;
  finishTime: number;
  taskType: TaskType;
}

interface TransferContext {
  id: string;
  sessionId: string;
}

export class FileTransferStore {
  private readonly root: string;
  private readonly secret = randomBytes(32);
  private readonly contexts = new Map<string, TransferContext>();
  private readonly bySession = new Map<string, TransferContext>();
  private readonly tasks = new Map<string, ContextTask[]>();
  /** How long a SyncContext task stays `Running` before it copies (tests set it). */
  taskDelayMs = 0;

  constructor(root: string) {
    this.root = root;
  }

  /** The session's file_transfer context, created on first use. */
  contextFor(session: Session): { ContextId: string; ContextPath: string; ContextType: string } {
    let context = this.bySession.get(session.id);
    if (!context) {
      context = { id: `ctx-ft-${randomAlnum(12)}`, sessionId: session.id };
      this.contexts.set(context.id, context);
      this.bySession.set(session.id, context);
    }
    return {
      ContextId: context.id,
      ContextPath: `${FILE_TRANSFER_DIR}/`,
      ContextType: 'file_transfer',
    };
  }

  hasContext(contextId: string): boolean {
    return this.contexts.has(contextId);
  }

  /** A presigned URL (path and query) for one object of a context. */
  presign(origin: string, contextId: string, filePath: string, method: 'PUT' | 'GET'): string {
    const expires = Math.floor(Date.now() / 1000) + URL_LIFETIME_S;
    const path = `${OSS_PREFIX}${encodeURIComponent(contextId)}${encodeObjectPath(filePath)}`;
    const signature = this.sign(method, path, expires);
    return `${origin}${path}?Expires=${expires}&OSSAccessKeyId=local&Signature=${encodeURIComponent(signature)}`;
  }

  /** The object file a presigned request may touch, or why not. */
  authorise(
    method: string,
    path: string,
    query: Record<string, string>,
  ): { file: string } | { status: number; message: string } {
    const expires = Number(query.Expires);
    const given = Buffer.from(query.Signature ?? '');
    const expected = Buffer.from(this.sign(method, path, expires));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { status: 403, message: 'SignatureDoesNotMatch' };
    }
    if (!(expires * 1000 > Date.now()))
      return { status: 403, message: 'AccessDenied: Request has expired' };
    const rest = path.slice(OSS_PREFIX.length);
    const slash = rest.indexOf('/');
    const contextId = decodeURIComponent(rest.slice(0, slash));
    const objectPath = rest.slice(slash).split('/').map(decodeURIComponent).join('/');
    if (!this.contexts.has(contextId)) return { status: 404, message: 'NoSuchBucket' };
    return { file: this.objectFile(contextId, objectPath) };
  }

  async deleteObject(contextId: string, filePath: string): Promise<void> {
    await rm(this.objectFile(contextId, filePath), { force: true });
  }

  /** SyncContext: starts a copy task between the context store and the sandbox. */
  sync(session: Session, contextId: string, path: string, mode: TaskType): Promise<void> {
    const task: ContextTask = {
      contextId,
      path,
      errorMessage: '',
      status: 'Running',
      startTime: Math.floor(Date.now() / 1000),
      finishTime: 0,
      taskType: mode,
    };
    const list = this.tasks.get(session.id) ?? [];
    list.push(task);
    this.tasks.set(session.id, list);
    const object = this.objectFile(contextId, path);
    const sandboxFile = hostPath(session.dirs, path);
    const [from, to] = mode === 'download' ? [object, sandboxFile] : [sandboxFile, object];
    const run = async (): Promise<void> => {
      try {
        const info = await stat(from);
        if (!info.isFile()) throw new Error(`not a regular file: ${path}`);
        await mkdir(dirname(to), { recursive: true });
        await copyFile(from, to);
        task.status = 'Success';
      } catch (error) {
        task.status = 'Failed';
        task.errorMessage =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `file not found: ${path}`
            : String((error as Error).message ?? error);
      }
      task.finishTime = Math.floor(Date.now() / 1000);
    };
    // Without a delay the copy is done before SyncContext answers (the recorded SDK runs saw
    // Success at the first poll); with one, the task is visibly Running first.
    if (this.taskDelayMs === 0) return run();
    setTimeout(() => void run(), this.taskDelayMs).unref();
    return Promise.resolve();
  }

  /** GetContextInfo: the session's tasks, filtered as asked. */
  tasksOf(
    sessionId: string,
    filter: { contextId?: string; path?: string; taskType?: string },
  ): ContextTask[] {
    return (this.tasks.get(sessionId) ?? []).filter(
      (t) =>
        (!filter.contextId || t.contextId === filter.contextId) &&
        (!filter.path || t.path === filter.path) &&
        (!filter.taskType || t.taskType === filter.taskType),
    );
  }

  /** Forgets a session's context, tasks and stored objects. */
  async end(sessionId: string): Promise<void> {
    const context = this.bySession.get(sessionId);
    this.tasks.delete(sessionId);
    if (!context) return;
    this.bySession.delete(sessionId);
    this.contexts.delete(context.id);
    await rm(join(this.root, context.id), { recursive: true, force: true });
  }

  private objectFile(contextId: string, filePath: string): string {
    // Object keys are hashed: no `..` or over-long name can escape the context's directory.
    const key = createHash('sha256').update(filePath).digest('hex');
    return join(this.root, contextId, key);
  }

  private sign(method: string, path: string, expires: number): string {
    return createHmac('sha256', this.secret)
      .update(`${method}\n${path}\n${expires}`)
      .digest('base64');
  }
}

function encodeObjectPath(filePath: string): string {
  const absolute = filePath.startsWith('/') ? filePath : `/${filePath}`;
  return absolute.split('/').map(encodeURIComponent).join('/');
}

// Large files through the session's file_transfer context (addendum §4.3): a presigned PUT or
// GET plus SyncContext, polled with GetContextInfo, and the stored copy deleted afterwards.
import { taskState, type ContextTask } from './context-status.ts';

/** The context calls a transfer makes (AgentBayClient has them): named here, not the client. */
export interface ContextCalls {
  getFileTransferContext(sessionId: string): Promise<{ contextId: string; contextPath: string }>;
  getContextFileUrl(
    direction: 'upload' | 'download',
    contextId: string,
    filePath: string,
  ): Promise<{ url: string; expireTimeS?: number }>;
  syncContext(
    sessionId: string,
    params: { contextId: string; path: string; mode: 'upload' | 'download' },
  ): Promise<void>;
  getContextInfo(
    sessionId: string,
    filter?: { contextId?: string; path?: string; taskType?: 'upload' | 'download' },
  ): Promise<ContextTask[]>;
  deleteContextFile(contextId: string, filePath: string): Promise<void>;
  putPresigned(url: string, body: Buffer, timeoutMs?: number): Promise<void>;
  getPresigned(url: string, maxBytes: number, timeoutMs?: number): Promise<Buffer>;
}

export interface TransferTiming {
  /** How long to wait for a sync task (the SDK's waitForTask uses 30 s). */
  taskTimeoutMs: number;
  /** Polling interval of GetContextInfo. */
  pollMs: number;
}

const DEFAULT_TIMING: TransferTiming = { taskTimeoutMs: 120_000, pollMs: 500 };
/** No poll comes sooner than this after the last, whatever the caller asked. */
export const MIN_TRANSFER_POLL_MS = 10;

export class FileTransfer {
  private readonly client: ContextCalls;
  private readonly sessionId: string;
  private readonly timing: TransferTiming;
  private context?: Promise<{ contextId: string; contextPath: string }>;
  /** API calls made, presigned requests included (for the transfer benchmark). */
  calls = 0;

  constructor(client: ContextCalls, sessionId: string, timing: Partial<TransferTiming> = {}) {
    this.client = client;
    this.sessionId = sessionId;
    // Key by key: `{pollMs: undefined}` spread over the defaults made a NaN deadline and a 0 ms
    // sleep, a poll loop that never slept and never gave up.
    const given = (ms: number | undefined, fallback: number) =>
      ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : fallback;
    this.timing = {
      taskTimeoutMs: given(timing.taskTimeoutMs, DEFAULT_TIMING.taskTimeoutMs),
      pollMs: Math.max(MIN_TRANSFER_POLL_MS, given(timing.pollMs, DEFAULT_TIMING.pollMs)),
    };
  }

  /** The directory in the sandbox that transfers go through (`/tmp/file-transfer/`). */
  async directory(): Promise<string> {
    return (await this.ensureContext()).contextPath.replace(/\/+$/, '');
  }

  /** Puts `bytes` at `remotePath` (which must lie under directory()). */
  async upload(bytes: Buffer, remotePath: string): Promise<void> {
    const { contextId } = await this.ensureContext();
    this.calls++;
    const { url } = await this.client.getContextFileUrl('upload', contextId, remotePath);
    this.calls++;
    await this.client.putPresigned(url, bytes);
    this.calls++;
    await this.client.syncContext(this.sessionId, {
      contextId,
      path: remotePath,
      mode: 'download',
    });
    try {
      await this.waitFor(contextId, remotePath, 'download');
    } finally {
      await this.forget(contextId, remotePath);
    }
  }

  /** The bytes of `remotePath` (under directory()), at most `maxBytes`. */
  async download(remotePath: string, maxBytes: number): Promise<Buffer> {
    const { contextId } = await this.ensureContext();
    this.calls++;
    await this.client.syncContext(this.sessionId, { contextId, path: remotePath, mode: 'upload' });
    try {
      await this.waitFor(contextId, remotePath, 'upload');
      this.calls++;
      const { url } = await this.client.getContextFileUrl('download', contextId, remotePath);
      this.calls++;
      return await this.client.getPresigned(url, maxBytes);
    } finally {
      await this.forget(contextId, remotePath);
    }
  }

  private ensureContext(): Promise<{ contextId: string; contextPath: string }> {
    if (!this.context) {
      this.calls++;
      this.context = this.client.getFileTransferContext(this.sessionId);
      // A failed look-up may be retried by the next transfer.
      this.context.catch(() => {
        this.context = undefined;
      });
    }
    return this.context;
  }

  /**
   * Polls as the SDK does (addendum §4.3): first until no task of the path is pending (sync's
   * own poll, no TaskType), then for the task of this direction (waitForTask, with TaskType).
   */
  private async waitFor(
    contextId: string,
    path: string,
    taskType: 'upload' | 'download',
  ): Promise<void> {
    const deadline = Date.now() + this.timing.taskTimeoutMs;
    const poll = async (withType: boolean): Promise<ContextTask | undefined> => {
      this.calls++;
      const tasks = await this.client.getContextInfo(this.sessionId, {
        contextId,
        path,
        taskType: withType ? taskType : undefined,
      });
      return tasks.find((t) => t.path === path && (!t.taskType || t.taskType === taskType));
    };
    for (const withType of [false, true]) {
      for (;;) {
        const task = await poll(withType);
        // Without TaskType an empty list means "nothing left to sync", as for the SDK.
        const state = task ? taskState(task) : withType ? 'pending' : 'done';
        if (state === 'failed') {
          throw new Error(
            `the ${taskType} of ${path} failed: ${task?.errorMessage || task?.status}`,
          );
        }
        if (state === 'done') break;
        if (Date.now() + this.timing.pollMs > deadline) {
          throw new Error(
            `the ${taskType} of ${path} did not finish within ${Math.round(this.timing.taskTimeoutMs / 1000)} s`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, this.timing.pollMs));
      }
    }
  }

  /** The stored copy is not needed once the transfer is over; a failure here is not one. */
  private async forget(contextId: string, path: string): Promise<void> {
    this.calls++;
    await this.client.deleteContextFile(contextId, path).catch(() => undefined);
  }
}

// The AgentBay control plane as one object (see shared/agentbay-protocol.md). It knows the
// wire protocol and nothing about GitHub. The calls live by idea in sessions.ts, tools.ts and
// contexts.ts, all sent through one Transport (transport.ts); this class only holds them.
import type { ContextTask } from './context-status.ts';
import * as contexts from './contexts.ts';
import { makeDispatcher } from './dispatcher.ts';
import type { ContextCalls } from './file-transfer.ts';
import type { RetryPolicy } from './errors.ts';
import type { CodeRunResult } from '../runs/result.ts';
import * as sessions from './sessions.ts';
import type {
  CallLimits,
  CreatedSession,
  CreateSessionParams,
  SessionSummary,
} from './sessions.ts';
import * as tools from './tools.ts';
import type { ToolCall, ToolCaller, ToolOutcome } from './tool-caller.ts';
import type { RunCodeParams } from './tools.ts';
import { Transport, type AgentBayClientOptions } from './transport.ts';

export type { AgentBayClientOptions, Exchange } from './transport.ts';
export type {
  CallLimits,
  CreatedSession,
  CreateSessionParams,
  LifecyclePolicy,
  SessionSummary,
} from './sessions.ts';
export type { RunCodeParams } from './tools.ts';

export class AgentBayClient implements ToolCaller, ContextCalls {
  private readonly transport: Transport;

  constructor(options: AgentBayClientOptions) {
    const agent = makeDispatcher(options.endpoint, options.connectTimeoutMs ?? 10_000);
    this.transport = new Transport(options, agent);
  }

  /** Creates a session; the answer says which tools its image offers, when it says. */
  createSession(params: CreateSessionParams): Promise<CreatedSession> {
    return sessions.createSession(this.transport, params);
  }

  runCode(
    sessionId: string,
    params: RunCodeParams,
  ): Promise<{ result: CodeRunResult; requestId: string }> {
    return tools.runCode(this.transport, sessionId, params);
  }

  /**
   * Asks the service to delete the session (asynchronously, as the SDK does) and does not
   * wait. A session that is already gone counts as deleted.
   */
  deleteSession(
    sessionId: string,
    limits: CallLimits = {},
  ): Promise<{ requestId: string; alreadyGone: boolean }> {
    return sessions.deleteSession(this.transport, sessionId, limits);
  }

  getSessionStatus(sessionId: string): Promise<{ status: string; requestId: string }> {
    return sessions.getSessionStatus(this.transport, sessionId);
  }

  /** The session's labels (GetLabel), to check whose it is before touching it. */
  getLabels(sessionId: string): Promise<{ labels: Record<string, string>; requestId: string }> {
    return sessions.getLabels(this.transport, sessionId);
  }

  listSessions(params: {
    labels: Record<string, string>;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ sessions: SessionSummary[]; nextToken: string; requestId: string }> {
    return sessions.listSessions(this.transport, params);
  }

  /** Every session carrying all of `labels`, walking the pages (bounded, in case of a loop). */
  listAllSessions(labels: Record<string, string>, maxPages = 20): Promise<SessionSummary[]> {
    return sessions.listAllSessions(this.transport, labels, maxPages);
  }

  /** One MCP tool call (shell, the filesystem tools): its text and isError, as the SDK reads them. */
  callTool(
    sessionId: string,
    tool: ToolCall,
    options: { timeoutMs?: number; retry?: RetryPolicy } = {},
  ): Promise<ToolOutcome> {
    return tools.callTool(this.transport, sessionId, tool, options);
  }

  /** Resets the session's idle-release clock (keep-alive during long waits). */
  refreshIdleTime(sessionId: string): Promise<void> {
    return sessions.refreshIdleTime(this.transport, sessionId);
  }

  getFileTransferContext(sessionId: string): Promise<{ contextId: string; contextPath: string }> {
    return contexts.getFileTransferContext(this.transport, sessionId);
  }

  getContextFileUrl(
    direction: 'upload' | 'download',
    contextId: string,
    filePath: string,
  ): Promise<{ url: string; expireTimeS?: number }> {
    return contexts.getContextFileUrl(this.transport, direction, contextId, filePath);
  }

  /** Starts copying between the context and the sandbox (`download` = into the sandbox). */
  syncContext(
    sessionId: string,
    params: { contextId: string; path: string; mode: 'upload' | 'download' },
  ): Promise<void> {
    return contexts.syncContext(this.transport, sessionId, params);
  }

  getContextInfo(
    sessionId: string,
    filter: { contextId?: string; path?: string; taskType?: 'upload' | 'download' } = {},
  ): Promise<ContextTask[]> {
    return contexts.getContextInfo(this.transport, sessionId, filter);
  }

  deleteContextFile(contextId: string, filePath: string): Promise<void> {
    return contexts.deleteContextFile(this.transport, contextId, filePath);
  }

  putPresigned(url: string, body: Buffer, timeoutMs?: number): Promise<void> {
    return contexts.putPresigned(this.transport, url, body, timeoutMs);
  }

  /** GET from a presigned URL, refusing more than `maxBytes`. */
  getPresigned(url: string, maxBytes: number, timeoutMs?: number): Promise<Buffer> {
    return contexts.getPresigned(this.transport, url, maxBytes, timeoutMs);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /** Stops at once: in-flight requests are dropped (used when the job is being cancelled). */
  destroy(): Promise<void> {
    return this.transport.destroy();
  }
}

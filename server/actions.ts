// The AgentBay actions: each turns the decoded query + form into a success body or an ApiError.
import { ApiError, ok, type ApiResponse } from './envelope.ts';
import { parseLabels } from './labels.ts';
import type { FileTransferStore, TaskType } from './file-transfer.ts';
import type { KernelPool } from './kernels.ts';
import type { Lifecycle, Session, SessionStore } from './sessions.ts';
import { linkUrl, type LinkTokens } from './link-route.ts';
import { quotaRefusal } from './session-limit.ts';
import { callTool, toolListFor } from './tools.ts';
import type { ResultFormat, SessionLimit, ToolListAnswer } from './types.ts';

export interface ActionContext {
  store: SessionStore;
  kernels: KernelPool;
  transfers: FileTransferStore;
  resultFormat(): ResultFormat;
  limits: { maxToolMessageBytes: number };
  /** Set when the LinkUrl route is on (`linkRoute`): the tokens it has issued. */
  linkTokens?: LinkTokens;
  sessionLimit(): SessionLimit | undefined;
  /** What create answers as ToolList, when a test has set it (see setToolList). */
  toolList(): ToolListAnswer | undefined;
}

export interface ActionCall {
  query: Record<string, string>;
  form: Record<string, string>;
  /** `http://host:port` as the client addressed us (for presigned URLs). */
  origin: string;
  /** CreateMcpSession: use this id instead of a generated one (the `session-id` fault). */
  sessionId?: string;
}

type Handler = (ctx: ActionContext, call: ActionCall) => Promise<ApiResponse>;

const DEFAULT_IMAGE = 'linux_latest';
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

export const ACTIONS: Record<string, Handler> = {
  async CreateMcpSession(ctx, { form, sessionId, origin }) {
    const { store, sessionLimit, linkTokens } = ctx;
    const labels = parseLabels(form.Labels);
    const limit = sessionLimit();
    // Checked and counted synchronously with create's registration, so concurrent creates
    // cannot overshoot the limit.
    if (limit && store.existingCount() >= limit.max) return quotaRefusal(limit);
    const session = await store.create({
      id: sessionId,
      imageId: form.ImageId || DEFAULT_IMAGE,
      labels,
      lifecycle: parseLifecycle(form),
      loginRegionId: form.LoginRegionId || undefined,
    });
    return ok({
      Data: {
        ...withToolList(ctx, session.imageId),
        SessionId: session.id,
        Success: true,
        ErrMsg: '',
        ResourceUrl: '',
        AppInstanceId: session.appInstanceId,
        ResourceId: session.resourceId,
        LinkUrl: linkTokens ? linkUrl(origin, session.id) : '',
        Token: linkTokens ? linkTokens.issue(session.id) : '',
        HttpPort: '',
        NetworkInterfaceIp: '',
        VpcResource: false,
      },
    });
  },

  async CallMcpTool(ctx, { form }) {
    const session = ctx.store.requireRunning(form.SessionId);
    ctx.store.touch(session);
    return ok({ Data: await callTool(ctx, session, form) });
  },

  async RefreshSessionIdleTime({ store }, { form }) {
    const session = store.requireRunning(form.SessionId);
    store.touch(session);
    return ok();
  },

  // The TS SDK sends this one as GET with every field in the query; Python and Go POST a form.
  async GetAndLoadInternalContext({ store, transfers }, call) {
    const fields = { ...call.query, ...call.form };
    const session = store.requireRunning(fields.SessionId);
    store.touch(session);
    const types = Object.entries(fields)
      .filter(([key]) => /^ContextTypes\.\d+$/.test(key))
      .map(([, value]) => value);
    if (types.length > 0 && !types.includes('file_transfer')) return ok({ Data: [] });
    return ok({ Data: [transfers.contextFor(session)] });
  },

  async GetContextFileUploadUrl({ transfers }, { form, origin }) {
    const { contextId, filePath } = contextFile(transfers, form);
    return ok({
      Data: { Url: transfers.presign(origin, contextId, filePath, 'PUT'), ExpireTime: 3600 },
    });
  },

  async GetContextFileDownloadUrl({ transfers }, { form, origin }) {
    const { contextId, filePath } = contextFile(transfers, form);
    return ok({
      Data: { Url: transfers.presign(origin, contextId, filePath, 'GET'), ExpireTime: 3600 },
    });
  },

  async DeleteContextFile({ transfers }, { form }) {
    const { contextId, filePath } = contextFile(transfers, form);
    await transfers.deleteObject(contextId, filePath);
    return ok();
  },

  async SyncContext({ store, transfers }, { form }) {
    const session = store.requireRunning(form.SessionId);
    store.touch(session);
    const { ContextId: contextId, Path: path, Mode: mode } = form;
    if (!contextId && !path) return ok(); // delete(syncContext): nothing bound, nothing to do
    if (!contextId || !path) {
      throw new ApiError('InvalidParameter', 'ContextId and Path must be given together');
    }
    if (!transfers.hasContext(contextId)) {
      throw new ApiError('InvalidParameter.ContextId', `context not found: ${contextId}`);
    }
    if (mode !== 'upload' && mode !== 'download') {
      throw new ApiError('InvalidParameter.Mode', 'Mode must be upload or download');
    }
    await transfers.sync(session, contextId, path, mode as TaskType);
    return ok();
  },

  async GetContextInfo({ store, transfers }, { form }) {
    const session = store.requireRunning(form.SessionId);
    store.touch(session);
    const tasks = transfers.tasksOf(session.id, {
      contextId: form.ContextId,
      path: form.Path,
      taskType: form.TaskType,
    });
    // A JSON string holding [{type:'data', data:<JSON string of the task array>}] (§4.4).
    const status = JSON.stringify([{ type: 'data', data: JSON.stringify(tasks) }]);
    return ok({ Data: { ContextStatus: status } });
  },

  async DeleteSessionAsync({ store }, { form }) {
    const session = store.requireExisting(form.SessionId);
    // A second request while the first is still in progress is accepted and changes nothing.
    store.deleteAsync(session, 'DeleteSessionAsync');
    return ok();
  },

  async ReleaseMcpSession({ store }, { form }) {
    const session = store.requireExisting(form.SessionId);
    await store.release(session, session.deletedBy ?? 'ReleaseMcpSession');
    return ok();
  },

  async GetSessionDetail({ store }, { query }) {
    // The SDK sends SessionId in the query string for this action only (protocol §8.2).
    const session = store.requireExisting(query.SessionId);
    store.touch(session);
    return ok({
      Data: {
        Aliuid: '',
        ApikeyId: '',
        AppInstanceGroupId: '',
        AppInstanceId: session.appInstanceId,
        AppUserId: '',
        BizType: '',
        EndReason: '',
        // The SDK's model types `Id` as a number (a row id), not the session id.
        Id: session.seq,
        ImageId: session.imageId,
        ImageType: '',
        IsDeleted: 0,
        PolicyId: '',
        RegionId: session.loginRegionId ?? '',
        ResourceConfigId: '',
        Status: session.status,
      },
    });
  },

  async GetSession(ctx, { form }) {
    const { store } = ctx;
    const session = store.requireExisting(form.SessionId);
    store.touch(session);
    return ok({ Data: sessionData(ctx, session) });
  },

  async ListSession({ store }, { form }) {
    const maxResults = Math.min(
      parseOptionalInt(form.MaxResults, 'MaxResults', 1) ?? DEFAULT_PAGE_SIZE,
      MAX_PAGE_SIZE,
    );
    const page = store.list({
      filter: parseLabels(form.Labels),
      status: form.Status || undefined,
      maxResults,
      nextToken: form.NextToken || undefined,
    });
    return ok({
      Data: page.sessions.map((s) => ({ SessionId: s.id, SessionStatus: s.status })),
      NextToken: page.nextToken,
      MaxResults: maxResults,
      TotalCount: page.totalCount,
    });
  },

  async GetLabel({ store }, { form }) {
    const session = store.requireRunning(form.SessionId);
    store.touch(session);
    return ok({ Data: { Labels: JSON.stringify(session.labels) } });
  },

  async SetLabel({ store }, { form }) {
    const session = store.requireRunning(form.SessionId);
    store.touch(session);
    session.labels = parseLabels(form.Labels);
    return ok();
  },
};

function sessionData(ctx: ActionContext, session: Session): Record<string, unknown> {
  return {
    ...withToolList(ctx, session.imageId),
    SessionId: session.id,
    Status: session.status,
    ResourceUrl: '',
    AppInstanceId: session.appInstanceId,
    ResourceId: session.resourceId,
    Success: true,
    HttpPort: '',
    NetworkInterfaceIp: '',
    Token: '',
    VpcResource: false,
    contexts: [],
  };
}

function contextFile(
  transfers: FileTransferStore,
  form: Record<string, string>,
): { contextId: string; filePath: string } {
  const contextId = form.ContextId ?? '';
  const filePath = form.FilePath ?? '';
  if (!transfers.hasContext(contextId)) {
    throw new ApiError('InvalidParameter.ContextId', `context not found: ${contextId}`);
  }
  if (!filePath.startsWith('/')) {
    throw new ApiError('InvalidParameter.FilePath', 'FilePath must be an absolute path');
  }
  return { contextId, filePath };
}

/** The ToolList field for a session on this image, or what a test made it (absent, odd). */
function withToolList(ctx: ActionContext, imageId: string): Record<string, unknown> {
  const answer = ctx.toolList();
  if (answer === undefined) return { ToolList: toolListFor(imageId) };
  return 'omit' in answer ? {} : { ToolList: answer.value };
}

/**
 * `MaxRuntime` present: SDK 0.21's LifecyclePolicy, `Timeout` and `MaxRuntime` in minutes.
 * `Timeout` alone: the older idle release, in seconds (protocol §2a).
 */
function parseLifecycle(form: Record<string, string>): Lifecycle | undefined {
  const maxRuntime = parseOptionalInt(form.MaxRuntime, 'MaxRuntime', 1);
  if (maxRuntime !== undefined) {
    // The service's minimum idle release is 3 minutes.
    return { unit: 'minutes', maxRuntime, timeout: parseOptionalInt(form.Timeout, 'Timeout', 3) };
  }
  const timeout = parseOptionalInt(form.Timeout, 'Timeout', 1);
  return timeout === undefined ? undefined : { unit: 'seconds', timeout };
}

function parseOptionalInt(raw: string | undefined, field: string, min: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ApiError(`InvalidParameter.${field}`, `${field} must be an integer >= ${min}`);
  }
  return value;
}

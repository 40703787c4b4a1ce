// The AgentBay actions: each turns the decoded query + form into a success body or an ApiError.
import { ApiError, ok, type ApiResponse } from './envelope.ts';
import { parseLabels } from './labels.ts';
import { toolErrorData } from './result-format.ts';
import { callRunCode, RUN_CODE_TOOL } from './run-code-tool.ts';
import type { Session, SessionStore } from './sessions.ts';
import { quotaRefusal } from './session-limit.ts';
import type { ResultFormat, SessionLimit } from './types.ts';

export interface ActionContext {
  store: SessionStore;
  resultFormat(): ResultFormat;
  sessionLimit(): SessionLimit | undefined;
}

export interface ActionCall {
  query: Record<string, string>;
  form: Record<string, string>;
  /** CreateMcpSession: use this id instead of a generated one (the `session-id` fault). */
  sessionId?: string;
}

type Handler = (ctx: ActionContext, call: ActionCall) => Promise<ApiResponse>;

const DEFAULT_IMAGE = 'linux_latest';
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;
const TOOL_LIST = JSON.stringify([RUN_CODE_TOOL]);

export const ACTIONS: Record<string, Handler> = {
  async CreateMcpSession({ store, sessionLimit }, { form, sessionId }) {
    const labels = parseLabels(form.Labels);
    const limit = sessionLimit();
    // Checked and counted synchronously with create's registration, so concurrent creates
    // cannot overshoot the limit.
    if (limit && store.existingCount() >= limit.max) return quotaRefusal(limit);
    const session = await store.create({
      id: sessionId,
      imageId: form.ImageId || DEFAULT_IMAGE,
      labels,
      idleTimeoutS: parseOptionalInt(form.Timeout, 'Timeout', 1),
      loginRegionId: form.LoginRegionId || undefined,
    });
    return ok({
      Data: {
        SessionId: session.id,
        Success: true,
        ErrMsg: '',
        ResourceUrl: '',
        AppInstanceId: session.appInstanceId,
        ResourceId: session.resourceId,
        LinkUrl: '',
        Token: '',
        ToolList: TOOL_LIST,
        HttpPort: '',
        NetworkInterfaceIp: '',
        VpcResource: false,
      },
    });
  },

  async CallMcpTool(ctx, { form }) {
    const session = ctx.store.requireRunning(form.SessionId);
    ctx.store.touch(session);
    const format = ctx.resultFormat();
    // `Tool` exists in the request model as an apparent alias of `Name` (protocol §6.1).
    const name = form.Name || form.Tool || '';
    const data =
      name === RUN_CODE_TOOL.name
        ? await callRunCode(ctx.store, session, form.Args, format)
        : toolErrorData(`tool not found: ${name}`, format);
    return ok({ Data: data });
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

  async GetSession({ store }, { form }) {
    const session = store.requireExisting(form.SessionId);
    store.touch(session);
    return ok({ Data: sessionData(session) });
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

function sessionData(session: Session): Record<string, unknown> {
  return {
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
    ToolList: TOOL_LIST,
    contexts: [],
  };
}

function parseOptionalInt(raw: string | undefined, field: string, min: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ApiError(`InvalidParameter.${field}`, `${field} must be an integer >= ${min}`);
  }
  return value;
}

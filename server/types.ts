// Public types of the local AgentBay-compatible server. Tests and scripts import them from here.
import type { DiskLimits } from './disk-limits.ts';

export type { DiskLimits } from './disk-limits.ts';

export type SessionStatus = 'RUNNING' | 'DELETING' | 'DELETED';

export interface SessionView {
  id: string;
  status: SessionStatus;
  labels: Record<string, string>;
  imageId: string;
  createdAt: number;
  /** The idle release asked for, in seconds whatever unit it was sent in. */
  idleTimeoutS?: number;
  /** `Timeout`/`MaxRuntime` as sent, and their unit (minutes when MaxRuntime was sent). */
  lifecycle?: { unit: 'minutes' | 'seconds'; timeout?: number; maxRuntime?: number };
  loginRegionId?: string;
  /** What ended the session: the API action name, 'idle-timeout', 'max-runtime' or 'server-close'. */
  deletedBy?: string;
  runCount: number;
}

export type FaultType =
  | 'http-error'
  | 'success-false'
  | 'delay'
  | 'reset-before'
  | 'reset-after'
  | 'malformed-json'
  | 'oversized'
  | 'data-success-false'
  | 'session-id'
  | 'ignore-labels';

export interface FaultRule {
  /** Action name, e.g. 'CreateMcpSession', or '*' for every action. */
  action: string;
  /** 1-based index of the matching call this applies to (counted per rule); default: every call. */
  nth?: number;
  /** How many matching calls it applies to (default unlimited; with nth, 1). */
  times?: number;
  type: FaultType;
  /** http-error: the HTTP status, e.g. 500, 503, 429, 400. */
  status?: number;
  /** http-error / success-false: the POP error code. */
  code?: string;
  message?: string;
  /** delay: wait this long before acting. */
  delayMs?: number;
  /** session-id: the id CreateMcpSession gives the new session instead of a generated one. */
  sessionId?: string;
  /** oversized: approximate size of the (valid JSON) body. */
  sizeBytes?: number;
  /**
   * http-error: act before answering with the error (the backend did the work, the gateway
   * failed). delay: act even when the client has gone away meanwhile.
   */
  act?: boolean;
}

/** How a create refused by the concurrent-session limit is answered (see session-limit.ts). */
export type QuotaAnswer = 'data-success-false' | 'success-false' | 'http-error';

export interface SessionLimit {
  /** Sessions that may exist at once (RUNNING or DELETING); a create past it is refused. */
  max: number;
  /** Default 'data-success-false': HTTP 200 with Data.Success false and Data.ErrMsg. */
  answer?: QuotaAnswer;
  /** http-error: the HTTP status (default 400). */
  status?: number;
  /** success-false / http-error: the error code (default QuotaExceeded.ConcurrentSession). */
  code?: string;
  message?: string;
}

export type ToolListAnswer = { omit: true } | { value: unknown };

export interface ResultFormat {
  /** Data sent as a JSON string instead of an object. */
  dataAsString: boolean;
  /** Payload JSON; JSON string of the JSON string; or plain text = stdout+stderr joined. */
  encoding: 'json' | 'double' | 'legacy-text';
  /** result[] items as JSON strings or objects. */
  itemsAs: 'strings' | 'objects';
  /** isMainResult/executionTime/executionCount vs is_main_result/execution_time/execution_count. */
  keyStyle: 'camel' | 'snake';
  /** On code failure: isError:false + executionError, or isError:true + '' (details in stderr). */
  errorStyle: 'executionError' | 'isError';
  /** Whether content[0].type = 'text' is present. */
  includeType: boolean;
  /**
   * The shell's answer: the wrapped JSON result (code_latest), or the command's stdout as it
   * is, as SDK 0.21 says other images (imgc-*) answer.
   */
  shellAnswer: 'wrapped' | 'raw';
}

export interface RecordedRequest {
  action: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  form: Record<string, string>;
  rawBody: string;
  queryOrder: string[];
  /** Milliseconds since the epoch when the request arrived. */
  receivedAt: number;
  /** The fault injected into this request, if any. */
  fault: FaultType | null;
  /** Index in the fault rule list of the rule that applied. */
  faultRule: number | null;
  /** Whether the action itself ran (a session was created, code executed, ...). */
  acted: boolean;
  /** Whether the client had gone away before the server could act or respond. */
  clientGone: boolean;
  /** HTTP status sent, or null when no response was written (socket destroyed). */
  status: number | null;
}

export interface AgentBayServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** Kills running interpreters, removes work dirs, closes sockets. */
  close(): Promise<void>;
  /** Every session ever created, including deleted ones. */
  sessions(): SessionView[];
  /** Sessions that are not deleted/released. */
  liveSessions(): SessionView[];
  /** Every protocol request received, in order (control API calls are not recorded). */
  requests(): RecordedRequest[];
  setFaults(rules: FaultRule[]): void;
  /** Sets the format to the defaults overridden by `format` (not merged with earlier calls). */
  setResultFormat(format: Partial<ResultFormat>): void;
  /** How long SyncContext tasks stay `Running` before they copy (default 0). */
  setTransferTaskDelay(ms: number): void;
  /** Sets (or with undefined lifts) the concurrent-session limit. */
  setSessionLimit(limit: SessionLimit | undefined): void;
  /**
   * What CreateMcpSession answers as `ToolList` (and GetSession too): undefined for the image's
   * own tools, `{ omit: true }` for no ToolList field, `{ value }` for exactly that value.
   */
  setToolList(answer: ToolListAnswer | undefined): void;
  /** Clears faults and the result format back to defaults (keeps sessions, requests and the limit). */
  reset(): void;
}

export interface ServerOptions {
  host?: string;
  port?: number;
  /** When set, only `Bearer <apiKey>` is accepted; otherwise any non-empty key is. */
  apiKey?: string;
  /** How long DeleteSessionAsync leaves a session in DELETING (default 50 ms). */
  deleteDelayMs?: number;
  /** Concurrent-session limit (default none); `setSessionLimit` changes it later. */
  maxSessions?: number;
  /** Parent directory for per-session work dirs (default: a fresh dir under os.tmpdir()). */
  workRoot?: string;
  /** The gateway's per-request limit; longer actions are answered 504 (default 60 000). */
  gatewayTimeoutMs?: number;
  /**
   * How long a minute of a session's lifecycle (`Timeout`, `MaxRuntime`) lasts here, in ms
   * (default 60 000): tests shorten it to see an idle release or a ceiling without waiting.
   */
  minuteMs?: number;
  /** The per-call size limit of a tool message, in bytes (default 64 512, the MQTT limit). */
  maxToolMessageBytes?: number;
  /**
   * Answer CreateMcpSession with a LinkUrl and Token and serve `<LinkUrl>/callTool`, the 0.19
   * SDK's direct route (default off: whether code_latest offers it is Unknown).
   */
  linkRoute?: boolean;
  /**
   * The Python interpreter of the sessions' kernels (default AGENTBAY_LOCAL_PYTHON, else the
   * first of /usr/bin/python3 and python3 that has IPython, else python3 with the stand-in).
   */
  python?: string;
  /**
   * What a session's processes may write: `maxFileBytes` per file (default 1 GiB, RLIMIT_FSIZE),
   * `maxSessionBytes` for the session's directory (default 4 GiB, measured every
   * `checkIntervalMs`, default 2000; past it everything the session runs is killed).
   */
  diskLimits?: Partial<DiskLimits>;
}

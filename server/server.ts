// Assembles the local AgentBay-compatible server: session store, fault plan, result format,
// request log and the HTTP listener, and owns their shutdown.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleControl } from './control.ts';
import { DEFAULT_DISK_LIMITS } from './disk-limits.ts';
import { FaultPlan } from './faults.ts';
import { FileTransferStore } from './file-transfer.ts';
import { KernelPool } from './kernels.ts';
import { DEFAULT_MAX_TOOL_MESSAGE_BYTES } from './tools.ts';
import { createRequestListener } from './http.ts';
import { DEFAULT_RESULT_FORMAT, resolveResultFormat } from './result-format.ts';
import { LinkTokens } from './link-route.ts';
import { parseSessionLimit } from './session-limit.ts';
import { SessionStore } from './sessions.ts';
import type {
  AgentBayServer,
  FaultRule,
  RecordedRequest,
  ResultFormat,
  ServerOptions,
  SessionLimit,
  ToolListAnswer,
} from './types.ts';

export type * from './types.ts';

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function startServer(options: ServerOptions = {}): Promise<AgentBayServer> {
  const host = options.host ?? '127.0.0.1';
  // Our own temp dir is removed on close; a caller's workRoot is kept (only session dirs go).
  const ownRoot = options.workRoot === undefined;
  const root = ownRoot
    ? await mkdtemp(join(tmpdir(), 'agentbay-local-'))
    : await mkdir(options.workRoot!, { recursive: true }).then(() => options.workRoot!);

  const store = new SessionStore(
    root,
    options.deleteDelayMs ?? 50,
    {
      ...DEFAULT_DISK_LIMITS,
      ...definedOnly(options.diskLimits ?? {}),
    },
    options.minuteMs,
  );
  const kernels = new KernelPool(store, options.python ?? process.env.AGENTBAY_LOCAL_PYTHON);
  void kernels.announce();
  const transfers = new FileTransferStore(join(root, '__oss'));
  store.onSessionEnd((session) => transfers.end(session.id));
  const faults = new FaultPlan();
  const recorded: RecordedRequest[] = [];
  let format: ResultFormat = { ...DEFAULT_RESULT_FORMAT };
  let toolList: ToolListAnswer | undefined;
  let limit: SessionLimit | undefined =
    options.maxSessions === undefined ? undefined : { max: options.maxSessions };

  const api: Omit<AgentBayServer, 'url' | 'port' | 'close'> = {
    sessions: () => store.views(),
    liveSessions: () => store.views().filter((s) => s.status !== 'DELETED'),
    requests: () => structuredClone(recorded),
    setFaults: (rules: FaultRule[]) => faults.set(rules),
    setResultFormat: (partial: Partial<ResultFormat>) => {
      format = resolveResultFormat(partial);
    },
    setToolList: (answer: ToolListAnswer | undefined) => {
      toolList = answer;
    },
    setTransferTaskDelay: (ms: number) => {
      transfers.taskDelayMs = ms;
    },
    setSessionLimit: (next: SessionLimit | undefined) => {
      limit = next === undefined ? undefined : parseSessionLimit(next);
    },
    reset: () => {
      faults.clear();
      transfers.taskDelayMs = 0;
      format = { ...DEFAULT_RESULT_FORMAT };
      toolList = undefined;
    },
  };

  const http = createServer(
    createRequestListener({
      store,
      kernels,
      transfers,
      limits: {
        maxToolMessageBytes: options.maxToolMessageBytes ?? DEFAULT_MAX_TOOL_MESSAGE_BYTES,
      },
      linkTokens: options.linkRoute ? new LinkTokens() : undefined,
      gatewayTimeoutMs: options.gatewayTimeoutMs ?? 60_000,
      apiKey: options.apiKey,
      faults,
      recorded,
      resultFormat: () => format,
      toolList: () => toolList,
      sessionLimit: () => limit,
      control: (request) => handleControl(api, request),
    }),
  );
  // run_code calls may legitimately take as long as their timeout_s.
  http.requestTimeout = 0;
  http.headersTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await store.closeAll();
      await closed;
      if (ownRoot) await rm(root, { recursive: true, force: true });
    })();
    return closing;
  };

  return { url: `http://${urlHost}:${port}`, port, close, ...api };
}

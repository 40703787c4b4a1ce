/* eslint-disable @typescript-eslint/no-explicit-any -- the probe reads answers whose shape it is there to find out */
// The first run against the real service, made to count: every API action and tool the action
// uses, once each, against AGENTBAY_API_KEY's gateway, with a redacted report of each answer's
// shape (field names and types, error codes, timings, limits hit) that answers the protocol
// pages' Unknowns where it can. It never leaves a session behind: the session is deleted in a
// `finally`, on SIGINT/SIGTERM too, and a label search catches a create that answered late.
//
//   AGENTBAY_API_KEY=… [AGENTBAY_REGION_ID=…] [AGENTBAY_ENDPOINT=host] npm run live-probe [-- report.json]
//   The gateway is the region's, agentbay.<region>.aliyuncs.com (default cn-hangzhou), as SDK 0.21
//   derives it; AGENTBAY_ENDPOINT overrides it. The report says which region answered.
//   AGENTBAY_PROBE_IDLE_S=N also checks that a session left idle is released after N s (it waits).
//   AGENTBAY_PROBE_GATEWAY_S=N also sends a call that outlives an N-second gateway limit (60).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { buildRpcRequest } from '../src/agentbay/rpc.ts';
import { readGateway } from '../src/inputs/session-inputs.ts';
import { findErrorLocation } from '../src/runs/error-location.ts';
import { runFromFileCode } from '../src/sandbox/code-file.ts';
import { makeRedactor } from '../src/text/secrets.ts';

const apiKey = (process.env.AGENTBAY_API_KEY ?? '').trim();
if (!apiKey) {
  console.error('AGENTBAY_API_KEY is not set: the live probe needs a key.');
  process.exit(2);
}
// The action's own reading: region-id picks the gateway, an endpoint overrides it.
const {
  endpoint: origin,
  regionId,
  note: gatewayNote,
} = readGateway(
  (name) =>
    (name === 'region-id'
      ? process.env.AGENTBAY_REGION_ID
      : name === 'endpoint'
        ? process.env.AGENTBAY_ENDPOINT
        : '') ?? '',
);
console.log(gatewayNote);
const reportPath = process.argv[2] ?? 'live-probe-report.json';
let redact = makeRedactor([apiKey]);
const probeLabel = `probe-${randomBytes(8).toString('hex')}`;

interface Probe {
  step: string;
  ms: number;
  httpStatus?: number;
  code?: string;
  shape?: unknown;
  /** What the answer tells about an Unknown of the protocol pages. */
  finding?: Record<string, unknown>;
  error?: string;
}
const probes: Probe[] = [];

/** Field names and types; values only where they are codes, flags or small numbers. */
function shape(value: unknown, depth = 0): unknown {
  if (depth > 6) return '…';
  if (value === null) return 'null';
  if (Array.isArray(value))
    return value.length === 0 ? [] : [shape(value[0], depth + 1), `×${value.length}`];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        [
          'Code',
          'Success',
          'HttpStatusCode',
          'isError',
          'Status',
          'ContextType',
          'status',
          'taskType',
        ].includes(k)
          ? v
          : shape(v, depth + 1),
      ]),
    );
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && trimmed.length < 1_000_000) {
      try {
        return { json: shape(JSON.parse(trimmed), depth + 1) };
      } catch {
        // Plain text.
      }
    }
    return `string(${value.length})`;
  }
  return typeof value;
}

async function pop(
  step: string,
  action: string,
  form: Record<string, string | number | boolean | undefined>,
  options: { query?: Record<string, string>; keyInQuery?: boolean; timeoutMs?: number } = {},
): Promise<Record<string, any> | undefined> {
  const auth = `Bearer ${apiKey}`;
  const request = buildRpcRequest({
    action,
    form: options.keyInQuery ? form : { Authorization: auth, ...form },
    query: options.keyInQuery ? { ...options.query, Authorization: auth } : options.query,
    userAgent: 'agentbay-run-code-live-probe',
  });
  const started = performance.now();
  const probe: Probe = { step, ms: 0 };
  probes.push(probe);
  try {
    const response = await fetch(`${origin}${request.path}`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 65_000),
    });
    probe.httpStatus = response.status;
    const text = await response.text();
    probe.ms = Math.round(performance.now() - started);
    let body: Record<string, any> | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      probe.error = `not JSON: ${redact(text.slice(0, 200))}`;
      return undefined;
    }
    probe.code = typeof body?.Code === 'string' ? body.Code : undefined;
    probe.shape = shape(body);
    return body;
  } catch (error) {
    probe.ms = Math.round(performance.now() - started);
    probe.error = redact(
      error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    );
    return undefined;
  }
}

function toolText(body: Record<string, any> | undefined): { text: string; isError: boolean } {
  let data = body?.Data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return { text: data, isError: false };
    }
  }
  const text = Array.isArray(data?.content)
    ? data.content.map((c: any) => c?.text ?? '').join('; ')
    : '';
  return { text, isError: data?.isError === true };
}

/** Every string in a JSON answer, decoded (a traceback's quotes are escaped in the JSON). */
function textsIn(text: string): string {
  const found: string[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth > 8) return;
    if (typeof value === 'string') found.push(value);
    else if (Array.isArray(value)) for (const v of value) walk(v, depth + 1);
    else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) walk(v, depth + 1);
    }
  };
  try {
    walk(JSON.parse(text), 0);
  } catch {
    return text;
  }
  return found.join('\n');
}

const tool = (
  step: string,
  sessionId: string,
  name: string,
  server: string,
  args: unknown,
  timeoutMs?: number,
) =>
  pop(
    step,
    'CallMcpTool',
    {
      Args: JSON.stringify(args),
      AutoGenSession: false,
      Name: name,
      Server: server,
      SessionId: sessionId,
    },
    { timeoutMs },
  );

let sessionId = '';
let cleaning: Promise<void> | undefined;
async function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    const ids = new Set<string>(sessionId ? [sessionId] : []);
    // A create that answered late (or not at all) is found by its label.
    const listed = await pop('ListSession (cleanup)', 'ListSession', {
      Labels: JSON.stringify({ 'gha-probe': probeLabel }),
      MaxResults: 10,
    });
    for (const item of Array.isArray(listed?.Data) ? listed.Data : []) {
      if (typeof item?.SessionId === 'string') ids.add(item.SessionId);
    }
    for (const id of ids) await pop('DeleteSessionAsync', 'DeleteSessionAsync', { SessionId: id });
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanup().finally(() => process.exit(1));
  });
}

try {
  // SDK 0.21's LifecyclePolicy, in minutes: idle 5, ceiling 30 (the probe takes minutes).
  const created = await pop('CreateMcpSession (Timeout=5, MaxRuntime=30 min)', 'CreateMcpSession', {
    ImageId: 'code_latest',
    Timeout: 5,
    MaxRuntime: 30,
    Labels: JSON.stringify({ 'gha-probe': probeLabel, purpose: 'live-probe' }),
    LoginRegionId: regionId,
  });
  sessionId = typeof created?.Data?.SessionId === 'string' ? created.Data.SessionId : '';
  const linkUrl = typeof created?.Data?.LinkUrl === 'string' ? created.Data.LinkUrl : '';
  const linkToken = typeof created?.Data?.Token === 'string' ? created.Data.Token : '';
  // The LinkUrl token is a credential too: out of the report before anything is written.
  if (linkToken) redact = makeRedactor([apiKey, linkToken]);
  probes.at(-1)!.finding = {
    linkUrlReturned: Boolean(linkUrl),
    tokenReturned: Boolean(linkToken),
    wsUrlReturned: Boolean(created?.Data?.WsUrl),
    toolServers: (() => {
      try {
        return JSON.parse(created?.Data?.ToolList ?? '[]').map((t: any) => `${t.name}@${t.server}`);
      } catch {
        return 'unreadable';
      }
    })(),
  };
  if (!sessionId) throw new Error('no session was created');

  if (linkUrl && linkToken) {
    // The SDK's direct route (protocol §6.3), which the action does not use (README, "Routes
    // to the sandbox"): does it answer for code_latest, and in what shape?
    const started = performance.now();
    const probe: Probe = { step: 'LinkUrl callTool shell', ms: 0 };
    probes.push(probe);
    try {
      const response = await fetch(`${linkUrl.replace(/\/+$/, '')}/callTool`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-access-token': linkToken },
        body: JSON.stringify({
          args: { command: 'echo link', timeout_ms: 10_000 },
          server: 'wuying_shell',
          requestId: `link-${Date.now()}-${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`,
          tool: 'shell',
          token: linkToken,
        }),
        signal: AbortSignal.timeout(30_000),
      });
      probe.httpStatus = response.status;
      const text = await response.text();
      try {
        probe.shape = shape(JSON.parse(text));
      } catch {
        probe.error = `not JSON: ${redact(text.slice(0, 200))}`;
      }
    } catch (error) {
      probe.error = redact(
        error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      );
    }
    probe.ms = Math.round(performance.now() - started);
  }

  const detail = await pop(
    'GetSessionDetail',
    'GetSessionDetail',
    {},
    { query: { SessionId: sessionId } },
  );
  probes.at(-1)!.finding = {
    idType: typeof detail?.Data?.Id,
    // Which region answered: the session's own, as the service reports it.
    regionAnswered: typeof detail?.Data?.RegionId === 'string' ? detail.Data.RegionId : null,
    regionAsked: regionId,
  };
  await pop('GetSession', 'GetSession', { SessionId: sessionId });
  await pop('GetLabel', 'GetLabel', { SessionId: sessionId });

  const code = await tool('run_code', sessionId, 'run_code', 'wuying_codespace', {
    code: 'import os, sys\nprint(os.getcwd(), sys.version.split()[0])\nx = 41',
    language: 'python',
    timeout_s: 30,
  });
  probes.at(-1)!.finding = { answer: shape(toolText(code).text) };
  const state = await tool('run_code (state kept?)', sessionId, 'run_code', 'wuying_codespace', {
    code: 'x + 1',
    language: 'python',
    timeout_s: 30,
  });
  probes.at(-1)!.finding = { pythonStateKept: toolText(state).text.includes('42') };
  const js = await tool(
    'run_code javascript (state kept?)',
    sessionId,
    'run_code',
    'wuying_codespace',
    {
      code: 'globalThis.probe = 1; console.log(process.cwd())',
      language: 'javascript',
      timeout_s: 30,
    },
  );
  probes.at(-1)!.finding = { answer: shape(toolText(js).text) };
  const jsAgain = await tool(
    'run_code javascript (state read back)',
    sessionId,
    'run_code',
    'wuying_codespace',
    {
      code: "console.log('probe state', typeof globalThis.probe)",
      language: 'javascript',
      timeout_s: 30,
    },
  );
  probes.at(-1)!.finding = {
    javascriptStateKept: textsIn(toolText(jsAgain).text).includes('probe state number'),
  };

  const shell = await tool('shell pwd/whoami', sessionId, 'shell', 'wuying_shell', {
    command: 'pwd; whoami; echo "$HOME"; command -v setsid tar base64 python3 node',
    timeout_ms: 10_000,
  });
  const shellText = toolText(shell).text;
  try {
    const parsed = JSON.parse(shellText);
    const [cwd, user] = String(parsed.stdout ?? '').split('\n');
    probes.at(-1)!.finding = {
      defaultCwd: cwd,
      user,
      tools: String(parsed.stdout ?? '')
        .split('\n')
        .slice(3),
    };
  } catch {
    probes.at(-1)!.finding = { legacyText: true };
  }
  const failing = await tool('shell non-zero exit', sessionId, 'shell', 'wuying_shell', {
    command: 'cat /nonexistent-probe-file',
    timeout_ms: 10_000,
  });
  probes.at(-1)!.finding = {
    isError: toolText(failing).isError,
    keys: shape(toolText(failing).text),
  };
  const slow = await tool('shell [timeout]', sessionId, 'shell', 'wuying_shell', {
    command: 'sleep 5',
    timeout_ms: 1000,
  });
  probes.at(-1)!.finding = { text: redact(toolText(slow).text).slice(0, 200) };

  await tool('write_file', sessionId, 'write_file', 'wuying_filesystem', {
    path: '/workspace/probe/a.txt',
    content: 'probe\n',
    mode: 'overwrite',
  });
  const info = await tool('get_file_info', sessionId, 'get_file_info', 'wuying_filesystem', {
    path: '/workspace/probe/a.txt',
  });
  probes.at(-1)!.finding = {
    keys: toolText(info)
      .text.split('\n')
      .map((l) => l.split(':')[0]?.trim())
      .filter(Boolean),
  };
  await tool('read_file binary', sessionId, 'read_file', 'wuying_filesystem', {
    path: '/workspace/probe/a.txt',
    offset: 0,
    length: 6,
    format: 'binary',
  });
  await tool('list_directory', sessionId, 'list_directory', 'wuying_filesystem', {
    path: '/workspace/probe',
  });
  // The per-call limit on answers: 200 000 bytes of output in one shell answer.
  const big = await tool('shell 200 KB of stdout', sessionId, 'shell', 'wuying_shell', {
    command: 'head -c 200000 /dev/zero | tr "\\0" a',
    timeout_ms: 10_000,
  });
  probes.at(-1)!.finding = { answerChars: toolText(big).text.length };
  const tooBig = await tool(
    'write_file 70 KB (over the MQTT limit)',
    sessionId,
    'write_file',
    'wuying_filesystem',
    {
      path: '/workspace/probe/big.txt',
      content: 'a'.repeat(70_000),
      mode: 'overwrite',
    },
  );
  probes.at(-1)!.finding = {
    refused: toolText(tooBig).isError || probes.at(-1)!.httpStatus !== 200,
  };

  // Code larger than one call runs from a file (src/sandbox/code-file.ts): the exact cells the
  // action sends, so the first real run shows whether the kernel takes them.
  const bigPython = [
    `# ${'p'.repeat(70_000)}`,
    'import sys',
    'print("from a file", sys.argv[0] if sys.argv else "")',
    'def fail():',
    '    raise ValueError("probe failure")',
    '40 + 2',
    '',
  ].join('\n');
  const overLimit = await tool(
    'run_code over the per-call limit',
    sessionId,
    'run_code',
    'wuying_codespace',
    {
      code: bigPython,
      language: 'python',
      timeout_s: 30,
    },
  );
  probes.at(-1)!.finding = {
    argsBytes: Buffer.byteLength(
      JSON.stringify({ code: bigPython, language: 'python', timeout_s: 30 }),
    ),
    refused: toolText(overLimit).isError || probes.at(-1)!.httpStatus !== 200,
  };
  const pyFile = { path: '/workspace/probe/big.py', relative: 'probe/big.py', temporary: false };
  await tool('write_file (first chunk)', sessionId, 'write_file', 'wuying_filesystem', {
    path: pyFile.path,
    content: bigPython.slice(0, 40_000),
    mode: 'overwrite',
  });
  await tool('write_file append', sessionId, 'write_file', 'wuying_filesystem', {
    path: pyFile.path,
    content: bigPython.slice(40_000),
    mode: 'append',
  });
  const fromFile = await tool(
    'run_code python from a file',
    sessionId,
    'run_code',
    'wuying_codespace',
    {
      code: runFromFileCode('python', pyFile, ''),
      language: 'python',
      timeout_s: 30,
    },
  );
  probes.at(-1)!.finding = {
    ran: toolText(fromFile).text.includes('from a file'),
    trailingResult: toolText(fromFile).text.includes('42'),
  };
  const failFromFile = await tool(
    'run_code python from a file, failing',
    sessionId,
    'run_code',
    'wuying_codespace',
    { code: 'fail()', language: 'python', timeout_s: 30 },
  );
  const failText = textsIn(toolText(failFromFile).text);
  probes.at(-1)!.finding = {
    tracebackNamesFile: failText.includes('big.py'),
    locatedLine: findErrorLocation('python', [failText], bigPython, pyFile.path)?.line ?? null,
  };
  await tool('write_file ES module sibling', sessionId, 'write_file', 'wuying_filesystem', {
    path: '/workspace/probe/lib.mjs',
    content: 'export const answer = 42;\n',
    mode: 'overwrite',
  });
  await tool('write_file ES module', sessionId, 'write_file', 'wuying_filesystem', {
    path: '/workspace/probe/main.mjs',
    content:
      "import { answer } from './lib.mjs';\nconsole.log('esm', answer, process.argv[1]);\nthrow new Error('probe esm');\n",
    mode: 'overwrite',
  });
  const esm = await tool(
    'run_code javascript ES module from a file',
    sessionId,
    'run_code',
    'wuying_codespace',
    {
      code: runFromFileCode(
        'javascript',
        { path: '/workspace/probe/main.mjs', relative: 'probe/main.mjs', temporary: false },
        '',
      ),
      language: 'javascript',
      timeout_s: 30,
    },
  );
  const esmText = textsIn(toolText(esm).text);
  probes.at(-1)!.finding = {
    siblingImported: esmText.includes('esm 42'),
    locatedLine:
      findErrorLocation('javascript', [esmText], 'x\nx\nx\n', '/workspace/probe/main.mjs')?.line ??
      null,
  };

  // Runs past 60 s (src/sandbox/background-job.ts): does a detached process outlive the call?
  await tool('shell detached job', sessionId, 'shell', 'wuying_shell', {
    command:
      "mkdir -p /tmp/probe-job && { nohup $(command -v setsid) bash -c 'sleep 2; echo done > /tmp/probe-job/out' > /dev/null 2>&1 & }",
    timeout_ms: 10_000,
  });
  await new Promise((r) => setTimeout(r, 4_000));
  const job = await tool('shell detached job result', sessionId, 'shell', 'wuying_shell', {
    command: 'cat /tmp/probe-job/out',
    timeout_ms: 10_000,
  });
  probes.at(-1)!.finding = { detachedOutlivedCall: toolText(job).text.includes('done') };

  const ctx = await pop('GetAndLoadInternalContext (POST form)', 'GetAndLoadInternalContext', {
    'ContextTypes.1': 'file_transfer',
    SessionId: sessionId,
  });
  const contextId = ctx?.Data?.[0]?.ContextId as string | undefined;
  if (contextId) {
    const path = '/tmp/file-transfer/probe.bin';
    const url = await pop('GetContextFileUploadUrl', 'GetContextFileUploadUrl', {
      ContextId: contextId,
      FilePath: path,
    });
    const started = performance.now();
    const put = await fetch(String(url?.Data?.Url ?? 'http://invalid'), {
      method: 'PUT',
      body: randomBytes(1024),
    }).catch((error: Error) => ({ status: 0, statusText: error.message }));
    probes.push({
      step: 'presigned PUT',
      ms: Math.round(performance.now() - started),
      httpStatus: put.status,
    });
    await pop(
      'SyncContext download',
      'SyncContext',
      { ContextId: contextId, Mode: 'download', Path: path, SessionId: sessionId },
      { keyInQuery: true },
    );
    const syncStarted = performance.now();
    for (let i = 0; i < 40; i++) {
      const status = await pop('GetContextInfo', 'GetContextInfo', {
        ContextId: contextId,
        Path: path,
        SessionId: sessionId,
        TaskType: 'download',
      });
      const text = String(status?.Data?.ContextStatus ?? '');
      if (/Success|Failed/i.test(text)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    probes.at(-1)!.finding = { syncMs: Math.round(performance.now() - syncStarted) };
    await pop('DeleteContextFile', 'DeleteContextFile', { ContextId: contextId, FilePath: path });
    // The other direction, as `download` uses it: sandbox → OSS → runner.
    const outPath = '/tmp/file-transfer/probe-out.bin';
    await tool('shell copy for download', sessionId, 'shell', 'wuying_shell', {
      command: `cp /tmp/file-transfer/probe.bin ${outPath} 2>/dev/null || head -c 1024 /dev/urandom > ${outPath}`,
      timeout_ms: 10_000,
    });
    await pop(
      'SyncContext upload',
      'SyncContext',
      { ContextId: contextId, Mode: 'upload', Path: outPath, SessionId: sessionId },
      { keyInQuery: true },
    );
    for (let i = 0; i < 40; i++) {
      const status = await pop('GetContextInfo (upload)', 'GetContextInfo', {
        ContextId: contextId,
        Path: outPath,
        SessionId: sessionId,
        TaskType: 'upload',
      });
      if (/Success|Failed/i.test(String(status?.Data?.ContextStatus ?? ''))) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const download = await pop('GetContextFileDownloadUrl', 'GetContextFileDownloadUrl', {
      ContextId: contextId,
      FilePath: outPath,
    });
    const getStarted = performance.now();
    const got = await fetch(String(download?.Data?.Url ?? 'http://invalid'))
      .then(async (r) => ({ status: r.status, bytes: (await r.arrayBuffer()).byteLength }))
      .catch(() => ({ status: 0, bytes: 0 }));
    probes.push({
      step: 'presigned GET',
      ms: Math.round(performance.now() - getStarted),
      httpStatus: got.status,
      finding: { bytes: got.bytes },
    });
    await pop('DeleteContextFile (download)', 'DeleteContextFile', {
      ContextId: contextId,
      FilePath: outPath,
    });
  }
  await pop('RefreshSessionIdleTime', 'RefreshSessionIdleTime', { SessionId: sessionId });

  // What the gateway answers a call that outlives its limit (60 s on the real service): opt-in,
  // it waits. A shell command sleeping 10 s past it, with timeout_ms above both.
  const gatewayS = Number(process.env.AGENTBAY_PROBE_GATEWAY_S ?? '0');
  if (Number.isInteger(gatewayS) && gatewayS > 0) {
    await tool(
      `shell sleeping ${gatewayS + 10} s (past the gateway limit)`,
      sessionId,
      'shell',
      'wuying_shell',
      { command: `sleep ${gatewayS + 10}`, timeout_ms: (gatewayS + 20) * 1000 },
      (gatewayS + 30) * 1000,
    );
    const last = probes.at(-1)!;
    last.finding = { httpStatus: last.httpStatus ?? null, code: last.code ?? null, ms: last.ms };
  }

  // Is the idle `Timeout` honoured? Opt-in (it waits): a second session, left alone past it.
  const idleS = Number(process.env.AGENTBAY_PROBE_IDLE_S ?? '0');
  if (Number.isInteger(idleS) && idleS > 0) {
    const idle = await pop(`CreateMcpSession (Timeout=${idleS}, left idle)`, 'CreateMcpSession', {
      ImageId: 'code_latest',
      Labels: JSON.stringify({ 'gha-probe': probeLabel, purpose: 'live-probe-idle' }),
      LoginRegionId: regionId,
      Timeout: idleS,
    });
    const idleId = typeof idle?.Data?.SessionId === 'string' ? idle.Data.SessionId : '';
    if (idleId) {
      const waitS = idleS + Math.max(3, Math.ceil(idleS / 2));
      await new Promise((r) => setTimeout(r, waitS * 1000));
      const after = await pop(`GetSession (${waitS} s idle)`, 'GetSession', {
        SessionId: idleId,
      });
      const status = typeof after?.Data?.Status === 'string' ? after.Data.Status : null;
      const code = probes.at(-1)!.code ?? null;
      probes.at(-1)!.finding = {
        status,
        code,
        released: /NotFound/i.test(code ?? '') || (status !== null && status !== 'RUNNING'),
      };
    }
  }
} catch (error) {
  probes.push({
    step: 'probe stopped',
    ms: 0,
    error: redact(error instanceof Error ? error.message : String(error)),
  });
} finally {
  await cleanup();
  const report = redact(
    JSON.stringify({ origin, region: regionId, when: new Date().toISOString(), probes }, null, 2),
  );
  writeFileSync(reportPath, report);
  console.log(report);
  console.log(`\nReport written to ${reportPath}.`);
}

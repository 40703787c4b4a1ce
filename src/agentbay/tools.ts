// CallMcpTool: run_code, and any other tool (shell, the filesystem tools) read as the SDK's
// callMcpTool reads it (addendum §1): the text of content[], joined with "; ", and isError.
import { identifier, isObject, parseIfText } from '../text/json.ts';
import { refusalOf } from './refusal.ts';
import type { Language } from '../runs/language.ts';
import { flatten, LARGE_TEXT, releaseLargeCopies } from './memory.ts';
import type { RetryPolicy } from './errors.ts';
import { parseRunCodeData, type CodeRunResult } from './run-code-result.ts';
import type { ToolCall, ToolOutcome } from './tool-caller.ts';
import type { ApiBody, Transport } from './transport.ts';

export interface RunCodeParams {
  code: string;
  language: Language;
  timeoutS: number;
}

/** How far past the code's own timeout we wait for run_code to answer. */
const RUN_CODE_MARGIN_MS = 15_000;

export async function runCode(
  transport: Transport,
  sessionId: string,
  params: RunCodeParams,
): Promise<{ result: CodeRunResult; requestId: string }> {
  const body = await transport.call(
    'CallMcpTool',
    {
      Args: JSON.stringify({
        code: params.code,
        language: params.language,
        timeout_s: params.timeoutS,
      }),
      AutoGenSession: false,
      Name: 'run_code',
      Server: '',
      SessionId: sessionId,
    },
    { timeoutMs: params.timeoutS * 1000 + RUN_CODE_MARGIN_MS, retry: 'unsent-only' },
  );
  const requestId = identifier(body.RequestId);
  if (body.Data === undefined || body.Data === null || body.Data === '') {
    throw transport.apiError('CallMcpTool', 'the response carries no tool result', body);
  }
  let envelope = envelopeOf(transport, body);
  const result = parseRunCodeData(envelope ?? body.Data);
  if (result.stdout.length + result.stderr.length > LARGE_TEXT) {
    // The envelope (the result's text, encoded once more) goes before stdout is made one
    // string. The pieces stdout was linked from are left to V8: collecting them too cost
    // time and lowered no peak (BENCHMARKS.md).
    body.Data = undefined;
    envelope = undefined;
    releaseLargeCopies();
    flatten(result.stdout);
    flatten(result.stderr);
  }
  return { result, requestId };
}

/**
 * Calls one MCP tool (shell, the filesystem tools) and answers its text and isError, as the
 * SDK's callMcpTool does. `timeoutMs` bounds the HTTP call; the gateway's own 60 s limit
 * applies on top.
 */
export async function callTool(
  transport: Transport,
  sessionId: string,
  tool: ToolCall,
  options: { timeoutMs?: number; retry?: RetryPolicy } = {},
): Promise<ToolOutcome> {
  const body = await transport.call(
    'CallMcpTool',
    {
      Args: JSON.stringify(tool.args),
      AutoGenSession: false,
      Name: tool.name,
      Server: tool.server,
      SessionId: sessionId,
    },
    {
      timeoutMs: options.timeoutMs ?? transport.callTimeoutMs,
      retry: options.retry ?? 'unsent-only',
    },
  );
  const outcome = readToolAnswer(envelopeOf(transport, body));
  if (!outcome) {
    throw transport.apiError('CallMcpTool', 'the response carries no tool result', body);
  }
  return { ...outcome, requestId: identifier(body.RequestId) };
}

/** The text of content[], joined with "; ", and isError; undefined when there is no content[]. */
export function readToolAnswer(envelope: unknown): { text: string; isError: boolean } | undefined {
  if (!isObject(envelope) || !Array.isArray(envelope.content)) return undefined;
  const texts = envelope.content
    .map((item) => (isObject(item) && typeof item.text === 'string' ? item.text : undefined))
    .filter((text): text is string => text !== undefined);
  return { text: texts.join('; '), isError: envelope.isError === true };
}

/**
 * The tool's answer, Data parsed when it came as a JSON string (undefined when that string is
 * not JSON). A refusal (the tool never ran) is thrown here, for every tool alike.
 */
function envelopeOf(transport: Transport, body: ApiBody): unknown {
  const envelope = parseIfText(body.Data);
  const refused = refusalOf(envelope);
  if (refused !== undefined) {
    throw transport.apiError('CallMcpTool', `the tool did not run: ${refused}`, body);
  }
  return envelope;
}

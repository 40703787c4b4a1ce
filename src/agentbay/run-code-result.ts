import { clip } from '../text/clip.ts';
import { isObject, tryParseJson } from '../text/json.ts';
import type { CodeRunResult, PayloadFormat, ResultItem } from '../runs/result.ts';

export type { CodeRunResult, ResultItem };

type Json = Record<string, unknown>;

/** `error` is a headline for logs, titles and outputs; the whole text stays in errorDetail. */
const MAX_ERROR_CHARS = 1_000;
/**
 * Deeper JSON than this in a result is cut off (and says so): the sandbox chooses the depth,
 * and JSON.stringify, structured clones and any recursive walk overflow the stack past a few
 * thousand levels.
 */
export const MAX_RESULT_DEPTH = 64;

/**
 * Turns the `Data` of a run_code CallMcpTool answer into a CodeRunResult. Accepts every
 * variant in sections 6–7 of the protocol page: Data as an object or a JSON string; the
 * structured payload, double-encoded or as plain legacy text; the "rich" logs/results/error
 * shape; result items as JSON strings or objects; camelCase or snake_case keys.
 */
export function parseRunCodeData(data: unknown): CodeRunResult {
  let envelope: unknown = limitDepth(data, MAX_RESULT_DEPTH);
  if (typeof envelope === 'string') {
    envelope = parseWithinDepth(envelope) ?? { content: [{ text: envelope }] };
  }
  const toolError = isObject(envelope) && envelope.isError === true;
  const text = contentText(envelope);

  const payload = decodePayload(text);
  if (!payload) {
    // Plain text: on a tool error it is the error message, otherwise the program's output.
    return toolError
      ? finish(
          { stdout: '', stderr: '', executionError: text, results: [], format: 'legacy-text' },
          true,
        )
      : finish(
          { stdout: text, stderr: '', executionError: '', results: [], format: 'legacy-text' },
          false,
        );
  }
  return finish(payload, toolError);
}

interface DecodedPayload {
  stdout: string;
  stderr: string;
  executionError: string;
  errorDetail?: string;
  results: ResultItem[];
  executionTimeS?: number;
  executionCount?: number;
  traceId?: string;
  /** The payload itself says `isError: true` (the Python SDK's rule), even with no executionError. */
  isError?: boolean;
  format: PayloadFormat;
}

function finish(payload: DecodedPayload, toolError: boolean): CodeRunResult {
  const failed = toolError || payload.isError === true || payload.executionError !== '';
  let error = headline(payload.executionError);
  if (failed && !error) {
    // isError with an empty executionError: the traceback is only in stderr, and its last
    // line ("NameError: name 'x' is not defined") is the message.
    error = lastLine(payload.stderr) || 'the sandbox reported an error without details';
  }
  return {
    success: !failed,
    toolError,
    output: mainText(payload.results, payload.stdout),
    stdout: payload.stdout,
    stderr: payload.stderr,
    error: failed ? clip(error, MAX_ERROR_CHARS) : '',
    errorDetail:
      payload.errorDetail ??
      (payload.executionError.includes('\n') || payload.executionError.length > MAX_ERROR_CHARS
        ? payload.executionError
        : ''),
    results: payload.results,
    executionTimeS: payload.executionTimeS,
    executionCount: payload.executionCount,
    traceId: payload.traceId ?? '',
    format: payload.format,
  };
}

/**
 * First main result's text/plain, else the first result's text/plain, else stdout; an empty
 * text counts as none, as in every SDK.
 */
function mainText(results: ResultItem[], stdout: string): string {
  const textOf = (item: ResultItem | undefined) => {
    const text = item?.data['text/plain'];
    return typeof text === 'string' ? text : '';
  };
  return textOf(results.find((r) => r.isMain && textOf(r))) || textOf(results[0]) || stdout;
}

function contentText(envelope: unknown): string {
  if (!isObject(envelope))
    return typeof envelope === 'string' ? envelope : JSON.stringify(envelope);
  const content = envelope.content;
  if (Array.isArray(content) && content.length > 0) {
    const first = content[0];
    if (isObject(first)) {
      for (const key of ['text', 'blob', 'data']) {
        if (typeof first[key] === 'string') return first[key];
      }
    }
  }
  return JSON.stringify(envelope);
}

function decodePayload(text: string): DecodedPayload | undefined {
  let value = parseWithinDepth(text);
  // Double encoding: a JSON string that holds the JSON document.
  if (typeof value === 'string') value = parseWithinDepth(value);
  if (!isObject(value)) return undefined;
  if ('result' in value || 'stdout' in value || 'executionError' in value || 'stderr' in value) {
    return decodeStructured(value);
  }
  if ('logs' in value || 'results' in value || 'error' in value) return decodeRich(value);
  return undefined;
}

function decodeStructured(value: Json): DecodedPayload {
  const { message, detail } = describeError(value.executionError ?? value.execution_error);
  return {
    stdout: joinChunks(value.stdout),
    stderr: joinChunks(value.stderr),
    executionError: message,
    errorDetail: detail,
    results: asArray(value.result)
      .map(toResultItem)
      .filter((r): r is ResultItem => r !== undefined),
    executionTimeS: asNumber(value.executionTime ?? value.execution_time),
    executionCount: asNumber(value.executionCount ?? value.execution_count),
    traceId: traceIdOf(value.traceId ?? value.trace_id),
    isError: value.isError === true,
    format: 'structured',
  };
}

/** Short keys of the speculative "rich" shape the Python SDK accepts, mapped to MIME types. */
const RICH_KEYS: Record<string, string> = {
  text: 'text/plain',
  html: 'text/html',
  markdown: 'text/markdown',
  png: 'image/png',
  jpeg: 'image/jpeg',
  svg: 'image/svg+xml',
  json: 'application/json',
  latex: 'text/latex',
  javascript: 'application/javascript',
  chart: 'application/vnd.vegalite.v5+json',
};

/** The MIME type of a short key; own keys only (`constructor` is no MIME type). */
function richMime(key: string): string | undefined {
  return Object.hasOwn(RICH_KEYS, key) ? RICH_KEYS[key] : undefined;
}

function decodeRich(value: Json): DecodedPayload {
  const logs = isObject(value.logs) ? value.logs : {};
  const results = asArray(value.results)
    .filter(isObject)
    .map((item): ResultItem => {
      const data: Record<string, unknown> = {};
      for (const [key, content] of Object.entries(item)) {
        if (key === 'is_main_result' || key === 'isMainResult') continue;
        if (content === null || content === undefined) continue;
        setKey(data, richMime(key) ?? key, content);
      }
      return { isMain: item.is_main_result === true || item.isMainResult === true, data };
    });
  const { message, detail } = describeError(value.error);
  return {
    stdout: joinChunks(logs.stdout),
    stderr: joinChunks(logs.stderr),
    executionError: message,
    errorDetail: detail,
    results,
    executionTimeS: asNumber(value.execution_time ?? value.executionTime),
    executionCount: asNumber(value.execution_count ?? value.executionCount),
    traceId: traceIdOf(value.traceId ?? value.trace_id),
    isError: value.isError === true,
    format: 'rich',
  };
}

/** executionError may be a string or an object like `{name, value, traceback}`. */
function describeError(error: unknown): { message: string; detail: string | undefined } {
  if (error === undefined || error === null || error === '' || error === false) {
    return { message: '', detail: undefined };
  }
  if (typeof error === 'string') return { message: error, detail: undefined };
  if (isObject(error)) {
    const name = typeof error.name === 'string' ? error.name : '';
    const value =
      typeof error.value === 'string'
        ? error.value
        : typeof error.message === 'string'
          ? error.message
          : '';
    const traceback = Array.isArray(error.traceback)
      ? error.traceback.join('\n')
      : typeof error.traceback === 'string'
        ? error.traceback
        : undefined;
    const message = [name, value].filter(Boolean).join(': ') || JSON.stringify(error);
    return { message, detail: traceback };
  }
  return { message: String(error), detail: undefined };
}

function toResultItem(item: unknown): ResultItem | undefined {
  let value = item;
  // Items arrive as JSON strings, objects, or double-encoded strings.
  for (let depth = 0; depth < 2 && typeof value === 'string'; depth++) {
    const parsed = parseWithinDepth(value);
    if (parsed === undefined) return { isMain: false, data: { 'text/plain': value } };
    value = parsed;
  }
  if (!isObject(value))
    return value === undefined
      ? undefined
      : { isMain: false, data: { 'text/plain': String(value) } };
  const data: Record<string, unknown> = {};
  for (const [key, content] of Object.entries(value)) {
    if (key === 'isMainResult' || key === 'is_main_result') continue;
    // The Python SDK also reads the short names (`text`, `html`, …) in this shape.
    const short = richMime(key);
    setKey(data, short !== undefined && !Object.hasOwn(value, short) ? short : key, content);
  }
  return { isMain: value.isMainResult === true || value.is_main_result === true, data };
}

/**
 * The sandbox names a bundle's keys: `__proto__` stays a key of its own instead of becoming
 * the bundle's prototype (whose properties would then pass for MIME types of the result).
 */
function setKey(data: Record<string, unknown>, key: string, content: unknown): void {
  Object.defineProperty(data, key, {
    value: content,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Trace ids are for support requests: a short token, nothing else. */
function traceIdOf(value: unknown): string {
  return typeof value === 'string' && /^[\w.:-]{1,128}$/.test(value) ? value : '';
}

/**
 * `value` with everything nested deeper than `max` replaced by a note, walked iteratively
 * (in place: the value is a fresh parse of the answer).
 */
function limitDepth(value: unknown, max: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  const pending: Array<[container: Json | unknown[], depth: number]> = [[value as Json, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [container, depth] = next;
    for (const [key, item] of Object.entries(container)) {
      if (item === null || typeof item !== 'object') continue;
      if (depth >= max) {
        (container as Json)[key] = `[nested deeper than ${max} levels; not kept]`;
      } else {
        pending.push([item as Json, depth + 1]);
      }
    }
  }
  return value;
}

function joinChunks(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  // Concatenated rather than joined: V8 links the pieces instead of copying them, so a
  // 100 MB stdout is not held twice (pieces and copy) while the envelope is still alive.
  let text = '';
  for (const chunk of value) text += typeof chunk === 'string' ? chunk : JSON.stringify(chunk);
  return text;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Parsed (undefined when not JSON), and no deeper than MAX_RESULT_DEPTH: the text is the sandbox's. */
function parseWithinDepth(text: string): unknown {
  return limitDepth(tryParseJson(text), MAX_RESULT_DEPTH);
}

/** The line of an error text that says what happened: a Python traceback ends with it, a stack starts with it. */
function headline(text: string): string {
  const lines = text.trim().split('\n');
  if (lines.length > 1 && /^Traceback \(most recent call last\)/.test(lines[0] ?? ''))
    return lastLine(text);
  return lines[0]?.trim() ?? '';
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.trim() ?? '';
}

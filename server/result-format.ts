// Encodes a run_code outcome as CallMcpTool `Data`, in each variant the real service (or its
// SDKs) is known to produce, so clients can be tested against all of them (protocol §6.2, §7).
import { randomBytes } from 'node:crypto';
import { stringifyJson } from './json-text.ts';
import type { RunOutcome } from './run-code.ts';
import type { ResultFormat } from './types.ts';

export const DEFAULT_RESULT_FORMAT: Readonly<ResultFormat> = Object.freeze({
  dataAsString: false,
  encoding: 'json',
  itemsAs: 'strings',
  keyStyle: 'camel',
  errorStyle: 'executionError',
  includeType: true,
  shellAnswer: 'wrapped',
});

const ALLOWED: { [K in keyof ResultFormat]: readonly ResultFormat[K][] } = {
  dataAsString: [true, false],
  encoding: ['json', 'double', 'legacy-text'],
  shellAnswer: ['wrapped', 'raw'],
  itemsAs: ['strings', 'objects'],
  keyStyle: ['camel', 'snake'],
  errorStyle: ['executionError', 'isError'],
  includeType: [true, false],
};

/** The defaults overridden by `partial`; throws on unknown keys or values. */
export function resolveResultFormat(partial: unknown): ResultFormat {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    throw new Error('result format must be a JSON object');
  }
  const format: ResultFormat = { ...DEFAULT_RESULT_FORMAT };
  for (const [key, value] of Object.entries(partial)) {
    if (!(key in ALLOWED)) throw new Error(`unknown result format key: ${key}`);
    const allowed = ALLOWED[key as keyof ResultFormat] as readonly unknown[];
    if (!allowed.includes(value)) {
      throw new Error(`invalid value for ${key}: ${JSON.stringify(value)}`);
    }
    Object.assign(format, { [key]: value });
  }
  return format;
}

/** Data for a run that happened (successfully or not). */
export function runResultData(outcome: RunOutcome, format: ResultFormat): unknown {
  const failed = outcome.executionError !== '';
  const asIsError = failed && format.errorStyle === 'isError';
  const stderr = [...outcome.stderr];
  // In the isError style the message must survive somewhere: the stderr stream.
  if (asIsError && !stderr.join('').includes(outcome.executionError)) {
    stderr.push(`${outcome.executionError}\n`);
  }
  const stdout = outcome.stdout;

  let text: string;
  if (format.encoding === 'legacy-text') {
    text = stdout.join('') + stderr.join('');
  } else {
    const snake = format.keyStyle === 'snake';
    const items = outcome.results.map((bundle) => {
      const { isMainResult, ...rest } = bundle;
      const item = { [snake ? 'is_main_result' : 'isMainResult']: isMainResult === true, ...rest };
      return format.itemsAs === 'strings' ? stringifyJson(item) : item;
    });
    const payload = {
      executionError: asIsError ? '' : outcome.executionError,
      result: items,
      stdout,
      stderr,
      [snake ? 'execution_time' : 'executionTime']: Number(outcome.executionTime.toFixed(6)),
      [snake ? 'execution_count' : 'executionCount']: 1,
      // The Go SDK's struct has it; support asks for it.
      traceId: newTraceId(),
    };
    text = stringifyJson(payload);
    if (format.encoding === 'double') text = JSON.stringify(text);
  }
  return toolData(text, asIsError, format);
}

/** Data for a tool-level failure (unknown tool, wrong image, unsupported language, ...). */
export function toolErrorData(message: string, format: ResultFormat): unknown {
  return toolData(message, true, format);
}

export function toolData(text: string, isError: boolean, format: ResultFormat): unknown {
  const content = format.includeType ? { type: 'text', text } : { text };
  const data = { content: [content], isError };
  return format.dataAsString ? JSON.stringify(data) : data;
}

/** 32 hex digits, the shape of a W3C/EagleEye trace id. */
function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

import type { CodeRunResult, ResultItem } from '../runs/result.ts';
import { BASE64_TYPES } from './rich-files.ts';
import type { Redactor } from '../text/secrets.ts';

export { redactText } from '../text/secrets.ts';

/**
 * The result with every form of every secret replaced by `***`, before any of it is written
 * anywhere. The runner masks secrets only where the raw text appears; escaped for Markdown,
 * inside a file, or in a pull-request comment, a secret would slip through. Every string in
 * the result is covered, object keys (MIME type names) included, so a field added later is
 * covered too.
 */
export function redactResult(result: CodeRunResult, redact: Redactor): CodeRunResult {
  return redactDeep(
    { ...result, results: result.results.map(compactBase64) },
    redact,
  ) as CodeRunResult;
}

/**
 * Base64 data as it will be decoded: without the line breaks Jupyter wraps it in, which would
 * hide the encoding of a secret from the redactor and then vanish in the decoding.
 */
function compactBase64(item: ResultItem): ResultItem {
  const data = { ...item.data };
  for (const [mimeType, content] of Object.entries(data)) {
    if (BASE64_TYPES.has(mimeType) && typeof content === 'string') {
      data[mimeType] = content.replace(/\s+/g, '');
    }
  }
  return { ...item, data };
}

/**
 * A copy of `value` with every string and every object key redacted. Iterative, not
 * recursive: the sandbox decides how deep its results nest.
 */
export function redactDeep(value: unknown, redact: Redactor): unknown {
  const pending: Array<[source: object, copy: Record<string, unknown> | unknown[]]> = [];
  // A result often holds its stdout twice (as `output` too): 100 MB is scanned once.
  let lastText: string | undefined;
  let lastRedacted = '';
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') {
      if (item !== lastText) [lastText, lastRedacted] = [item, redact(item)];
      return lastRedacted;
    }
    if (item === null || typeof item !== 'object') return item;
    const copy = Array.isArray(item) ? [] : {};
    pending.push([item, copy]);
    return copy;
  };
  const root = visit(value);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [source, copy] = next;
    if (Array.isArray(source)) {
      for (const item of source) (copy as unknown[]).push(visit(item));
      continue;
    }
    for (const [key, item] of Object.entries(source)) {
      // defineProperty, not assignment: a `__proto__` key from JSON stays a plain key.
      Object.defineProperty(copy, redact(key), {
        value: visit(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return root;
}
